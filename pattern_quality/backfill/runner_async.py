"""Score whole sources into an async store: :func:`abackfill`, twin of :func:`~.runner.backfill`.

Hand-written, not generated: the pipelining differs. The write of a batch runs
as a task (:mod:`.steps_async`) instead of in a thread, and scoring in this
process yields to the event loop every few hundred patterns so that write
proceeds. Everything else is shared with the sync twin (:mod:`.options`,
:mod:`.state`); ``tests/test_twins.py`` checks that the signatures match.
"""

from __future__ import annotations

import asyncio
import inspect
from collections.abc import AsyncIterable, AsyncIterator, Iterable
from typing import TYPE_CHECKING, Any, cast

from ..errors import BackfillInterrupted, PatternQualityError, StepFailed
from ..scoring import PatternQualityScorer
from ..sources.base import AsyncPatternSource, Item, PatternSource
from ..storage.base import AsyncQualityStore
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
from .steps_async import AsyncBatches

if TYPE_CHECKING:
    from ..projection.projector_async import AsyncQdrantProjector

__all__ = ["abackfill"]

#: Items read between two yields to the event loop while a write is in flight.
_YIELD_EVERY = 256


async def _items(
    source: AsyncPatternSource | AsyncIterable[Item] | Iterable[Item],
    collections: Iterable[str] | str | None,
    run: BackfillRun,
) -> AsyncIterable[Item] | Iterable[Item]:
    if isinstance(source, AsyncPatternSource) and inspect.iscoroutinefunction(source.check):
        run.collections = await source.check(collections)
        scanned: Any = source.scan(run.collections)
        # A source written against the older protocol returns its iterator at once.
        return await scanned if inspect.isawaitable(scanned) else scanned  # type: ignore[no-any-return]
    if isinstance(source, PatternSource):  # a synchronous source works here too
        run.collections = source.check(collections)
        return source.scan(run.collections)
    no_collections(collections)
    check_items(source)
    return cast(AsyncIterable[Item] | Iterable[Item], source)


async def _aiter(items: AsyncIterable[Item] | Iterable[Item]) -> AsyncIterator[Item]:
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item


async def abackfill(
    source: AsyncPatternSource | AsyncIterable[Item] | Iterable[Item],
    store: AsyncQualityStore | None = None,
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
    project: bool | AsyncQdrantProjector = False,
) -> BackfillReport:
    """The asynchronous twin of :func:`~.runner.backfill`.

    Same arguments, behaviour and report; ``source`` may also be an async
    iterable (e.g. an :class:`~pattern_quality.sources.qdrant_async.AsyncQdrantPatternSource`)
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
        project: Project each committed batch into its Qdrant points (``True``:
            over the source's client; or an
            :class:`~pattern_quality.projection.AsyncQdrantProjector`).

    Returns:
        The report.

    Raises:
        ValueError: Invalid options, no store for a real run or for
            ``changed_only``, ``collections`` with a source that has none, or
            ``project`` with a dry run or a source without Qdrant points.
        CollectionNotFoundError: A collection does not exist (nothing was read).
        QdrantUnavailableError: Qdrant cannot be reached at the start.
        BackfillError: The run stopped part way; ``exc.report`` is the partial report.
        BackfillInterrupted: A ``KeyboardInterrupt`` reached the run (as in the sync
            twin); ``exc.report`` is the partial report, the batch being written
            was finished first. A *cancellation* (``asyncio.CancelledError``, also
            what ``asyncio.run`` turns Ctrl-C into) waits for the batch being
            written the same way, then propagates unchanged: asyncio requires a
            cancelled task to end cancelled (``asyncio.timeout`` and task groups
            rely on it), and ``asyncio.run`` raises the ``KeyboardInterrupt`` itself.
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
    projector = projector_for(project, source, dry_run=dry_run, asynchronous=True)
    items = await _items(source, collections, run)
    batches = AsyncBatches(
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
                async for item in _aiter(items):
                    run.add(item)
                    if run.full:
                        await batches.submit(run.take())
                    elif run.seen % _YIELD_EVERY == 0 and batches.busy:
                        await asyncio.sleep(0)
                    ticker.tick()
                    if run.exhausted:
                        break
            except PatternQualityError as exc:
                source_error = exc
        await batches.submit(run.take())
        await batches.finish()
    except StepFailed as failed:
        raise stopped(run, failed.what, failed.cause) from failed.cause
    except KeyboardInterrupt:
        interrupted = True
    finally:
        await batches.close()  # waits for the batch being written (after a cancellation too)
    if interrupted:
        raise BackfillInterrupted(run.report(completed=False, error="interrupted")) from None
    return finish(run, ticker, source_error)
