"""The I/O steps of a backfill batch, sync and async: look up, score, write.

A batch of validated patterns (:class:`~pattern_quality._backfill_core.Pending`)
goes through three steps:

1. with ``changed_only``, one ``store.get_many`` for the batch's ids, and the
   patterns whose stored row has the same content hash and rubric version are
   dropped (:meth:`BackfillRun.keep_changed`);
2. scoring, in this process, or in worker processes (:class:`ScorePool`): a batch
   is handed to the workers and the caller goes back to reading the source; its
   outcomes are collected when the next batch is handed over;
3. one atomic ``store.upsert`` per batch, in a background thread (or task) while
   the caller goes on.

So at most one batch is being read, one scored by the workers and one written.
Reads and writes are retried on transient errors (:class:`RetryPolicy`); a step
that fails for good raises :class:`StepFailed` naming it.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TypeVar

from ..models import QualityScore, StoredQuality
from ..storage.base import AsyncQualityStore, QualityStore
from .state import BackfillRun, Pending, RetryPolicy
from .workers import PendingScores, ScorePool

__all__ = ["AsyncBatches", "Batches", "StepFailed"]

T = TypeVar("T")


class StepFailed(Exception):
    """A batch step failed for good: ``what`` names it, ``cause`` is the error."""

    def __init__(self, what: str, cause: BaseException) -> None:
        super().__init__(what)
        self.what = what
        self.cause = cause


def _retrying(call: Callable[[], T], retry: RetryPolicy) -> tuple[T, int]:
    delays = retry.delays()
    for attempt in range(len(delays) + 1):
        try:
            return call(), attempt
        except Exception as exc:
            if attempt == len(delays) or not retry.is_transient(exc):
                raise
            time.sleep(delays[attempt])
    raise AssertionError("unreachable")  # pragma: no cover


async def _aretrying(call: Callable[[], Awaitable[T]], retry: RetryPolicy) -> tuple[T, int]:
    delays = retry.delays()
    for attempt in range(len(delays) + 1):
        try:
            return await call(), attempt
        except Exception as exc:
            if attempt == len(delays) or not retry.is_transient(exc):
                raise
            await asyncio.sleep(delays[attempt])
    raise AssertionError("unreachable")  # pragma: no cover


def _write(store: QualityStore, batch: list[QualityScore], retry: RetryPolicy) -> tuple[int, int]:
    return _retrying(lambda: store.upsert(batch), retry)


class _Writer:
    """Writes one batch in a background thread while the caller goes on."""

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
            raise StepFailed(self._what, exc) from exc
        self._run.committed(rows, retries)

    def close(self) -> None:
        if self._pending is not None:
            with contextlib.suppress(Exception):
                self._pending.result()
        if self._pool is not None:
            self._pool.shutdown(wait=True)


class Batches:
    """Takes each batch through look-up, scoring and writing (the sync backfill).

    Args:
        run: The run's state and counters.
        store: Where scores are written (``None``: a dry run writes nothing).
        lookup: The store whose rows ``changed_only`` compares (``None``: off).
        workers: Processes that score (1: this process).
        retry: Retry policy of reads and writes.
    """

    def __init__(
        self,
        run: BackfillRun,
        store: QualityStore | None,
        lookup: QualityStore | None,
        workers: int,
        retry: RetryPolicy,
    ) -> None:
        self._run, self._lookup, self._retry = run, lookup, retry
        self._writer = _Writer(store, retry, run)
        self._pool = ScorePool(run.scorer, workers) if workers > 1 else None
        self._scoring: tuple[list[Pending], PendingScores, int] | None = None
        self._number = 0

    def submit(self, pending: list[Pending]) -> None:
        """Take one batch (from :meth:`BackfillRun.take`) through the steps."""
        if not pending:
            return
        self._number += 1
        if self._lookup is not None:
            store, ids = self._lookup, [p.pattern_id for p in pending]
            try:
                stored, retries = _retrying(lambda: store.get_many(ids), self._retry)
            except Exception as exc:
                self._settle()
                what = f"reading the stored rows of batch {self._number} ({len(ids)} ids)"
                raise StepFailed(what, exc) from exc
            self._run.retries += retries
            pending = self._run.keep_changed(pending, stored)
        if self._pool is None:
            self._writer.submit(self._run.score(pending))
            return
        handle = self._pool.submit([p.pattern for p in pending])
        self._collect()  # the previous batch, while the workers score this one
        self._scoring = (pending, handle, self._number)

    def _collect(self) -> None:
        scoring, self._scoring = self._scoring, None
        if scoring is None:
            return
        pending, handle, number = scoring
        try:
            outcomes = handle.result()
        except Exception as exc:
            self._settle()
            raise StepFailed(f"scoring batch {number} ({len(pending)} patterns)", exc) from exc
        self._writer.submit(self._run.build(pending, outcomes))

    def _settle(self) -> None:
        # Before reporting a failed step, let the write in flight finish and count it
        # (if it fails too, the step's own error is the one reported).
        with contextlib.suppress(StepFailed):
            self._writer.wait()

    def finish(self) -> None:
        """Score and write whatever is still in flight, and wait for the last write."""
        self._collect()
        self._writer.submit([])
        self._writer.wait()

    def close(self) -> None:
        """Stop the workers and the writer thread (after a failure too)."""
        if self._scoring is not None:
            self._scoring[1].cancel()
            self._scoring = None
        if self._pool is not None:
            self._pool.close()
        self._writer.close()


async def _awrite(
    store: AsyncQualityStore, batch: list[QualityScore], retry: RetryPolicy
) -> tuple[int, int]:
    return await _aretrying(lambda: store.upsert(batch), retry)


class _AsyncWriter:
    """Writes one batch in a task while the caller goes on."""

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
            raise StepFailed(self._what, exc) from exc
        self._run.committed(rows, retries)

    async def close(self) -> None:
        if self._pending is not None:
            with contextlib.suppress(Exception):
                await self._pending


class AsyncBatches:
    """The asynchronous twin of :class:`Batches` (the async backfill)."""

    def __init__(
        self,
        run: BackfillRun,
        store: AsyncQualityStore | None,
        lookup: AsyncQualityStore | None,
        workers: int,
        retry: RetryPolicy,
    ) -> None:
        self._run, self._lookup, self._retry = run, lookup, retry
        self._writer = _AsyncWriter(store, retry, run)
        self._pool = ScorePool(run.scorer, workers) if workers > 1 else None
        self._scoring: tuple[list[Pending], PendingScores, int] | None = None
        self._number = 0

    @property
    def busy(self) -> bool:
        """A write is in flight (the caller should yield to the loop now and then)."""
        return self._writer.busy

    async def submit(self, pending: list[Pending]) -> None:
        """Take one batch through the steps; see :meth:`Batches.submit`."""
        if not pending:
            return
        self._number += 1
        if self._lookup is not None:
            store, ids = self._lookup, [p.pattern_id for p in pending]

            async def read() -> dict[str, StoredQuality]:
                return await store.get_many(ids)

            try:
                stored, retries = await _aretrying(read, self._retry)
            except Exception as exc:
                await self._settle()
                what = f"reading the stored rows of batch {self._number} ({len(ids)} ids)"
                raise StepFailed(what, exc) from exc
            self._run.retries += retries
            pending = self._run.keep_changed(pending, stored)
        if self._pool is None:
            await self._writer.submit(self._run.score(pending))
            return
        handle = self._pool.submit([p.pattern for p in pending])
        await self._collect()
        self._scoring = (pending, handle, self._number)

    async def _collect(self) -> None:
        scoring, self._scoring = self._scoring, None
        if scoring is None:
            return
        pending, handle, number = scoring
        try:
            outcomes = await handle.aresult()
        except Exception as exc:
            await self._settle()
            raise StepFailed(f"scoring batch {number} ({len(pending)} patterns)", exc) from exc
        await self._writer.submit(self._run.build(pending, outcomes))

    async def _settle(self) -> None:
        with contextlib.suppress(StepFailed):
            await self._writer.wait()

    async def finish(self) -> None:
        """Score and write whatever is still in flight, and wait for the last write."""
        await self._collect()
        await self._writer.submit([])
        await self._writer.wait()

    async def close(self) -> None:
        """Stop the workers and wait for the writer task (after a failure too)."""
        if self._scoring is not None:
            self._scoring[1].cancel()
            self._scoring = None
        if self._pool is not None:
            await asyncio.to_thread(self._pool.close)
        await self._writer.close()
