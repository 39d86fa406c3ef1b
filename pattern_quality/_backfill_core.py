"""I/O-free logic shared by :func:`~pattern_quality.backfill.backfill` and its async twin.

:class:`BackfillRun` turns source items into scores in batches and keeps the
counters of the :class:`BackfillReport`; :class:`RetryPolicy` decides which
failed writes are retried and how long to wait. Neither touches a store or a
source, so both twins behave the same by construction.
"""

from __future__ import annotations

import re
import time
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final

import attrs

from ._config import mask_dsn
from ._qdrant_common import PointFailure, failure_reason
from .errors import PatternQualityError, PatternValidationError, SchemaNotReadyError
from .models import (
    DIMENSION_KEYS,
    EXCELLENT_THRESHOLD,
    FAIR_THRESHOLD,
    GOOD_THRESHOLD,
    Pattern,
    QualityScore,
    Tier,
    check_unit_interval,
)
from .report import Summary
from .scoring import PatternQualityScorer

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "MAX_EXAMPLES",
    "MAX_REASONS",
    "BackfillError",
    "BackfillReport",
    "BackfillRun",
    "FailureExample",
    "FailureGroup",
    "RetryPolicy",
    "check_items",
    "stop_message",
]

#: Scores written per store call (measured in docs/performance.md, "Backfill").
DEFAULT_BATCH_SIZE: Final = 2000
#: Example ids kept per failure reason (the count is always exact).
MAX_EXAMPLES: Final = 5
#: Distinct failure reasons kept; further reasons are counted under ``"other"``.
MAX_REASONS: Final = 50
_OTHER: Final = "other"
_TIERS: Final = tuple(t.value for t in Tier)
#: The averaged values, in :class:`~pattern_quality.report.Summary` order.
_AVERAGED: Final = (*DIMENSION_KEYS, "composite_score")


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


def _tier_counts() -> dict[str, int]:
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
    failures: tuple[FailureGroup, ...] = ()
    tiers: Mapping[str, int] = attrs.field(factory=_tier_counts)
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


_CANONICAL_UUID: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")


def _check_id(value: str | None) -> None:
    if value is None:
        raise PatternValidationError("pattern_id: missing")
    if _CANONICAL_UUID.fullmatch(value) is None:  # fast path for the common, canonical form
        try:
            uuid.UUID(value)
        except ValueError:
            raise PatternValidationError(f"pattern_id: expected a UUID, got {value!r}") from None


def _item_ids(item: object) -> tuple[str, int | str | None]:
    if isinstance(item, Pattern):
        extra = item.extra
        return str(extra.get("collection", "")), extra.get("point_id", item.pattern_id)
    if isinstance(item, Mapping):
        raw = item.get("pattern_id")
        return "", raw if isinstance(raw, int | str) else None
    return "", None


