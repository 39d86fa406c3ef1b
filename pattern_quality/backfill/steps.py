"""The I/O steps of a backfill batch: look up, score, write (sync; twin: :mod:`.steps_async`).

A batch of validated patterns (:class:`~.state.Pending`)
goes through three steps:

1. with ``changed_only``, one ``store.get_many`` for the batch's ids, and the
   patterns whose stored row has the same content hash and rubric version are
   dropped (:meth:`BackfillRun.keep_changed`);
2. scoring, in this process, or in worker processes (:class:`ScorePool`): a batch
   is handed to the workers and the caller goes back to reading the source; its
   outcomes are collected when the next batch is handed over;
3. one atomic ``store.upsert`` per batch, in a background thread (or task) while
   the caller goes on; with a projector, once it is committed, the batch's
   scores are projected into their Qdrant points (one request per collection),
   and a failed projection is recorded, not raised: the rows stay stored.

So at most one batch is being read, one scored by the workers and one written.
Reads and writes are retried on transient errors (:class:`~.retry.RetryPolicy`);
a step that fails for good raises :class:`~pattern_quality.errors.StepFailed`
naming it. Hand-written, not generated: the sync writer is a thread, the async
one a task.
"""

from __future__ import annotations

import contextlib
from concurrent.futures import Future, ThreadPoolExecutor
from typing import TYPE_CHECKING

from ..errors import StepFailed
from ..models import QualityScore
from ..projection.payload import PointsOf, points_of, wanted_payloads
from ..storage.base import QualityStore
from ._retrying import retrying
from .retry import RetryPolicy
from .state import BackfillRun, Pending, Projection
from .workers import PendingScores, ScorePool

if TYPE_CHECKING:
    from ..projection.projector import QdrantProjector

__all__ = ["Batches"]


def _write(
    store: QualityStore,
    batch: list[QualityScore],
    retry: RetryPolicy,
    projector: QdrantProjector | None,
    points: PointsOf,
) -> tuple[int, int, Projection | None]:
    rows, retries = retrying(lambda: store.upsert(batch), retry)
    if projector is None:
        return rows, retries, None
    try:  # the rows are committed: a failed projection is reported, never raised
        return rows, retries, projector.project(wanted_payloads(batch, points))
    except Exception as exc:
        return rows, retries, exc


class _Writer:
    """Writes one batch in a background thread while the caller goes on."""

    def __init__(
        self,
        store: QualityStore | None,
        retry: RetryPolicy,
        run: BackfillRun,
        projector: QdrantProjector | None,
    ) -> None:
        self._store, self._retry, self._run = store, retry, run
        self._projector = projector
        self._pool: ThreadPoolExecutor | None = None
        self._pending: Future[tuple[int, int, Projection | None]] | None = None
        self._batch: list[QualityScore] = []
        self._what = ""
        self._number = 0

    def submit(self, batch: list[QualityScore], points: PointsOf) -> None:
        self.wait()
        if self._store is None or not batch:
            return
        if self._pool is None:
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="backfill-writer")
        self._number += 1
        self._what = f"writing batch {self._number} ({len(batch)} scores)"
        self._batch = batch
        self._pending = self._pool.submit(
            _write, self._store, batch, self._retry, self._projector, points
        )

    def wait(self) -> None:
        pending = self._pending
        if pending is None:
            return
        try:
            rows, retries, projection = pending.result()
        except Exception as exc:
            self._pending = None
            raise StepFailed(self._what, exc) from exc
        # Cleared only now: after a Ctrl-C while waiting, close() waits for it again.
        self._pending = None
        self._run.committed(rows, retries)
        if projection is not None:
            self._run.projection(self._number, self._batch, projection)

    def close(self) -> None:
        # A write still in flight (the run is stopping: a failure, Ctrl-C) is waited
        # for and, when it committed, counted: the report says what is stored.
        with contextlib.suppress(StepFailed):
            self.wait()
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
        projector: Projects each committed batch into its Qdrant points (``None``: off).
    """

    def __init__(
        self,
        run: BackfillRun,
        store: QualityStore | None,
        lookup: QualityStore | None,
        workers: int,
        retry: RetryPolicy,
        projector: QdrantProjector | None = None,
    ) -> None:
        self._run, self._lookup, self._retry = run, lookup, retry
        self._writer = _Writer(store, retry, run, projector)
        self._projecting = projector is not None
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
                stored, retries = retrying(lambda: store.get_many(ids), self._retry)
            except Exception as exc:
                self._settle()
                what = f"reading the stored rows of batch {self._number} ({len(ids)} ids)"
                raise StepFailed(what, exc) from exc
            self._run.retries += retries
            pending = self._run.keep_changed(pending, stored)
        if self._pool is None:
            self._writer.submit(self._run.score(pending), self._points(pending))
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
        self._writer.submit(self._run.build(pending, outcomes), self._points(pending))

    def _points(self, pending: list[Pending]) -> PointsOf:
        return points_of((p.pattern, p.pattern_id) for p in pending) if self._projecting else {}

    def _settle(self) -> None:
        # Before reporting a failed step, let the write in flight finish and count it
        # (if it fails too, the step's own error is the one reported).
        with contextlib.suppress(StepFailed):
            self._writer.wait()

    def finish(self) -> None:
        """Score and write whatever is still in flight, and wait for the last write."""
        self._collect()
        self._writer.submit([], {})
        self._writer.wait()

    def close(self) -> None:
        """Stop the workers and the writer thread (after a failure too)."""
        if self._scoring is not None:
            self._scoring[1].cancel()
            self._scoring = None
        if self._pool is not None:
            self._pool.close()
        self._writer.close()
