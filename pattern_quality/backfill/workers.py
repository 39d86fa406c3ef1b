"""Score patterns in worker processes: the backfill's ``workers`` option.

Scoring is pure CPU work in Python, so one process scores on one core. A
:class:`ScorePool` sends chunks of validated :class:`~pattern_quality.models.Pattern`
objects to ``workers`` processes, each holding the same rubric, and gets back the
five dimension scores (and the findings, when the scorer explains) of every
pattern, in order. The parent builds the :class:`~pattern_quality.models.QualityScore`
objects (timestamp, content hash) with the same code as an in-process scorer, so a
score is the same whichever way it was computed.

Workers are started with the ``spawn`` method (a forked child of a process that
runs threads, such as a database pool's, may deadlock), once per pool, and
reused for every batch; :meth:`ScorePool.close` stops them.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import signal
import threading
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Final, NamedTuple, TypeAlias

from ..models import Finding, Pattern
from ..scoring import PatternQualityScorer
from ..scoring.base import DimensionScores, FullScores, Rubric
from ..scoring.scorer import run_rubric

__all__ = [
    "CHUNK_SIZE",
    "Failed",
    "Outcome",
    "PendingScores",
    "ScorePool",
    "check_workers",
    "score_patterns",
]

#: Patterns per task sent to a worker (large enough that pickling is noise).
CHUNK_SIZE: Final = 250


class Failed(NamedTuple):
    """A pattern whose rubric raised in a worker: the exception's type name and text."""

    error: str
    message: str


#: What a worker returns per pattern: the dimensions and findings, or why it failed.
Outcome: TypeAlias = tuple[DimensionScores | FullScores, tuple[Finding, ...]] | Failed

_worker_rubric: Rubric | None = None
_worker_explain = False


def check_workers(workers: object) -> int:
    """Check a ``workers`` option.

    Args:
        workers: Processes that score; 1 scores in the calling process.

    Returns:
        ``workers``.

    Raises:
        ValueError: Not an ``int`` of at least 1.
    """
    if isinstance(workers, bool) or not isinstance(workers, int) or workers < 1:
        raise ValueError(f"workers must be an integer >= 1, got {workers!r}")
    return workers


def _init_worker(version: str, explain: bool) -> None:
    global _worker_rubric, _worker_explain
    # Ctrl-C reaches every process of the terminal's group: the parent handles it
    # (and stops the workers); a worker would only print a traceback.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if hasattr(signal, "pthread_sigmask"):  # started with SIGINT blocked (see below)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGINT})
    _worker_rubric = PatternQualityScorer(version)._rubric
    _worker_explain = explain


def _score_chunk(patterns: list[Pattern]) -> list[Outcome]:
    rubric = _worker_rubric
    if rubric is None:  # pragma: no cover - the initializer always runs first
        raise RuntimeError("worker not initialised")
    return score_patterns(rubric, _worker_explain, patterns)


def score_patterns(rubric: Rubric, explain: bool, patterns: Sequence[Pattern]) -> list[Outcome]:
    """Score patterns with a rubric, one outcome each (what a worker does with a chunk).

    Args:
        rubric: The rubric.
        explain: Collect the findings.
        patterns: Validated patterns.

    Returns:
        ``(dimensions, findings)`` per pattern, or :class:`Failed` where the rubric raised.
    """
    out: list[Outcome] = []
    for pattern in patterns:
        findings: list[Finding] | None = [] if explain else None
        try:
            dims = run_rubric(rubric, pattern, findings)
        except Exception as exc:  # one pattern must never end the run; it is reported
            out.append(Failed(type(exc).__name__, str(exc)))
            continue
        out.append((dims, tuple(findings) if findings else ()))
    return out