class BackfillRun:
    """The state of one backfill: the current batch and every counter of the report.

    Args:
        scorer: Scores each pattern.
        batch_size: Scores per batch (at least 1).
        limit: Stop after this many items (``None``: no limit).
        min_confidence: Skip patterns whose confidence is below it (``None``: keep all).
        collections: Echoed in the report.
        dry_run: Echoed in the report.

    Raises:
        ValueError: ``batch_size < 1``, ``limit < 0`` or ``min_confidence`` outside [0, 1].
    """

    def __init__(
        self,
        scorer: PatternQualityScorer,
        *,
        batch_size: int,
        limit: int | None,
        min_confidence: float | None,
        collections: Sequence[str] = (),
        dry_run: bool = False,
        clock: Callable[[], float] = time.perf_counter,
    ) -> None:
        if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
            raise ValueError(f"batch_size must be an integer >= 1, got {batch_size!r}")
        if limit is not None and (isinstance(limit, bool) or not isinstance(limit, int)):
            raise ValueError(f"limit must be an integer >= 0 or None, got {limit!r}")
        if limit is not None and limit < 0:
            raise ValueError(f"limit must be an integer >= 0 or None, got {limit!r}")
        if min_confidence is not None:
            try:
                min_confidence = check_unit_interval("min_confidence", min_confidence)
            except PatternValidationError as exc:
                raise ValueError(str(exc)) from None
        self.scorer = scorer
        self.batch_size = batch_size
        self.limit = limit
        self.min_confidence = min_confidence
        self.collections = tuple(collections)
        self.dry_run = dry_run
        self._clock = clock
        self._start = clock()
        self.batch: list[QualityScore] = []
        self.seen = self.scored = self.stored = self.skipped = 0
        self.batches = self.retries = 0
        self._failures: dict[str, list[Any]] = {}
        self._tiers = _tier_counts()
        self._sums = [0.0] * len(_AVERAGED)

    @property
    def exhausted(self) -> bool:
        """``limit`` items have been read."""
        return self.limit is not None and self.seen >= self.limit

    @property
    def full(self) -> bool:
        """The current batch holds ``batch_size`` scores."""
        return len(self.batch) >= self.batch_size

    def add(self, item: Pattern | Mapping[str, Any] | PointFailure) -> None:
        """Account for one source item: score it into the batch, skip it, or record a failure.

        Args:
            item: A pattern, a pattern mapping, or a failure reported by the source.
        """
        self.seen += 1
        if isinstance(item, PointFailure):
            self._fail(item.reason, item.collection, item.point_id, item.pattern_id, item.detail)
            return
        try:
            pattern = item if isinstance(item, Pattern) else Pattern.from_mapping(item)
            _check_id(pattern.pattern_id)
        except PatternValidationError as exc:
            collection, point_id = _item_ids(item)
            message = str(exc)
            self._fail(failure_reason(message), collection, point_id, None, message)
            return
        if self.min_confidence is not None and pattern.confidence < self.min_confidence:
            self.skipped += 1
            return
        try:
            score = self.scorer.score_pattern(pattern)
        except Exception as exc:  # one pattern must never end the run; it is reported
            collection, point_id = _item_ids(pattern)
            reason = f"could not score: {type(exc).__name__}"
            detail = f"{reason}: {exc}"
            self._fail(reason, collection, point_id, pattern.pattern_id, detail)
            return
        self.batch.append(score)

    def _fail(
        self,
        reason: str,
        collection: str,
        point_id: int | str | None,
        pattern_id: str | None,
        detail: str,
    ) -> None:
        group = self._failures.get(reason)
        if group is None:
            if len(self._failures) >= MAX_REASONS and reason != _OTHER:
                self._fail(_OTHER, collection, point_id, pattern_id, detail)
                return
            group = self._failures[reason] = [0, []]
        group[0] += 1
        if len(group[1]) < MAX_EXAMPLES:
            group[1].append(FailureExample(collection, point_id, pattern_id, detail))

    def take(self) -> list[QualityScore]:
        """Return the current batch and start a new one; the batch counts as scored.

        Returns:
            The scores of the batch (possibly empty).
        """
        batch, self.batch = self.batch, []
        # Inline tally (a report.SummaryBuilder costs several times more per score).
        sums, tiers = self._sums, self._tiers
        for s in batch:
            c = s.composite_score
            sums[0] += s.completeness_score
            sums[1] += s.documentation_score
            sums[2] += s.onex_compliance_score
            sums[3] += s.metadata_richness_score
            sums[4] += s.complexity_score
            sums[5] += c
            if c >= EXCELLENT_THRESHOLD:
                tiers["excellent"] += 1
            elif c >= GOOD_THRESHOLD:
                tiers["good"] += 1
            elif c >= FAIR_THRESHOLD:
                tiers["fair"] += 1
            else:
                tiers["poor"] += 1
        self.scored += len(batch)
        return batch

    def committed(self, rows: int, retries: int) -> None:
        """Record a batch the store committed.

        Args:
            rows: What the store's ``upsert`` returned.
            retries: How many times the write was retried.
        """
        self.stored += rows
        self.batches += 1
        self.retries += retries

    def report(self, *, completed: bool = True, error: str | None = None) -> BackfillReport:
        """Return the report of the run so far.

        Args:
            completed: Whether the run reached its end.
            error: Why it stopped, if it did not.

        Returns:
            The report.
        """
        groups = sorted(
            (FailureGroup(r, g[0], tuple(g[1])) for r, g in self._failures.items()),
            key=lambda g: (-g.count, g.reason),
        )
        n = self.scored
        sums = zip(_AVERAGED, self._sums, strict=True)
        averages = {k: (total / n if n else 0.0) for k, total in sums}
        return BackfillReport(
            collections=self.collections,
            dry_run=self.dry_run,
            completed=completed,
            seen=self.seen,
            scored=self.scored,
            stored=self.stored,
            skipped=self.skipped,
            failures=tuple(groups),
            tiers=dict(self._tiers),
            dimension_averages=averages,
            batches=self.batches,
            retries=self.retries,
            elapsed=self._clock() - self._start,
            rubric_version=self.scorer.rubric_version,
            error=error,
        )


def stop_message(exc: BaseException, run: BackfillRun, what: str) -> str:
    """Return the one-line explanation of a run that stopped early.

    Args:
        exc: The error that stopped it.
        run: The run.
        what: What failed, e.g. ``"writing batch 3 (2000 scores)"``.

    Returns:
        A message naming the cause, what is committed, and what to do.
    """
    cause = mask_dsn(str(exc))
    return (
        f"backfill stopped while {what}: {cause}. {run.stored} rows from {run.batches} "
        f"batches were committed and stay stored; run the backfill again to finish "
        f"(re-runs update rows, never duplicate them)"
    )


def check_items(items: object) -> None:
    """Reject a source that is not an iterable of items (a string, a single mapping ...).

    Args:
        items: The source.

    Raises:
        TypeError: ``items`` is a ``str``, ``bytes``, a mapping or not iterable.
    """
    if isinstance(items, str | bytes | Mapping | Pattern) or not (
        hasattr(items, "__iter__") or hasattr(items, "__aiter__")
    ):
        raise TypeError(f"source must be an iterable of patterns, got {type(items).__name__}")
