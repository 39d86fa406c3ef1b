"""In-memory fakes of the stores, with exactly the PostgreSQL stores' semantics.

:class:`InMemoryQualityStore` and :class:`AsyncInMemoryQualityStore` keep rows in
a dict, but validate, deduplicate, order and encode them through the same
I/O-free functions (:mod:`._sql`) as the PostgreSQL stores, and decode the
stored ``metadata`` from the same JSON text, so a row read from a fake equals
the row read from PostgreSQL after the same calls. ``created_at`` /
``updated_at`` come from ``datetime.now(UTC)`` (strictly increasing per store),
where PostgreSQL uses ``now()``, the time the writing transaction started.

Use them in tests and notebooks; they are thread-safe, not process-safe.
"""

from __future__ import annotations

import json
import threading
from collections.abc import AsyncIterator, Callable, Iterable, Iterator
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Self

from ..errors import StoreError
from ..models import QualityScore, StoredQuality
from . import rows as _sql

__all__ = ["AsyncInMemoryQualityStore", "InMemoryQualityStore"]

_TICK = timedelta(microseconds=1)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class _Rows:
    """The shared, locked state of both fakes (no I/O, no awaiting)."""

    def __init__(self, clock: Callable[[], datetime] | None) -> None:
        self.rows: dict[str, StoredQuality] = {}
        self.lock = threading.Lock()
        self.clock = _utc_now if clock is None else clock
        self.last: datetime | None = None
        self.closed = False

    def check_open(self) -> None:
        if self.closed:
            raise StoreError("the in-memory quality store is closed")

    def _now(self) -> datetime:
        now = self.clock()
        if self.last is not None and now <= self.last:
            now = self.last + _TICK  # one write time per call, strictly increasing
        self.last = now
        return now

    def upsert(self, scores: QualityScore | Iterable[QualityScore]) -> int:
        self.check_open()
        prepared = _sql.prepare_upsert(scores)  # validates everything before any write
        if not prepared:
            return 0
        written = 0
        with self.lock:
            now = self._now()
            rows = self.rows
            for row in prepared:
                current = rows.get(row.pattern_id)
                if (
                    current is not None
                    and current.measurement_timestamp > row.measurement_timestamp
                ):
                    continue  # stale: an older measurement never overwrites a newer one
                created = now if current is None else current.created_at
                rows[row.pattern_id] = _sql.stored_from_row(
                    (*row[:5], json.loads(row.metadata), created, now)
                )
                written += 1
        return written

    def get(self, pattern_id: str) -> StoredQuality | None:
        self.check_open()
        return self.rows.get(_sql.canonical_pattern_id(pattern_id))

    def get_many(self, pattern_ids: Iterable[str]) -> dict[str, StoredQuality]:
        self.check_open()
        ids = _sql.canonical_pattern_ids(pattern_ids)
        with self.lock:
            return {pid: self.rows[pid] for pid in ids if pid in self.rows}

    def count(self) -> int:
        self.check_open()
        return len(self.rows)

    def snapshot(self, batch_size: int) -> list[StoredQuality]:
        _sql.check_batch_size(batch_size)
        self.check_open()
        with self.lock:
            return [self.rows[pid] for pid in sorted(self.rows)]

    def delete(self, pattern_ids: Iterable[str]) -> int:
        self.check_open()
        ids = _sql.canonical_pattern_ids(pattern_ids)
        with self.lock:
            return sum(self.rows.pop(pid, None) is not None for pid in ids)