class PendingScores:
    """The outcomes of one submitted batch, in order, once the workers are done.

    A chunk that could not travel to a worker or back (a pattern holding a value
    that cannot be pickled, such as a lock in its metadata) is scored in the
    calling process instead, so every pattern gets the same outcome either way.
    """

    def __init__(
        self,
        futures: list[Future[list[Outcome]]],
        chunks: list[list[Pattern]],
        scorer: PatternQualityScorer,
    ) -> None:
        self._futures = futures
        self._chunks = chunks
        self._scorer = scorer

    def _here(self, chunk: list[Pattern], exc: BaseException) -> list[Outcome]:
        if isinstance(exc, BrokenProcessPool):  # a worker died: the pool is unusable
            raise exc
        return score_patterns(self._scorer._rubric, self._scorer.explains, chunk)

    def result(self) -> list[Outcome]:
        """Wait for the batch and return one outcome per pattern, in input order.

        Returns:
            ``(dimensions, findings)`` per scored pattern, or :class:`Failed` for
            a pattern whose rubric raised.

        Raises:
            concurrent.futures.process.BrokenProcessPool: A worker died.
        """
        out: list[Outcome] = []
        for future, chunk in zip(self._futures, self._chunks, strict=True):
            try:
                out.extend(future.result())
            except Exception as exc:
                out.extend(self._here(chunk, exc))
        return out

    async def aresult(self) -> list[Outcome]:
        """Await the batch without blocking the event loop; see :meth:`result`.

        Returns:
            One outcome per pattern, in input order.

        Raises:
            concurrent.futures.process.BrokenProcessPool: A worker died.
        """
        results = await asyncio.gather(
            *(asyncio.wrap_future(f) for f in self._futures), return_exceptions=True
        )
        out: list[Outcome] = []
        for result, chunk in zip(results, self._chunks, strict=True):
            if isinstance(result, BaseException):
                if not isinstance(result, Exception):
                    raise result
                out.extend(self._here(chunk, result))
            else:
                out.extend(result)
        return out

    def cancel(self) -> None:
        """Cancel the chunks that have not started (a run that stops early)."""
        for future in self._futures:
            future.cancel()


@contextlib.contextmanager
def _workers_ignore_sigint() -> Iterator[None]:
    """Block SIGINT while worker processes may be started, so that they inherit it blocked.

    Ctrl-C reaches every process of the terminal's group; a worker still starting
    up would print a ``KeyboardInterrupt`` traceback. Blocked (not ignored), a
    Ctrl-C that arrives meanwhile is not lost: it is delivered to this process
    as soon as the block ends. A worker keeps it blocked until its initializer
    ignores it.
    """
    block = getattr(signal, "pthread_sigmask", None)
    if block is None or threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = block(signal.SIG_BLOCK, {signal.SIGINT})
    try:
        yield
    finally:
        block(signal.SIG_SETMASK, previous)


class ScorePool:
    """Worker processes that score batches with one scorer's rubric and settings.

    Args:
        scorer: Whose rubric version and ``explain`` setting the workers use.
        workers: Worker processes (at least 1).
        chunk_size: Patterns per task.

    Raises:
        ValueError: ``workers`` is not an integer >= 1.
    """

    def __init__(
        self, scorer: PatternQualityScorer, workers: int, chunk_size: int = CHUNK_SIZE
    ) -> None:
        self.workers = check_workers(workers)
        self.scorer = scorer
        self._chunk = max(1, chunk_size)
        self._executor: ProcessPoolExecutor | None = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.scorer.rubric_version, self.scorer.explains),
            )
        return self._executor

    def submit(self, patterns: Sequence[Pattern]) -> PendingScores:
        """Start scoring a batch; returns at once.

        Args:
            patterns: Validated patterns.

        Returns:
            The pending outcomes (see :meth:`PendingScores.result`).
        """
        if not patterns:  # e.g. nothing changed: the workers are not even started
            return PendingScores([], [], self.scorer)
        pool = self._pool()
        # At least one chunk per worker, so that a small batch still uses them all.
        size = min(self._chunk, -(-len(patterns) // self.workers)) or 1
        chunks = [list(patterns[i : i + size]) for i in range(0, len(patterns), size)]
        with _workers_ignore_sigint():  # submit may start a worker process
            futures = [pool.submit(_score_chunk, chunk) for chunk in chunks]
        return PendingScores(futures, chunks, self.scorer)

    def close(self) -> None:
        """Stop the workers (pending chunks are cancelled)."""
        if self._executor is not None:
            self._executor.shutdown(wait=True, cancel_futures=True)
            self._executor = None
