"""QualityFilter: keep the patterns whose stored quality passes a threshold (sync stores).

One ``get_many`` round trip per list; patterns with no stored score are scored
in-process and written back in one batched upsert off the caller's path. The
filter never breaks manifest generation: when the store fails or is slower than
``timeout`` it falls back to in-process scores, logs one warning and says so in
the result. Hand-written twin of :mod:`.quality_filter_async`: here the lookup
and the write-back run on worker threads, there on tasks; the options and the
decision are shared (:mod:`.policy`).
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future
from concurrent.futures import TimeoutError as FutureTimeout
from types import TracebackType
from typing import Any, Self

from ..models import QualityScore
from ..scoring import PatternQualityScorer
from ..storage.base import QualityStore
from ._daemon import DaemonExecutor
from .policy import (
    CLOSE_TIMEOUT,
    DEFAULT_FILTER_TIMEOUT,
    FilterPolicy,
    FilterResult,
    OnInvalid,
    QdrantFilterMethod,
    Stored,
    log_abandoned_write_backs,
    log_write_back_failure,
    plan,
)

__all__ = ["QualityFilter"]


class QualityFilter(QdrantFilterMethod):
    """Filters retrieved patterns by stored quality (synchronous stores).

    Example:
        >>> from pattern_quality import InMemoryQualityStore, QualityFilter
        >>> with QualityFilter(InMemoryQualityStore()) as quality:
        ...     result = quality.filter([{"code": "import os"}], min_quality=0.0)
        >>> result.passed
        1
    """

    def __init__(
        self,
        store: QualityStore,
        scorer: PatternQualityScorer | None = None,
        *,
        timeout: float = DEFAULT_FILTER_TIMEOUT,
        write_back: bool = True,
        on_invalid: OnInvalid = "keep",
    ) -> None:
        """Create a filter.

        Args:
            store: Where stored scores are read and new ones written back.
            scorer: Scores patterns the store does not know (default: a new
                :class:`PatternQualityScorer` with ``explain=False``).
            timeout: Seconds the lookup may take before falling back (default 0.25).
            write_back: Write scores computed now back to the store, in one batch,
                in the background.
            on_invalid: ``"keep"`` patterns that cannot be scored (the default: an
                unscorable pattern is not evidence of low quality) or ``"drop"`` them.

        Raises:
            ValueError: ``timeout`` is not positive or ``on_invalid`` is unknown.
        """
        self._store = store
        # The narrow read (composite, rubric, time) where the store's class has one; a
        # wrapper that only forwards attributes keeps its own get_many in the path.
        self._read: Callable[[list[str]], Mapping[str, Stored]] = (
            store.get_briefs if hasattr(type(store), "get_briefs") else store.get_many  # type: ignore[attr-defined]
        )
        self._policy = FilterPolicy.make(scorer, timeout, write_back, on_invalid)
        # Reads run on workers so a hung store cannot hold the caller past the timeout;
        # daemon threads, so a read stuck on a frozen server cannot hold the process.
        self._readers = DaemonExecutor(4, "pq-filter-read")
        self._writer = DaemonExecutor(1, "pq-filter-write")
        self._pending: set[Future[int]] = set()
        self._lock = threading.Lock()

    def filter(self, patterns: Iterable[Any], min_quality: float = 0.7) -> FilterResult:
        """Return the patterns whose composite is >= ``min_quality``, in input order.

        Args:
            patterns: Pattern mappings as retrieved from Qdrant (or ``Pattern`` objects).
            min_quality: Threshold in [0, 1] (inclusive).

        Returns:
            The kept patterns and statistics. Never raises for store failures or
            invalid patterns.

        Raises:
            PatternValidationError: ``min_quality`` is not a number in [0, 1].
        """
        the_plan = plan(patterns, min_quality)
        stored: Mapping[str, Stored] | None = {}
        error: Exception | None = None
        if ids := the_plan.lookup_ids:
            future = self._readers.submit(self._read, ids)
            try:
                stored = future.result(timeout=self._policy.timeout)
            except Exception as exc:  # any store failure must not break the caller
                future.cancel()  # still queued behind stuck reads: never run it
                stored, error = None, exc
        result, to_write = self._policy.finish(the_plan, stored, error)
        if to_write:
            self._submit_write(to_write)
        return result

    def _submit_write(self, scores: list[QualityScore]) -> None:
        future = self._writer.submit(self._store.upsert, scores)
        with self._lock:
            self._pending.add(future)
        future.add_done_callback(self._write_done)

    def _write_done(self, future: Future[int]) -> None:
        with self._lock:
            self._pending.discard(future)
        if future.cancelled():  # queued when the filter closed: never started
            return
        exc = future.exception()
        if exc is not None:
            log_write_back_failure(exc)

    def flush(self, timeout: float | None = None) -> None:
        """Wait until queued write-backs have finished (or failed and been logged).

        Args:
            timeout: Seconds to wait at most (default: until done).

        Raises:
            TimeoutError: They did not finish in time.
        """
        with self._lock:
            pending = list(self._pending)
        for future in pending:
            try:
                future.exception(timeout=timeout)
            except FutureTimeout as exc:
                raise TimeoutError("quality filter write-back still running") from exc

    def close(self, timeout: float = CLOSE_TIMEOUT) -> None:
        """Wait a bounded time for queued write-backs, then stop the workers; never raises.

        Write-backs still running after ``timeout`` are abandoned with one
        warning (their store call is one transaction: it commits or rolls back
        whole). The worker threads are daemon threads: none holds the
        interpreter open. The store stays open.

        Args:
            timeout: Seconds to wait for pending write-backs (default 5).
        """
        try:
            self.flush(timeout)
        except TimeoutError:
            with self._lock:
                log_abandoned_write_backs(len(self._pending), timeout)
        self._readers.shutdown()
        self._writer.shutdown()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()
