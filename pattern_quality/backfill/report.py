"""The value objects of a backfill's outcome: :class:`BackfillReport` and its failures.

Re-exported by :mod:`pattern_quality.backfill`; :class:`~.state.BackfillRun`
builds the report, and a run that stops early carries its partial report in
:class:`~pattern_quality.errors.BackfillError`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from ..models import DIMENSION_KEYS, Tier
from ..report import Summary

__all__ = [
    "MAX_EXAMPLES",
    "MAX_REASONS",
    "BackfillReport",
    "FailureExample",
    "FailureGroup",
    "Unprojected",
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


@attrs.frozen(slots=True)
class Unprojected:
    """A batch that was stored in the database but not projected into Qdrant.

    Its rows are committed; ``pattern-quality project`` (or a re-run with the
    projection) writes their payloads later.

    Attributes:
        batch: The batch's number in the run (from 1).
        rows: Scores in the batch.
        reason: Why the projection failed (secrets removed).
        pattern_ids: Up to :data:`MAX_EXAMPLES` of the batch's pattern ids.
    """

    batch: int
    rows: int
    reason: str
    pattern_ids: tuple[str, ...]

    def to_dict(self) -> dict[str, Any]:
        """Return the batch as a JSON-ready mapping.

        Returns:
            ``{"batch", "rows", "reason", "pattern_ids"}``.
        """
        return {
            "batch": self.batch,
            "rows": self.rows,
            "reason": self.reason,
            "pattern_ids": list(self.pattern_ids),
        }


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
        project: Committed batches were projected into the Qdrant payloads.
        projected: Points whose quality payload was written.
        projection_newer: Points left alone because their payload holds a newer
            measurement (latest wins).
        not_projected: Batches stored in the database whose projection failed.
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
    project: bool = False
    projected: int = 0
    projection_newer: int = 0
    not_projected: tuple[Unprojected, ...] = ()

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
        """The run completed, nothing failed and every stored batch was projected (if asked)."""
        return self.completed and not self.failures and not self.not_projected

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
            "project": self.project,
            "projected": self.projected,
            "projection_newer": self.projection_newer,
            "not_projected": [b.to_dict() for b in self.not_projected],
        }