class InMemoryQualityStore:
    """A :class:`~pattern_quality.storage.base.QualityStore` that keeps rows in memory.

    Example:
        >>> from pattern_quality import InMemoryQualityStore
        >>> with InMemoryQualityStore() as store:
        ...     store.count()
        0
    """

    def __init__(self, *, clock: Callable[[], datetime] | None = None) -> None:
        """Create an empty store.

        Args:
            clock: Returns the aware time of a write (``created_at`` /
                ``updated_at``); defaults to ``datetime.now(UTC)``. Each call's
                write time is made strictly later than the previous one.
        """
        self._state = _Rows(clock)

    def open(self) -> None:
        """Do nothing (kept for parity with the PostgreSQL store).

        Raises:
            StoreError: The store is closed.
        """
        self._state.check_open()

    def upsert(self, scores: QualityScore | Iterable[QualityScore]) -> int:
        """Write scores; the latest measurement per pattern wins.

        Args:
            scores: One score or an iterable of them.

        Returns:
            Rows inserted or updated (a stale score counts 0; duplicates in the
            call count once).

        Raises:
            PatternValidationError: An item is invalid; nothing is written.
            StoreError: The store is closed.
        """
        return self._state.upsert(scores)

    def get(self, pattern_id: str) -> StoredQuality | None:
        """Return the stored row of one pattern.

        Args:
            pattern_id: A UUID in any accepted spelling.

        Returns:
            The row, or ``None``.

        Raises:
            PatternValidationError: ``pattern_id`` is not a UUID.
            StoreError: The store is closed.
        """
        return self._state.get(pattern_id)

    def get_many(self, pattern_ids: Iterable[str]) -> dict[str, StoredQuality]:
        """Return the stored rows of several patterns.

        Args:
            pattern_ids: UUIDs in any accepted spelling.

        Returns:
            Rows keyed by canonical id; missing ids are absent.

        Raises:
            PatternValidationError: An id is not a UUID.
            StoreError: The store is closed.
        """
        return self._state.get_many(pattern_ids)

    def count(self) -> int:
        """Return the number of stored rows.

        Returns:
            The count.

        Raises:
            StoreError: The store is closed.
        """
        return self._state.count()

    def iter_all(self, batch_size: int = _sql.DEFAULT_BATCH_SIZE) -> Iterator[StoredQuality]:
        """Yield every row in ``pattern_id`` order, as of the first ``next()``.

        Args:
            batch_size: Accepted for parity (validated, otherwise unused).

        Returns:
            An iterator of rows.

        Raises:
            ValueError: ``batch_size`` < 1 (when iteration starts).
            StoreError: The store is closed (when iteration starts).
        """
        yield from self._state.snapshot(batch_size)

    def delete(self, pattern_ids: Iterable[str]) -> int:
        """Delete rows.

        Args:
            pattern_ids: UUIDs in any accepted spelling.

        Returns:
            How many rows existed and were deleted.

        Raises:
            PatternValidationError: An id is not a UUID; nothing is deleted.
            StoreError: The store is closed.
        """
        return self._state.delete(pattern_ids)

    def close(self) -> None:
        """Close the store; later calls raise :class:`StoreError`. Idempotent."""
        self._state.closed = True

    def __enter__(self) -> Self:
        self.open()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncInMemoryQualityStore:
    """The asynchronous twin of :class:`InMemoryQualityStore` (same semantics, never awaits I/O)."""

    def __init__(self, *, clock: Callable[[], datetime] | None = None) -> None:
        """Create an empty store.

        Args:
            clock: See :class:`InMemoryQualityStore`.
        """
        self._state = _Rows(clock)

    async def open(self) -> None:
        """See :meth:`InMemoryQualityStore.open`."""
        self._state.check_open()

    async def upsert(self, scores: QualityScore | Iterable[QualityScore]) -> int:
        """See :meth:`InMemoryQualityStore.upsert`."""
        return self._state.upsert(scores)

    async def get(self, pattern_id: str) -> StoredQuality | None:
        """See :meth:`InMemoryQualityStore.get`."""
        return self._state.get(pattern_id)

    async def get_many(self, pattern_ids: Iterable[str]) -> dict[str, StoredQuality]:
        """See :meth:`InMemoryQualityStore.get_many`."""
        return self._state.get_many(pattern_ids)

    async def count(self) -> int:
        """See :meth:`InMemoryQualityStore.count`."""
        return self._state.count()

    async def iter_all(
        self, batch_size: int = _sql.DEFAULT_BATCH_SIZE
    ) -> AsyncIterator[StoredQuality]:
        """See :meth:`InMemoryQualityStore.iter_all`."""
        for row in self._state.snapshot(batch_size):
            yield row

    async def delete(self, pattern_ids: Iterable[str]) -> int:
        """See :meth:`InMemoryQualityStore.delete`."""
        return self._state.delete(pattern_ids)

    async def close(self) -> None:
        """See :meth:`InMemoryQualityStore.close`."""
        self._state.closed = True

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
