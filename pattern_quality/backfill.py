"""Score whole sources into a store: :func:`backfill` and :func:`abackfill`.

The flow is one direction: the source yields patterns page by page, the scorer
scores them, and every ``batch_size`` scores go to the store in one atomic
``upsert``. While a batch is being written the next one is scored (the write
runs in one background thread, or task for :func:`abackfill`), so at most two
batches and one source page are in memory, whatever the size of the source.

Example:
    >>> from pattern_quality.storage.memory import InMemoryQualityStore
    >>> store = InMemoryQualityStore()
    >>> report = backfill([{"pattern_id": "6ba7b810-9dad-11d1-80b4-00c04fd430c8"}], store)
    >>> (report.scored, report.stored, store.count())
    (1, 1, 1)
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import time
from collections.abc import AsyncIterable, AsyncIterator, Callable, Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, Protocol, TypeAlias, cast, runtime_checkable

from ._backfill_core import (
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
from ._qdrant_common import PointFailure
from .errors import PatternQualityError
from .models import Pattern, QualityScore
from .scoring import PatternQualityScorer
from .storage.base import AsyncQualityStore, QualityStore

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


def _write(store: QualityStore, batch: list[QualityScore], retry: RetryPolicy) -> tuple[int, int]:
    delays = retry.delays()
    for attempt in range(len(delays) + 1):
        try:
            return store.upsert(batch), attempt
        except Exception as exc:
            if attempt == len(delays) or not retry.is_transient(exc):
                raise
            time.sleep(delays[attempt])
    raise AssertionError("unreachable")  # pragma: no cover


async def _awrite(
    store: AsyncQualityStore, batch: list[QualityScore], retry: RetryPolicy
) -> tuple[int, int]:
    delays = retry.delays()
    for attempt in range(len(delays) + 1):
        try:
            return await store.upsert(batch), attempt
        except Exception as exc:
            if attempt == len(delays) or not retry.is_transient(exc):
                raise
            await asyncio.sleep(delays[attempt])
    raise AssertionError("unreachable")  # pragma: no cover


class _WriteFailed(Exception):
    def __init__(self, what: str, cause: BaseException) -> None:
        super().__init__(what)
        self.what = what
        self.cause = cause


class _Writer:
    """Writes one batch in a background thread while the caller scores the next."""

    def __init__(self, store: QualityStore | None, retry: RetryPolicy, run: BackfillRun) -> None:
        self._store, self._retry, self._run = store, retry, run
        self._pool: ThreadPoolExecutor | None = None
        self._pending: Future[tuple[int, int]] | None = None
        self._what = ""
        self._number = 0

    def submit(self, batch: list[QualityScore]) -> None:
        self.wait()
        if self._store is None or not batch:
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="backfill-writer")
        self._number += 1
        self._what = f"writing batch {self._number} ({len(batch)} scores)"
        self._pending = self._pool.submit(_write, self._store, batch, self._retry)

    def wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is None:
            return
        try:
            rows, retries = pending.result()
        except Exception as exc:
            raise _WriteFailed(self._what, exc) from exc
        self._run.committed(rows, retries)

    def close(self) -> None:
        if self._pending is not None:
            with contextlib.suppress(Exception):
                self._pending.result()
        if self._pool is not None:
            self._pool.shutdown(wait=True)


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
    batch_size: int = DEFAULT_BATCH_SIZE,
    scorer: PatternQualityScorer | None = None,
    retry: RetryPolicy = _DEFAULT_RETRY,
    progress: Progress | None = None,
) -> BackfillReport:
    """Score every pattern of ``source`` and store the scores in batches.

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
        batch_size: Scores per store call; memory is bounded by about twice this.
        scorer: The scorer (default: the default rubric without findings, the fast path).
        retry: How failed writes are retried (transient errors only).
        progress: Called with the number of items read since its previous call,
            about every ``batch_size`` items and at the end.

    Returns:
        The report. Items that could not be scored are in ``report.failures``
        and do not stop the run.

    Raises:
        ValueError: Invalid options, no store for a real run, or ``collections``
            with a source that has none.
        CollectionNotFoundError: A collection does not exist (nothing was read).
        QdrantUnavailableError: Qdrant cannot be reached at the start.
        BackfillError: The run stopped part way (a batch could not be written after
            the retries, or the source failed); ``exc.report`` is the partial report
            and committed batches stay committed.
    """
    if store is None and not dry_run:
        raise ValueError("a store is required unless dry_run=True")
    run = BackfillRun(
        _scorer(scorer),
        batch_size=batch_size,
        limit=limit,
        min_confidence=min_confidence,
        dry_run=dry_run,
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
    writer = _Writer(None if dry_run else store, retry, run)
    source_error: PatternQualityError | None = None
    reported = 0
    try:
        if not run.exhausted:
            try:
                for item in items:
                    run.add(item)
                    if run.full:
                        writer.submit(run.take())
                    if progress is not None and run.seen % run.batch_size == 0:
                        progress(run.seen - reported)
                        reported = run.seen
                    if run.exhausted:
                        break
            except PatternQualityError as exc:
                source_error = exc
        writer.submit(run.take())
        writer.wait()
    except _WriteFailed as failed:
        raise _stopped(run, failed.what, failed.cause) from failed.cause
    finally:
        writer.close()
    if progress is not None and run.seen > reported:
        progress(run.seen - reported)
    if source_error is not None:
        raise _stopped(run, "reading the source", source_error) from source_error
    return run.report()


class _AsyncWriter:
    """Writes one batch in a task while the caller scores the next."""

    def __init__(
        self, store: AsyncQualityStore | None, retry: RetryPolicy, run: BackfillRun
    ) -> None:
        self._store, self._retry, self._run = store, retry, run
        self._pending: asyncio.Task[tuple[int, int]] | None = None
        self._what = ""
        self._number = 0

    @property
    def busy(self) -> bool:
        return self._pending is not None and not self._pending.done()

    async def submit(self, batch: list[QualityScore]) -> None:
        await self.wait()
        if self._store is None or not batch:
            return
        self._number += 1
        self._what = f"writing batch {self._number} ({len(batch)} scores)"
        self._pending = asyncio.create_task(_awrite(self._store, batch, self._retry))
        await asyncio.sleep(0)  # let the write start before scoring resumes

    async def wait(self) -> None:
        pending, self._pending = self._pending, None
        if pending is None:
            return
        try:
            rows, retries = await pending
        except Exception as exc:
            raise _WriteFailed(self._what, exc) from exc
        self._run.committed(rows, retries)

    async def close(self) -> None:
        if self._pending is not None:
            with contextlib.suppress(Exception):
                await self._pending


async def _aiter(items: AsyncIterable[Item] | Iterable[Item]) -> AsyncIterator[Item]:
    if isinstance(items, AsyncIterable):
        async for item in items:
            yield item
    else:
        for item in items:
            yield item


#: Items scored between two yields to the event loop while a write is in flight.
_YIELD_EVERY = 256


async def abackfill(
    source: AsyncPatternSource | AsyncIterable[Item] | Iterable[Item],
    store: AsyncQualityStore | None = None,
    *,
    collections: Iterable[str] | str | None = None,
    limit: int | None = None,
    min_confidence: float | None = None,
    dry_run: bool = False,
    batch_size: int = DEFAULT_BATCH_SIZE,
    scorer: PatternQualityScorer | None = None,
    retry: RetryPolicy = _DEFAULT_RETRY,
    progress: Progress | None = None,
) -> BackfillReport:
    """The asynchronous twin of :func:`backfill`.

    Same arguments, behaviour and report; ``source`` may also be an async
    iterable (e.g. an :class:`~pattern_quality.qdrant.AsyncQdrantPatternSource`)
    and ``store`` is an :class:`~pattern_quality.storage.base.AsyncQualityStore`.
    Scoring runs on the event loop, which it yields every few hundred patterns
    so the write of the previous batch proceeds meanwhile.

    Args:
        source: An :class:`AsyncPatternSource`, an async iterable or an iterable of items.
        store: Where scores go; may be ``None`` for a dry run.
        collections: Collections to scan (only for an :class:`AsyncPatternSource`).
        limit: Read at most this many items.
        min_confidence: Skip patterns whose confidence is below this value.
        dry_run: Score and report, write nothing.
        batch_size: Scores per store call.
        scorer: The scorer (default: the default rubric without findings).
        retry: How failed writes are retried (transient errors only).
        progress: Called with the number of items read since its previous call.

    Returns:
        The report.

    Raises:
        ValueError: Invalid options, no store for a real run, or ``collections``
            with a source that has none.
        CollectionNotFoundError: A collection does not exist (nothing was read).
        QdrantUnavailableError: Qdrant cannot be reached at the start.
        BackfillError: The run stopped part way; ``exc.report`` is the partial report.
    """
    if store is None and not dry_run:
        raise ValueError("a store is required unless dry_run=True")
    run = BackfillRun(
        _scorer(scorer),
        batch_size=batch_size,
        limit=limit,
        min_confidence=min_confidence,
        dry_run=dry_run,
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
    writer = _AsyncWriter(None if dry_run else store, retry, run)
    source_error: PatternQualityError | None = None
    reported = 0
    try:
        if not run.exhausted:
            try:
                async for item in _aiter(items):
                    run.add(item)
                    if run.full:
                        await writer.submit(run.take())
                    elif run.seen % _YIELD_EVERY == 0 and writer.busy:
                        await asyncio.sleep(0)
                    if progress is not None and run.seen % run.batch_size == 0:
                        progress(run.seen - reported)
                        reported = run.seen
                    if run.exhausted:
                        break
            except PatternQualityError as exc:
                source_error = exc
        await writer.submit(run.take())
        await writer.wait()
    except _WriteFailed as failed:
        raise _stopped(run, failed.what, failed.cause) from failed.cause
    finally:
        await writer.close()
    if progress is not None and run.seen > reported:
        progress(run.seen - reported)
    if source_error is not None:
        raise _stopped(run, "reading the source", source_error) from source_error
    return run.report()
