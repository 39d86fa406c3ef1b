# Generated from pattern_quality/storage/in_memory_async.py by tools/async_to_sync.py.
# Do not edit: change the async source and run `make generate`.
"""InMemoryQualityStore: a fake of the PostgreSQL store, with exactly its semantics.

Rows live in a :class:`~._memory_table.MemoryTable`, which shapes and reads them
with the PostgreSQL stores' own functions. Use it in tests and notebooks; it is
thread-safe, not process-safe.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from types import TracebackType
from typing import Self

from ..models import QualityBrief, QualityScore, StoredQuality
from . import statements
from ._memory_table import MemoryTable

__all__ = ["InMemoryQualityStore"]


class InMemoryQualityStore:
    """A store (:class:`~pattern_quality.storage.base.QualityStore`) that keeps rows in memory.

    Example:
        >>> from pattern_quality import InMemoryQualityStore
        >>> with InMemoryQualityStore() as store:  # doctest: +SKIP
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
        self._table = MemoryTable(clock)

    def open(self) -> None:
        """Do nothing (kept for parity with the PostgreSQL store).

        Raises:
            StoreError: The store is closed.
        """
        self._table.check_open()

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
        return self._table.upsert(scores)

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
        return self._table.get(pattern_id)

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
        return self._table.get_many(pattern_ids)

    def get_briefs(self, pattern_ids: Iterable[str]) -> dict[str, QualityBrief]:
        """Return the composite, rubric and measurement time of several patterns.

        Args:
            pattern_ids: UUIDs in any accepted spelling.

        Returns:
            Briefs keyed by canonical id; missing ids are absent.

        Raises:
            PatternValidationError: An id is not a UUID.
            StoreError: The store is closed.
        """
        return {
            pid: QualityBrief(row.composite_score, row.version, row.measurement_timestamp)
            for pid, row in self._table.get_many(pattern_ids).items()
        }

    def count(self) -> int:
        """Return the number of stored rows.

        Returns:
            The count.

        Raises:
            StoreError: The store is closed.
        """
        return self._table.count()

    def iter_all(self, batch_size: int = statements.DEFAULT_READ_BATCH) -> Iterator[StoredQuality]:
        """Yield every row in ``pattern_id`` order, as of the first ``next()``.

        Args:
            batch_size: Accepted for parity (validated, otherwise unused).

        Returns:
            An iterator of rows.

        Raises:
            ValueError: ``batch_size`` < 1 (when iteration starts).
            StoreError: The store is closed (when iteration starts).
        """
        # Not `yield from` in the generated twin either: one loop for both.
        for row in self._table.snapshot(batch_size):  # noqa: UP028
            yield row

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
        return self._table.delete(pattern_ids)

    def close(self) -> None:
        """Close the store; later calls raise :class:`StoreError`. Idempotent."""
        self._table.closed = True

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
