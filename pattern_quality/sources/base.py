"""What a backfill reads: the item type and the pattern-source protocols.

Any iterable of items is a source. A source that knows collections (the Qdrant
sources) also implements :class:`PatternSource` or :class:`AsyncPatternSource`:
``check`` returns the collections to read, raising before anything is read if
one is missing, and ``scan`` reads them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterable, Iterator, Mapping
from typing import Any, Protocol, TypeAlias, runtime_checkable

from ..models import Pattern
from .mapping import PointFailure

__all__ = ["AsyncPatternSource", "Item", "PatternSource"]

#: What a source yields: a pattern, a pattern mapping, or a failure in its place.
Item: TypeAlias = Pattern | Mapping[str, Any] | PointFailure


@runtime_checkable
class PatternSource(Protocol):
    """A source that knows collections (e.g. :class:`~.qdrant.QdrantPatternSource`)."""

    def check(self, collections: Iterable[str] | str | None = None) -> tuple[str, ...]:
        """Return the collection names to scan; raise if one does not exist."""
        ...

    def scan(self, collections: Iterable[str] | str | None = None) -> Iterator[Item]:
        """Check the collections, then return an iterator of their items."""
        ...


@runtime_checkable
class AsyncPatternSource(Protocol):
    """The asynchronous twin of :class:`PatternSource`.

    ``scan`` is awaited: it checks the collections, then returns an async
    iterator of their items.
    """

    async def check(self, collections: Iterable[str] | str | None = None) -> tuple[str, ...]:
        """Return the collection names to scan; raise if one does not exist."""
        ...

    async def scan(self, collections: Iterable[str] | str | None = None) -> AsyncIterator[Item]:
        """Check the collections, then return an async iterator of their items."""
        ...
