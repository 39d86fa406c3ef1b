"""The value objects of a backfill: its report, failures, retry policy and error.

Re-exported by :mod:`pattern_quality.backfill` (and :mod:`._backfill_core`);
:class:`~pattern_quality._backfill_core.BackfillRun` builds the report.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from ..errors import PatternQualityError, PatternValidationError, SchemaNotReadyError
from ..models import DIMENSION_KEYS, Tier
from ..report import Summary

__all__ = [
    "MAX_EXAMPLES",
    "MAX_REASONS",
    "BackfillError",
    "BackfillReport",
    "FailureExample",
    "FailureGroup",
    "RetryPolicy",
    "tier_counts",
]

#: Example ids kept per failure reason (the count is always exact).
MAX_EXAMPLES: Final = 5
#: Distinct failure reasons kept; further reasons are counted under ``"other"``.
MAX_REASONS: Final = 50
_TIERS: Final = tuple(t.value for t in Tier)
#: The averaged values, in :class:`~pattern_quality.report.Summary` order.
AVERAGED: Final = (*DIMENSION_KEYS, "composite_score")


@attrs.frozen(slots=True)
class FailureExample:
    """One item that could not be scored.

    Attributes:
        collection: Its collection (``""`` when the source has none).
        point_id: Its point id (or the item's raw ``pattern_id``), when known.
        pattern_id: The pattern id it maps to, when known.
        detail: The full message.
    """

    collection: str
    point_id: int | str | None
    pattern_id: str | None
    detail: str

    def to_dict(self) -> dict[str, Any]:
        """Return the example as a JSON-ready mapping.

        Returns:
            ``{"collection", "point_id", "pattern_id", "detail"}``.
        """
        return attrs.asdict(self)


@attrs.frozen(slots=True)
class FailureGroup:
    """The failures that share one reason.

    Attributes:
        reason: The grouping key, e.g. ``metadata: expected a mapping``.
        count: How many items failed for this reason (exact).
        examples: Up to :data:`MAX_EXAMPLES` of them.
    """

    reason: str
    count: int
    examples: tuple[FailureExample, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the group as a JSON-ready mapping.

        Returns:
            ``{"reason", "count", "examples": [...]}``.
        """
        return {
            "reason": self.reason,
            "count": self.count,
            "examples": [e.to_dict() for e in self.examples],
        }


def _non_negative(_: object, attribute: attrs.Attribute[Any], value: float) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value!r}")


@attrs.frozen(slots=True)
class RetryPolicy:
    """How failed batch writes are retried: only transient errors, exponential backoff.

    A write is transient-failed when the store raises :class:`ConnectionError`
    (which includes :class:`~pattern_quality.errors.DatabaseUnavailableError`) or
    :class:`TimeoutError`. Validation errors, a missing schema and every other
    error stop the run at once. Retrying is safe: a store call is atomic and
    re-writing the same scores leaves the same rows.

    Attributes:
        attempts: Total tries per batch, at least 1 (default 4: one try, 3 retries).
        initial_delay: Seconds before the first retry (default 0.5).
        multiplier: Factor between successive delays (default 2).
        max_delay: Upper bound of one delay in seconds (default 8).
    """

    attempts: int = attrs.field(default=4, validator=attrs.validators.ge(1))
    initial_delay: float = attrs.field(default=0.5, validator=_non_negative)
    multiplier: float = attrs.field(default=2.0, validator=attrs.validators.ge(1.0))
    max_delay: float = attrs.field(default=8.0, validator=_non_negative)

    def delays(self) -> list[float]:
        """Return the waits before each retry.

        Returns:
            ``attempts - 1`` delays in seconds.
        """
        out, delay = [], self.initial_delay
        for _ in range(self.attempts - 1):
            out.append(min(delay, self.max_delay))
            delay *= self.multiplier
        return out

    @staticmethod
    def is_transient(exc: BaseException) -> bool:
        """Tell whether a failed write may succeed when retried.

        Args:
            exc: What the store raised.

        Returns:
            ``True`` for connection and timeout errors, except a missing schema.
        """
        if isinstance(exc, SchemaNotReadyError | PatternValidationError):
            return False
        return isinstance(exc, ConnectionError | TimeoutError)


