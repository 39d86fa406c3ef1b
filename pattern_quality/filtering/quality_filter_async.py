"""AsyncQualityFilter: the asynchronous twin of :class:`~.quality_filter.QualityFilter`.

Same options, result and fallback, over an
:class:`~pattern_quality.storage.base.AsyncQualityStore`: the lookup is awaited
under ``asyncio.wait_for`` and the write-back runs as a task. Hand-written, not
generated (threads there, tasks here); ``tests/test_twins.py`` checks that the
signatures match.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Iterable, Mapping
from types import TracebackType
from typing import Any, Self

from ..scoring import PatternQualityScorer
from ..storage.base import AsyncQualityStore
from .policy import (
    ABANDON_GRACE,
    CLOSE_TIMEOUT,
    DEFAULT_FILTER_TIMEOUT,
    WRITE_BACK_TIMEOUT,
    FilterPolicy,
    FilterResult,
    OnInvalid,
    QdrantFilterMethod,
    Stored,
    log_abandoned_write_backs,
    log_write_back_failure,
    plan,
)

__all__ = ["AsyncQualityFilter"]


class AsyncQualityFilter(QdrantFilterMethod):
    """Filters retrieved patterns by stored quality (asynchronous stores)."""

    def __init__(
        self,
        store: AsyncQualityStore,
        scorer: PatternQualityScorer | None = None,
        *,
        timeout: float = DEFAULT_FILTER_TIMEOUT,
        write_back: bool = True,
        on_invalid: OnInvalid = "keep",
    ) -> None:
        """Create a filter; the arguments are those of :class:`~.quality_filter.QualityFilter`.

        Args:
            store: Where stored scores are read and new ones written back.
            scorer: Scores patterns the store does not know.
            timeout: Seconds the lookup may take before falling back (default 0.25).
            write_back: Write new scores back in one batch, as a background task.
            on_invalid: ``"keep"`` or ``"drop"`` patterns that cannot be scored.

        Raises:
            ValueError: ``timeout`` is not positive or ``on_invalid`` is unknown.
        """
        self._store = store
        # The narrow read (composite, rubric, time) where the store's class has one; a
        # wrapper that only forwards attributes keeps its own get_many in the path.
        self._read: Callable[[list[str]], Awaitable[Mapping[str, Stored]]] = (
            store.get_briefs if hasattr(type(store), "get_briefs") else store.get_many  # type: ignore[attr-defined]
        )
        self._policy = FilterPolicy.make(scorer, timeout, write_back, on_invalid)
        self._pending: set[asyncio.Task[int]] = set()
        self._abandoned: set[asyncio.Task[Any]] = set()

    async def filter(self, patterns: Iterable[Any], min_quality: float = 0.7) -> FilterResult:
        """The twin of :meth:`.QualityFilter.filter`: the lookup is a task with a deadline.

        Args:
            patterns: As for :meth:`.QualityFilter.filter`.
            min_quality: Threshold in [0, 1] (inclusive).

        Returns:
            The kept patterns and statistics; store failures and invalid
            patterns never raise.

        Raises:
            PatternValidationError: ``min_quality`` is not a number in [0, 1].
        """
        the_plan = plan(patterns, min_quality)
        stored: Mapping[str, Stored] | None = {}
        error: Exception | None = None
        if ids := the_plan.lookup_ids:
            try:
                stored = await self._lookup(ids)
            except Exception as exc:  # any store failure must not break the caller
                stored, error = None, exc
        result, to_write = self._policy.finish(the_plan, stored, error)
        if to_write:
            task = asyncio.create_task(
                asyncio.wait_for(self._store.upsert(to_write), WRITE_BACK_TIMEOUT)
            )
            self._pending.add(task)
            task.add_done_callback(self._write_done)
        return result

    async def _lookup(self, ids: list[str]) -> Mapping[str, Stored]:
        # Not asyncio.wait_for: it waits for the cancelled lookup to finish, and
        # psycopg's cancellation waits for the server (10 s when it is frozen).
        task = asyncio.ensure_future(self._read(ids))
        try:
            done, _ = await asyncio.wait({task}, timeout=self._policy.timeout)
        except asyncio.CancelledError:
            self._abandon(task)
            raise
        if task in done:
            return task.result()
        self._abandon(task)
        raise TimeoutError("store lookup timed out")

    def _abandon(self, task: asyncio.Task[Any]) -> None:
        # Cancel now and once more a moment later: the second interruption makes
        # psycopg close the connection instead of waiting for the server to
        # confirm the cancellation. Nothing is left to delay the loop or its end.
        task.cancel()
        self._abandoned.add(task)
        task.add_done_callback(_retrieved)
        task.add_done_callback(self._abandoned.discard)
        asyncio.get_running_loop().call_later(ABANDON_GRACE, task.cancel)

    def _write_done(self, task: asyncio.Task[int]) -> None:
        self._pending.discard(task)
        if task.cancelled():
            return
        exc = task.exception()
        if exc is not None:
            log_write_back_failure(exc)

    async def flush(self, timeout: float | None = None) -> None:
        """Wait until queued write-backs have finished (or failed and been logged).

        Args:
            timeout: Seconds to wait at most (default: until done).

        Raises:
            TimeoutError: They did not finish in time.
        """
        pending = list(self._pending)
        if pending:
            _, not_done = await asyncio.wait(pending, timeout=timeout)
            if not_done:
                raise TimeoutError("quality filter write-back still running")

    async def close(self, timeout: float = CLOSE_TIMEOUT) -> None:
        """Wait a bounded time for queued write-backs, then cancel them; never raises.

        Args:
            timeout: Seconds to wait for pending write-backs (default 5); those
                still running are cancelled with one warning (each is one
                transaction: written whole or not at all). The store stays open.
        """
        try:
            await self.flush(timeout)
        except TimeoutError:
            pending = list(self._pending)
            log_abandoned_write_backs(len(pending), timeout)
            for task in pending:
                self._abandon(task)

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


def _retrieved(task: asyncio.Task[Any]) -> None:
    # An abandoned lookup's outcome is of no interest; retrieving it keeps asyncio
    # from logging "exception was never retrieved".
    if not task.cancelled():
        task.exception()
