"""The I/O steps of a backfill batch, async: the twin of :mod:`.steps`.

The same three steps (look-up, scoring, write) over an
:class:`~pattern_quality.storage.base.AsyncQualityStore`; the write of a batch
runs as a task while the caller reads and scores the next one.
"""

from __future__ import annotations

import asyncio
import contextlib
from typing import TYPE_CHECKING

from ..errors import StepFailed
from ..models import QualityScore, StoredQuality
from ..projection.payload import PointsOf, points_of, wanted_payloads
from ..storage.base import AsyncQualityStore
from ._retrying_async import aretrying
from .retry import RetryPolicy
from .state import BackfillRun, Pending, Projection
from .workers import PendingScores, ScorePool

if TYPE_CHECKING:
    from ..projection.projector_async import AsyncQdrantProjector

__all__ = ["AsyncBatches"]


async def _awrite(
    store: AsyncQualityStore,
    batch: list[QualityScore],
    retry: RetryPolicy,
    projector: AsyncQdrantProjector | None,
    points: PointsOf,
) -> tuple[int, int, Projection | None]:
    rows, retries = await aretrying(lambda: store.upsert(batch), retry)
    if projector is None:
        return rows, retries, None
    try:  # the rows are committed: a failed projection is reported, never raised
        return rows, retries, await projector.project(wanted_payloads(batch, points))
    except Exception as exc:
        return rows, retries, exc


class _AsyncWriter:
    """Writes one batch in a task while the caller goes on."""

    def __init__(
        self,
        store: AsyncQualityStore | None,
        retry: RetryPolicy,
        run: BackfillRun,
        projector: AsyncQdrantProjector | None,
    ) -> None:
        self._store, self._retry, self._run = store, retry, run
        self._projector = projector
        self._pending: asyncio.Task[tuple[int, int, Projection | None]] | None = None
        self._batch: list[QualityScore] = []
        self._what = ""
        self._number = 0

    @property
    def busy(self) -> bool:
        return self._pending is not None and not self._pending.done()

    async def submit(self, batch: list[QualityScore], points: PointsOf) -> None:
        await self.wait()
        if self._store is None or not batch:
            return
        self._number += 1
        self._what = f"writing batch {self._number} ({len(batch)} scores)"
        self._batch = batch
        self._pending = asyncio.create_task(
            _awrite(self._store, batch, self._retry, self._projector, points)
        )
        await asyncio.sleep(0)  # let the write start before scoring resumes

    async def wait(self) -> None:
        pending = self._pending
        if pending is None:
            return
        try:
            # Shielded: cancelling the run must not cancel a write half way; the
            # task stays pending for close(), which waits for it.
            rows, retries, projection = await asyncio.shield(pending)
        except Exception as exc:
            self._pending = None
            raise StepFailed(self._what, exc) from exc
        self._pending = None
        self._run.committed(rows, retries)
        if projection is not None:
            self._run.projection(self._number, self._batch, projection)

    async def close(self) -> None:
        # A write still in flight (the run is stopping: a failure, Ctrl-C, a
        # cancellation) is waited for and, when it committed, counted, as in the
        # sync twin: the report says what is stored.
        with contextlib.suppress(StepFailed):
            await self.wait()


class AsyncBatches:
    """The asynchronous twin of :class:`Batches` (the async backfill)."""

    def __init__(
        self,
        run: BackfillRun,
        store: AsyncQualityStore | None,
        lookup: AsyncQualityStore | None,
        workers: int,
        retry: RetryPolicy,
        projector: AsyncQdrantProjector | None = None,
    ) -> None:
        self._run, self._lookup, self._retry = run, lookup, retry
        self._writer = _AsyncWriter(store, retry, run, projector)
        self._projecting = projector is not None
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
                stored, retries = await aretrying(read, self._retry)
            except Exception as exc:
                await self._settle()
                what = f"reading the stored rows of batch {self._number} ({len(ids)} ids)"
                raise StepFailed(what, exc) from exc
            self._run.retries += retries
            pending = self._run.keep_changed(pending, stored)
        if self._pool is None:
            await self._writer.submit(self._run.score(pending), self._points(pending))
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
        await self._writer.submit(self._run.build(pending, outcomes), self._points(pending))

    def _points(self, pending: list[Pending]) -> PointsOf:
        return points_of((p.pattern, p.pattern_id) for p in pending) if self._projecting else {}

    async def _settle(self) -> None:
        with contextlib.suppress(StepFailed):
            await self._writer.wait()

    async def finish(self) -> None:
        """Score and write whatever is still in flight, and wait for the last write."""
        await self._collect()
        await self._writer.submit([], {})
        await self._writer.wait()

    async def close(self) -> None:
        """Stop the workers and wait for the writer task (after a failure too)."""
        if self._scoring is not None:
            self._scoring[1].cancel()
            self._scoring = None
        if self._pool is not None:
            await asyncio.to_thread(self._pool.close)
        await self._writer.close()
