"""The store interface: :class:`QualityStore` and :class:`AsyncQualityStore`.

Semantics shared by every implementation (see docs/storage.md):

1. One row per ``pattern_id``; ``upsert`` is ``INSERT ... ON CONFLICT (pattern_id) DO UPDATE``.
2. Latest measurement wins: an older ``measurement_timestamp`` never overwrites a
   newer stored one; on equal timestamps the write wins.
3. ``created_at`` is kept on update; ``updated_at`` becomes the time of the write.
4. Several scores for one id in one call: the latest wins (on a tie, the last given).
5. A call is atomic and validated before anything is written.
6. Concurrent writers never deadlock (rows are written in ``pattern_id`` order).
7. Ids are accepted in the spellings of :mod:`pattern_quality.ids` and stored,
   returned and keyed canonical (lowercase, hyphenated); an invalid id raises
   ``PatternValidationError``.

Implementations: :class:`~pattern_quality.storage.postgres.PostgresQualityStore`,
:class:`~pattern_quality.storage.postgres_async.AsyncPostgresQualityStore` and the
fakes in :mod:`pattern_quality.storage.in_memory_async` (and the generated
:mod:`~pattern_quality.storage.in_memory`). Downstream stores can be checked
against the contract with :class:`pattern_quality.testing.QualityStoreStateMachine`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

from ..models import QualityScore, StoredQuality

__all__ = ["AsyncQualityStore", "QualityStore"]


@runtime_checkable
class QualityStore(Protocol):
    """A synchronous store of one current :class:`QualityScore` per pattern."""

    def upsert(self, scores: QualityScore | Iterable[QualityScore]) -> int:
        """Write scores; return the number of rows inserted or updated."""
        ...

    def get(self, pattern_id: str) -> StoredQuality | None:
        """Return the stored row of one pattern, or ``None``."""
        ...

    def get_many(self, pattern_ids: Iterable[str]) -> dict[str, StoredQuality]:
        """Return the stored rows of several patterns (one round trip), keyed by canonical id."""
        ...

    def count(self) -> int:
        """Return the number of stored rows."""
        ...

    def iter_all(self, batch_size: int = ...) -> Iterator[StoredQuality]:
        """Stream every row in ``pattern_id`` order with bounded memory."""
        ...

    def delete(self, pattern_ids: Iterable[str]) -> int:
        """Delete rows; return how many existed."""
        ...

    def close(self) -> None:
        """Release the store's resources."""
        ...

    def __enter__(self) -> Self: ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...


@runtime_checkable
class AsyncQualityStore(Protocol):
    """The asynchronous twin of :class:`QualityStore`."""

    async def upsert(self, scores: QualityScore | Iterable[QualityScore]) -> int:
        """Write scores; return the number of rows inserted or updated."""
        ...

    async def get(self, pattern_id: str) -> StoredQuality | None:
        """Return the stored row of one pattern, or ``None``."""
        ...

    async def get_many(self, pattern_ids: Iterable[str]) -> dict[str, StoredQuality]:
        """Return the stored rows of several patterns (one round trip), keyed by canonical id."""
        ...

    async def count(self) -> int:
        """Return the number of stored rows."""
        ...

    def iter_all(self, batch_size: int = ...) -> AsyncIterator[StoredQuality]:
        """Stream every row in ``pattern_id`` order with bounded memory."""
        ...

    async def delete(self, pattern_ids: Iterable[str]) -> int:
        """Delete rows; return how many existed."""
        ...

    async def close(self) -> None:
        """Release the store's resources."""
        ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
