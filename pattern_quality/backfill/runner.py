"""Score whole sources into a store: :func:`backfill` and :func:`abackfill`.

The flow is one direction: the source yields patterns page by page, the scorer
scores them, and every ``batch_size`` scores go to the store in one atomic
``upsert``. While a batch is being written the next one is read and scored (the
write runs in one background thread, or task for :func:`abackfill`). With
``workers`` > 1, worker processes score a batch while the caller reads the next
one; with ``changed_only``, each batch's stored rows are read first (one
``get_many``) and patterns whose row has the same content hash and rubric
version are not scored again. At most about three batches and one source page
are in memory, whatever the size of the source (see :mod:`._backfill_steps`).

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

import asyncio
import inspect
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator, Mapping
from typing import Any, Protocol, TypeAlias, cast, runtime_checkable

from ..errors import PatternQualityError
from ..models import Pattern
from ..scoring import PatternQualityScorer
from ..sources.mapping import PointFailure
from ..storage.base import AsyncQualityStore, QualityStore
from .state import (
    DEFAULT_BATCH_SIZE,
    BackfillError,
    BackfillReport,
    BackfillRun,
    FailureExample,
    FailureGroup,
    RetryPolicy,
    check_items,
    stop_message,
)
from .steps import AsyncBatches, Batches, StepFailed
from .workers import check_workers

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "AsyncPatternSource",
    "BackfillError",
    "BackfillReport",
    "FailureExample",
    "FailureGroup",
    "PatternSource",
    "RetryPolicy",
    "abackfill",
    "backfill",
]

#: What a source yields: a pattern, a pattern mapping, or a failure in its place.
Item: TypeAlias = Pattern | Mapping[str, Any] | PointFailure
#: Called with the number of items read since its previous call.
Progress: TypeAlias = Callable[[int], object]

_DEFAULT_RETRY = RetryPolicy()


@runtime_checkable
class PatternSource(Protocol):
    """A source that knows collections (e.g. :class:`~.qdrant.QdrantPatternSource`)."""

    def check(self, collections: Iterable[str] | str | None = None) -> tuple[str, ...]:
        """Return the collection names to scan; raise if one does not exist."""
        ...

    def scan(self, collections: Iterable[str] | str | None = None) -> Iterator[Item]:
        """Yield the items of the collections."""
        ...


@runtime_checkable
class AsyncPatternSource(Protocol):
    """The asynchronous twin of :class:`PatternSource`."""

    async def check(self, collections: Iterable[str] | str | None = None) -> tuple[str, ...]:
        """Return the collection names to scan; raise if one does not exist."""
        ...

    def scan(self, collections: Iterable[str] | str | None = None) -> AsyncIterator[Item]:
        """Yield the items of the collections."""
        ...


def _no_collections(collections: object) -> None:
    if collections is not None:
        raise ValueError(
            "collections= needs a source that knows collections, such as QdrantPatternSource"
        )


def _scorer(scorer: PatternQualityScorer | None) -> PatternQualityScorer:
    # Bulk runs never read the findings; skipping them doubles scoring speed.
    return PatternQualityScorer(explain=False) if scorer is None else scorer


def _run(
    store: object,
    *,
    scorer: PatternQualityScorer | None,
    batch_size: int,
    limit: int | None,
    min_confidence: float | None,
    dry_run: bool,
    changed_only: bool,
    workers: int,
) -> BackfillRun:
    """Check the options shared by both twins and start the run's state."""
    if store is None and not dry_run:
        raise ValueError("a store is required unless dry_run=True")
    if changed_only and store is None:
        raise ValueError("changed_only=True needs a store to compare with (also in a dry run)")
    return BackfillRun(
        _scorer(scorer),
        batch_size=batch_size,
        limit=limit,
        min_confidence=min_confidence,
        dry_run=dry_run,
        changed_only=changed_only,
        workers=check_workers(workers),
    )


def _stopped(run: BackfillRun, what: str, exc: BaseException) -> BackfillError:
    message = stop_message(exc, run, what)
    return BackfillError(message, run.report(completed=False, error=message))


def backfill(
    source: PatternSource | Iterable[Item],
    store: QualityStore | None = None,
    *,
    collections: Iterable[str] | str | None = None,
    limit: int | None = None,
    min_confidence: float | None = None,
    dry_run: bool = False,
    changed_only: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    scorer: PatternQualityScorer | None = None,
    workers: int = 1,
    retry: RetryPolicy = _DEFAULT_RETRY,
    progress: Progress | None = None,
) -> BackfillReport:
    """Score every pattern of ``source`` and store the scores in batches.

    Every stored score carries the content hash of its pattern, so that a later
    ``changed_only`` run can tell what changed.

    Args:
        source: A :class:`~pattern_quality.qdrant.QdrantPatternSource` (or any
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

    Returns:
        The report. Items that could not be scored are in ``report.failures``
        and do not stop the run.

    Raises:
        ValueError: Invalid options, no store for a real run or for
            ``changed_only``, or ``collections`` with a source that has none.
        CollectionNotFoundError: A collection does not exist (nothing was read).
        QdrantUnavailableError: Qdrant cannot be reached at the start.
        BackfillError: The run stopped part way (a batch could not be read, scored
            or written after the retries, or the source failed); ``exc.report`` is
            the partial report and committed batches stay committed.
    """
    run = _run(
        store,
        scorer=scorer,
        batch_size=batch_size,
        limit=limit,
        min_confidence=min_confidence,
        dry_run=dry_run,
        changed_only=changed_only,
        workers=workers,
    )
    if isinstance(source, PatternSource):
        if inspect.iscoroutinefunction(source.check):
            raise TypeError(f"{type(source).__name__} is asynchronous: use abackfill()")
        names = source.check(collections)
        run.collections = names
        items: Iterable[Item] = source.scan(names)
    else:
        _no_collections(collections)
        check_items(source)
        items = source
    batches = Batches(
        run, None if dry_run else store, store if changed_only else None, run.workers, retry
    )
    source_error: PatternQualityError | None = None
    reported = 0
    try:
        if not run.exhausted:
            try:
                for item in items:
                    run.add(item)
                    if run.full:
                        batches.submit(run.take())
                    if progress is not None and run.seen % run.batch_size == 0:
                        progress(run.seen - reported)
                        reported = run.seen
                    if run.exhausted:
                        break
            except PatternQualityError as exc:
                source_error = exc
        batches.submit(run.take())
        batches.finish()
    except StepFailed as failed:
        raise _stopped(run, failed.what, failed.cause) from failed.cause
    finally:
        batches.close()
    if progress is not None and run.seen > reported:
        progress(run.seen - reported)
    if source_error is not None:
        raise _stopped(run, "reading the source", source_error) from source_error
    return run.report()


