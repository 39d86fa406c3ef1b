"""Score whole sources into a store: :func:`backfill` (its twin: :mod:`.runner_async`).

The flow is one direction: the source yields patterns page by page, the scorer
scores them, and every ``batch_size`` scores go to the store in one atomic
``upsert``. While a batch is being written the next one is read and scored (the
write runs in one background thread, or task for :func:`abackfill`). With
``workers`` > 1, worker processes score a batch while the caller reads the next
one; with ``changed_only``, each batch's stored rows are read first (one
``get_many``) and patterns whose row has the same content hash and rubric
version are not scored again. At most about three batches and one source page
are in memory, whatever the size of the source (see :mod:`.steps`).

Example:
    >>> from pattern_quality.storage.memory import InMemoryQualityStore
    >>> store = InMemoryQualityStore()
    >>> item = {"pattern_id": "6ba7b810-9dad-11d1-80b4-00c04fd430c8"}
    >>> report = backfill([item], store)
    >>> (report.scored, report.stored, store.count())
    (1, 1, 1)
    >>> again = backfill([item], store, changed_only=True)
    >>> (again.scored, again.unchanged, again.stored)
    (0, 1, 0)
"""

from __future__ import annotations

import inspect
from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..errors import BackfillInterrupted, PatternQualityError, StepFailed
from ..scoring import PatternQualityScorer
from ..sources.base import Item, PatternSource
from ..storage.base import QualityStore
from .options import (
    DEFAULT_WRITE_BATCH,
    Progress,
    ProgressTicker,
    check_items,
    finish,
    no_collections,
    projector_for,
    start_run,
    stopped,
)
from .report import BackfillReport
from .retry import DEFAULT_RETRY, RetryPolicy
from .state import BackfillRun
from .steps import Batches

if TYPE_CHECKING:
    from ..projection.projector import QdrantProjector

__all__ = ["backfill"]


def _items(
    source: PatternSource | Iterable[Item],
    collections: Iterable[str] | str | None,
    run: BackfillRun,
) -> Iterable[Item]:
    if isinstance(source, PatternSource):
        if inspect.iscoroutinefunction(source.check):
            raise TypeError(f"{type(source).__name__} is asynchronous: use abackfill()")
        run.collections = source.check(collections)
        return source.scan(run.collections)
    no_collections(collections)
    check_items(source)
    return source


def backfill(
    source: PatternSource | Iterable[Item],
    store: QualityStore | None = None,
    *,
    collections: Iterable[str] | str | None = None,
    limit: int | None = None,
    min_confidence: float | None = None,
    dry_run: bool = False,
    changed_only: bool = False,
    batch_size: int = DEFAULT_WRITE_BATCH,
    scorer: PatternQualityScorer | None = None,
    workers: int = 1,
    retry: RetryPolicy = DEFAULT_RETRY,
    progress: Progress | None = None,
    project: bool | QdrantProjector = False,
) -> BackfillReport:
    """Score every pattern of ``source`` and store the scores in batches.

    Every stored score carries the content hash of its pattern, so that a later
    ``changed_only`` run can tell what changed.

    Args:
        source: A :class:`~pattern_quality.sources.qdrant.QdrantPatternSource` (or any
            :class:`PatternSource`), or any iterable of patterns, pattern mappings
            and :class:`PointFailure` records. It is read once, lazily.
        store: Where scores go; may be ``None`` for a dry run.
        collections: Collections to scan (only for a :class:`PatternSource`;
            default: the source's own).
        limit: Read at most this many items.
        min_confidence: Skip (do not score or store) patterns whose confidence is
            below this value; they are counted in ``skipped``.
        dry_run: Score and report, write nothing.
        changed_only: Read each batch's stored rows first (one ``get_many`` per
            batch) and neither score nor write the patterns whose row has the
            same content hash and the same rubric version; they are counted in
            ``unchanged``. Rows without a hash (written before hashes were
            recorded) and rows of another rubric version are re-scored.
        batch_size: Patterns per batch, hence per store call; memory is bounded by
            about three times this.
        scorer: The scorer (default: the default rubric without findings, the fast path).
        workers: Processes that score: 1 (the default) scores in this process;
            more start that many worker processes (``spawn``) for the run, which
            pays off on large sources (see docs/performance.md).
        retry: How failed reads and writes are retried (transient errors only).
        progress: Called with the number of items read since its previous call,
            about every ``batch_size`` items and at the end.
        project: After each batch is committed, write its scores into the
            payloads of their Qdrant points (docs/backfill.md, "Projecting quality
            into Qdrant"): ``True`` uses the source's client (a Qdrant source is
            needed), or pass a :class:`~pattern_quality.projection.QdrantProjector`.
            A batch whose projection fails stays stored and is listed in
            ``report.not_projected`` (``report.ok`` is then false).

    Returns:
        The report. Items that could not be scored are in ``report.failures``
        and do not stop the run.

    Raises:
        ValueError: Invalid options, no store for a real run or for
            ``changed_only``, ``collections`` with a source that has none, or
            ``project`` with a dry run or a source without Qdrant points.
        CollectionNotFoundError: A collection does not exist (nothing was read).
        QdrantUnavailableError: Qdrant cannot be reached at the start.
        BackfillError: The run stopped part way (a batch could not be read, scored
            or written after the retries, or the source failed); ``exc.report`` is
            the partial report and committed batches stay committed.
        BackfillInterrupted: Ctrl-C (a ``KeyboardInterrupt``); ``exc.report`` is
            the partial report, the batch being written was finished first.
    """
    run = start_run(
        store,
        scorer=scorer,
        batch_size=batch_size,
        limit=limit,
        min_confidence=min_confidence,
        dry_run=dry_run,
        changed_only=changed_only,
        workers=workers,
        project=project is not False,
    )
    projector = projector_for(project, source, dry_run=dry_run, asynchronous=False)
    items = _items(source, collections, run)
    batches = Batches(
        run,
        None if dry_run else store,
        store if changed_only else None,
        run.workers,
        retry,
        projector,
    )
    ticker = ProgressTicker(progress, run)
    source_error: PatternQualityError | None = None
    interrupted = False
    try:
        if not run.exhausted:
            try:
                for item in items:
                    run.add(item)
                    if run.full:
                        batches.submit(run.take())
                    ticker.tick()
                    if run.exhausted:
                        break
            except PatternQualityError as exc:
                source_error = exc
        batches.submit(run.take())
        batches.finish()
    except StepFailed as failed:
        raise stopped(run, failed.what, failed.cause) from failed.cause
    except KeyboardInterrupt:
        interrupted = True
    finally:
        batches.close()  # waits for the batch being written: committed or rolled back
    if interrupted:
        raise BackfillInterrupted(run.report(completed=False, error="interrupted")) from None
    return finish(run, ticker, source_error)
