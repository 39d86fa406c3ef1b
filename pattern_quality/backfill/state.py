"""The state of one backfill, shared by :func:`~pattern_quality.backfill.backfill` and its twin.

:class:`BackfillRun` turns source items into batches of validated patterns (each
with its content hash), drops the ones whose stored row is unchanged when asked,
turns the rest into scores (in this process, or from the outcomes of worker
processes) and keeps the counters of the :class:`~.report.BackfillReport`. It
touches no store and no source, so both twins behave the same by construction.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from typing import Any, Final, NamedTuple, TypeAlias

from .._config import mask_dsn
from .._construct import check_unit_interval
from ..errors import PatternValidationError
from ..hashing import content_hash
from ..ids import canonical_pattern_id
from ..models import (
    EXCELLENT_THRESHOLD,
    FAIR_THRESHOLD,
    GOOD_THRESHOLD,
    Pattern,
    QualityScore,
    StoredQuality,
)
from ..projection.payload import Projected
from ..scoring import PatternQualityScorer
from ..sources.mapping import PointFailure, failure_reason
from .report import (
    AVERAGED,
    MAX_EXAMPLES,
    MAX_REASONS,
    BackfillReport,
    FailureExample,
    FailureGroup,
    Unprojected,
    tier_counts,
)
from .workers import Failed, Outcome

__all__ = ["BackfillRun", "Pending", "Projection"]

_OTHER: Final = "other"
#: What projecting a committed batch gave: the counts, or the error that stopped it.
Projection: TypeAlias = Projected | Exception


class Pending(NamedTuple):
    """A validated pattern waiting to be scored, with what the run needs about it."""

    pattern: Pattern
    digest: str
    pattern_id: str  # canonical (lowercase, hyphenated), as the stores key rows


def _canonical_id(value: str | None) -> str:
    # The stores' own parser: an id the backfill accepts is one every store accepts,
    # so a bad id is this item's failure, never a rejected batch.
    if value is None:
        raise PatternValidationError("pattern_id: missing")
    return canonical_pattern_id(value)


def _item_ids(item: object) -> tuple[str, int | str | None]:
    if isinstance(item, Pattern):
        extra = item.extra
        return str(extra.get("collection", "")), extra.get("point_id", item.pattern_id)
    if isinstance(item, Mapping):
        raw = item.get("pattern_id")
        return "", raw if isinstance(raw, int | str) else None
    return "", None


class BackfillRun:
    """The state of one backfill: the pending batch and every counter of the report.

    Args:
        scorer: Scores each pattern (in this process, or the settings the worker
            processes copy).
        batch_size: Patterns per batch (at least 1).
        limit: Stop after this many items (``None``: no limit).
        min_confidence: Skip patterns whose confidence is below it (``None``: keep all).
        collections: Echoed in the report.
        dry_run: Echoed in the report.
        changed_only: Echoed in the report (:meth:`keep_changed` does the work).
        workers: Echoed in the report.
        project: Echoed in the report (the steps project, :meth:`projection` counts).

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
        changed_only: bool = False,
        workers: int = 1,
        project: bool = False,
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
        self.changed_only = changed_only
        self.workers = workers
        self.project = project
        self.projected = self.projection_newer = 0
        self._not_projected: list[Unprojected] = []
        self._clock = clock
        self._start = clock()
        self.pending: list[Pending] = []
        self.seen = self.scored = self.stored = self.skipped = self.unchanged = 0
        self.batches = self.retries = 0
        self._failures: dict[str, list[Any]] = {}
        self._last: object = None
        self._tiers = tier_counts()
        self._sums = [0.0] * len(AVERAGED)

    @property
    def exhausted(self) -> bool:
        """``limit`` items have been read."""
        return self.limit is not None and self.seen >= self.limit

    @property
    def collection(self) -> str:
        """The collection of the last item read (``""``: none, or not from a collection)."""
        item = self._last
        if isinstance(item, PointFailure):
            return item.collection
        return _item_ids(item)[0] if isinstance(item, Pattern) else ""

    @property
    def failed(self) -> int:
        """Items that could not be scored so far."""
        return sum(group[0] for group in self._failures.values())

    @property
    def full(self) -> bool:
        """The pending batch holds ``batch_size`` patterns."""
        return len(self.pending) >= self.batch_size

    def add(self, item: Pattern | Mapping[str, Any] | PointFailure) -> None:
        """Account for one source item: queue it for scoring, skip it, or record a failure.

        Args:
            item: A pattern, a pattern mapping, or a failure reported by the source.
        """
        self.seen += 1
        self._last = item
        if isinstance(item, PointFailure):
            self._fail(item.reason, item.collection, item.point_id, item.pattern_id, item.detail)
            return
        try:
            pattern = item if isinstance(item, Pattern) else Pattern.from_mapping(item)
            pattern_id = _canonical_id(pattern.pattern_id)
        except PatternValidationError as exc:
            collection, point_id = _item_ids(item)
            message = str(exc)
            self._fail(failure_reason(message), collection, point_id, None, message)
            return
        if self.min_confidence is not None and pattern.confidence < self.min_confidence:
            self.skipped += 1
            return
        try:
            digest = content_hash(pattern)
        except Exception as exc:  # e.g. a metadata value whose str() raises: report it
            self._could_not_score(pattern, type(exc).__name__, str(exc))
            return
        self.pending.append(Pending(pattern, digest, pattern_id))

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

    def _could_not_score(self, pattern: Pattern, error: str, message: str) -> None:
        # One pattern must never end the run: it is reported instead.
        collection, point_id = _item_ids(pattern)
        reason = f"could not score: {error}"
        self._fail(reason, collection, point_id, pattern.pattern_id, f"{reason}: {message}")

    def take(self) -> list[Pending]:
        """Return the pending batch and start a new one.

        Returns:
            The queued patterns (possibly none), in source order.
        """
        pending, self.pending = self.pending, []
        return pending

    def keep_changed(
        self, pending: Sequence[Pending], stored: Mapping[str, StoredQuality]
    ) -> list[Pending]:
        """Drop the patterns whose stored row already holds their score; count them.

        A pattern is unchanged when its stored row has the same content hash and
        the same rubric version as this run's scorer (rows without a hash, written
        before hashes were recorded, are always re-scored).

        Args:
            pending: A batch from :meth:`take`.
            stored: The stored rows of the batch's ids, keyed by canonical id
                (what ``store.get_many`` returns).

        Returns:
            The patterns to score, in order.
        """
        version = self.scorer.rubric_version
        kept = []
        for item in pending:
            row = stored.get(item.pattern_id)
            if row is not None and row.content_hash == item.digest and row.version == version:
                self.unchanged += 1
            else:
                kept.append(item)
        return kept

    def score(self, pending: Sequence[Pending]) -> list[QualityScore]:
        """Score a batch in this process.

        Args:
            pending: Patterns to score.

        Returns:
            Their scores, in order (a pattern whose rubric raised is a failure instead).
        """
        score = self.scorer._score
        batch = []
        for pattern, digest, _ in pending:
            try:
                batch.append(score(pattern, digest))
            except Exception as exc:
                self._could_not_score(pattern, type(exc).__name__, str(exc))
        self._tally(batch)
        return batch

    def build(self, pending: Sequence[Pending], outcomes: Sequence[Outcome]) -> list[QualityScore]:
        """Turn what worker processes returned for a batch into its scores.

        Args:
            pending: The batch sent to the workers.
            outcomes: One outcome per pattern, in the same order.

        Returns:
            The scores, in order (a pattern whose rubric raised is a failure instead).
        """
        build = self.scorer._build
        batch = []
        for (pattern, digest, _), outcome in zip(pending, outcomes, strict=True):
            if isinstance(outcome, Failed):
                self._could_not_score(pattern, outcome.error, outcome.message)
                continue
            dims, findings = outcome
            try:
                batch.append(build(pattern, dims, findings, digest))
            except Exception as exc:
                self._could_not_score(pattern, type(exc).__name__, str(exc))
        self._tally(batch)
        return batch

    def _tally(self, batch: list[QualityScore]) -> None:
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

    def committed(self, rows: int, retries: int) -> None:
        """Record a batch the store committed.

        Args:
            rows: What the store's ``upsert`` returned.
            retries: How many times the write was retried.
        """
        self.stored += rows
        self.batches += 1
        self.retries += retries

    def projection(self, number: int, batch: Sequence[QualityScore], outcome: Projection) -> None:
        """Record how the projection of a committed batch went.

        Args:
            number: The batch's number.
            batch: Its scores.
            outcome: What the projector did, or the error that stopped it.
        """
        if isinstance(outcome, Projected):
            self.projected += outcome.written
            self.projection_newer += outcome.newer
            return
        ids = tuple(str(s.pattern_id) for s in batch[:MAX_EXAMPLES])
        reason = mask_dsn(str(outcome)) or type(outcome).__name__
        self._not_projected.append(Unprojected(number, len(batch), reason, ids))

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
        sums = zip(AVERAGED, self._sums, strict=True)
        averages = {k: (total / n if n else 0.0) for k, total in sums}
        return BackfillReport(
            collections=self.collections,
            dry_run=self.dry_run,
            completed=completed,
            seen=self.seen,
            scored=self.scored,
            stored=self.stored,
            skipped=self.skipped,
            changed_only=self.changed_only,
            unchanged=self.unchanged,
            workers=self.workers,
            failures=tuple(groups),
            tiers=dict(self._tiers),
            dimension_averages=averages,
            batches=self.batches,
            retries=self.retries,
            elapsed=self._clock() - self._start,
            rubric_version=self.scorer.rubric_version,
            error=error,
            project=self.project,
            projected=self.projected,
            projection_newer=self.projection_newer,
            not_projected=tuple(self._not_projected),
        )