def tier_counts() -> dict[str, int]:
    """Return a zero count per tier.

    Returns:
        ``{"excellent": 0, "good": 0, "fair": 0, "poor": 0}``.
    """
    return dict.fromkeys(_TIERS, 0)


@attrs.frozen(slots=True, kw_only=True)
class BackfillReport:
    """What a backfill did.

    Attributes:
        collections: The collections scanned (empty for other sources).
        dry_run: Nothing was written.
        completed: The run reached the end of the source (or ``limit``).
        seen: Items read from the source, failed ones included.
        scored: Patterns scored.
        stored: Rows the store reports as inserted or updated (0 in a dry run).
        skipped: Patterns left out because their confidence was below ``min_confidence``.
        changed_only: Patterns whose stored row was unchanged were not re-scored.
        unchanged: Patterns not re-scored because their stored row has the same
            content hash and rubric version (``changed_only``); 0 otherwise.
        workers: Processes that scored (1: the calling process).
        failures: Items that could not be scored, grouped by reason, most frequent first.
        tiers: Scored patterns per tier (``excellent``, ``good``, ``fair``, ``poor``).
        dimension_averages: Mean of each dimension over the scored patterns, keyed
            as in the stored metadata (``completeness_score`` ...), then
            ``composite_score`` (all 0.0 when nothing was scored).
        batches: Store calls that committed.
        retries: Store calls that were retried after a transient error.
        elapsed: Wall-clock seconds of the run.
        rubric_version: The rubric the scores were computed with.
        error: Why the run stopped early, when it did.
    """

    collections: tuple[str, ...] = ()
    dry_run: bool = False
    completed: bool = True
    seen: int = 0
    scored: int = 0
    stored: int = 0
    skipped: int = 0
    changed_only: bool = False
    unchanged: int = 0
    workers: int = 1
    failures: tuple[FailureGroup, ...] = ()
    tiers: Mapping[str, int] = attrs.field(factory=tier_counts)
    dimension_averages: Mapping[str, float] = attrs.field(factory=dict)
    batches: int = 0
    retries: int = 0
    elapsed: float = 0.0
    rubric_version: str = ""
    error: str | None = None

    @property
    def summary(self) -> Summary:
        """The tiers and averages as a :class:`~pattern_quality.report.Summary`."""
        return Summary(
            total=self.scored,
            tier_counts=self.tiers,
            dimension_averages=self.dimension_averages,
            versions=(self.rubric_version,) if self.scored else (),
        )

    @property
    def failed(self) -> int:
        """Items that could not be scored."""
        return sum(g.count for g in self.failures)

    @property
    def throughput(self) -> float:
        """Items processed per second (``seen / elapsed``; 0.0 for an instant run)."""
        return self.seen / self.elapsed if self.elapsed > 0 else 0.0

    @property
    def ok(self) -> bool:
        """The run completed and nothing failed."""
        return self.completed and not self.failures

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready mapping (``--json`` prints this).

        Returns:
            Every attribute plus ``failed``, ``throughput`` and ``ok``.
        """
        return {
            "collections": list(self.collections),
            "dry_run": self.dry_run,
            "completed": self.completed,
            "ok": self.ok,
            "seen": self.seen,
            "scored": self.scored,
            "stored": self.stored,
            "skipped": self.skipped,
            "changed_only": self.changed_only,
            "unchanged": self.unchanged,
            "workers": self.workers,
            "failed": self.failed,
            "failures": [g.to_dict() for g in self.failures],
            "tiers": dict(self.tiers),
            "dimension_averages": dict(self.dimension_averages),
            "batches": self.batches,
            "retries": self.retries,
            "elapsed": self.elapsed,
            "throughput": self.throughput,
            "rubric_version": self.rubric_version,
            "error": self.error,
        }


class BackfillError(PatternQualityError, RuntimeError):
    """Raised when a backfill stops before the end of its source.

    The cause (``__cause__``) is the store or source error, e.g. a
    :class:`~pattern_quality.errors.DatabaseUnavailableError` that outlived the
    retries or a :class:`~pattern_quality.qdrant.QdrantUnavailableError`. Every
    batch committed before it stays committed: running the backfill again
    converges to the same table.

    Attributes:
        report: The partial report (``completed`` is ``False``; ``stored`` counts
            the committed rows).
    """

    def __init__(self, message: str, report: BackfillReport) -> None:
        super().__init__(message)
        self.report = report