async def _aiter(items: AsyncIterable[Item] | Iterable[Item]) -> AsyncIterator[Item]:
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item


#: Items read between two yields to the event loop while a write is in flight.
_YIELD_EVERY = 256


async def abackfill(
    source: AsyncPatternSource | AsyncIterable[Item] | Iterable[Item],
    store: AsyncQualityStore | None = None,
    *,
    collections: Iterable[str] | str | None = None,
    limit: int | None = None,
    min_confidence: float | None = None,
    dry_run: bool = False,
    changed_only: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    scorer: PatternQualityScorer | None = None,
    workers: int = 1,
    retry: RetryPolicy = _DEFAULT_RETRY,
    progress: Progress | None = None,
) -> BackfillReport:
    """The asynchronous twin of :func:`backfill`.

    Same arguments, behaviour and report; ``source`` may also be an async
    iterable (e.g. an :class:`~pattern_quality.qdrant.AsyncQdrantPatternSource`)
    and ``store`` is an :class:`~pattern_quality.storage.base.AsyncQualityStore`.
    In this process, scoring runs on the event loop, which it yields every few
    hundred patterns so the write of the previous batch proceeds meanwhile; with
    ``workers`` > 1 the loop only awaits the workers' results.

    Args:
        source: An :class:`AsyncPatternSource`, an async iterable or an iterable of items.
        store: Where scores go; may be ``None`` for a dry run.
        collections: Collections to scan (only for an :class:`AsyncPatternSource`).
        limit: Read at most this many items.
        min_confidence: Skip patterns whose confidence is below this value.
        dry_run: Score and report, write nothing.
        changed_only: Skip patterns whose stored row has the same content hash
            and rubric version (one ``get_many`` per batch).
        batch_size: Patterns per batch, hence per store call.
        scorer: The scorer (default: the default rubric without findings).
        workers: Processes that score (1: the event loop's thread).
        retry: How failed reads and writes are retried (transient errors only).
        progress: Called with the number of items read since its previous call.

    Returns:
        The report.

    Raises:
        ValueError: Invalid options, no store for a real run or for
            ``changed_only``, or ``collections`` with a source that has none.
        CollectionNotFoundError: A collection does not exist (nothing was read).
        QdrantUnavailableError: Qdrant cannot be reached at the start.
        BackfillError: The run stopped part way; ``exc.report`` is the partial report.
    """
    run = _run(
        store,
        scorer=scorer,
        batch_size=batch_size,
        limit=limit,
        min_confidence=min_confidence,
        dry_run=dry_run,
        changed_only=changed_only,
        workers=workers,
    )
    items: AsyncIterable[Item] | Iterable[Item]
    if isinstance(source, AsyncPatternSource) and inspect.iscoroutinefunction(source.check):
        names = await source.check(collections)
        run.collections = names
        items = source.scan(names)
    elif isinstance(source, PatternSource):  # a synchronous source works here too
        names = source.check(collections)
        run.collections = names
        items = source.scan(names)
    else:
        _no_collections(collections)
        check_items(source)
        items = cast(AsyncIterable[Item] | Iterable[Item], source)
    batches = AsyncBatches(
        run, None if dry_run else store, store if changed_only else None, run.workers, retry
    )
    source_error: PatternQualityError | None = None
    reported = 0
    try:
        if not run.exhausted:
            try:
                async for item in _aiter(items):
                    run.add(item)
                    if run.full:
                        await batches.submit(run.take())
                    elif run.seen % _YIELD_EVERY == 0 and batches.busy:
                        await asyncio.sleep(0)
                    if progress is not None and run.seen % run.batch_size == 0:
                        progress(run.seen - reported)
                        reported = run.seen
                    if run.exhausted:
                        break
            except PatternQualityError as exc:
                source_error = exc
        await batches.submit(run.take())
        await batches.finish()
    except StepFailed as failed:
        raise _stopped(run, failed.what, failed.cause) from failed.cause
    finally:
        await batches.close()
    if progress is not None and run.seen > reported:
        progress(run.seen - reported)
    if source_error is not None:
        raise _stopped(run, "reading the source", source_error) from source_error
    return run.report()
