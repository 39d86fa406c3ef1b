"""Where patterns come from: the source protocols, the Qdrant payload mapping, the Qdrant sources.

:mod:`.base` defines what a source is (any iterable of items; a collection-aware
one implements :class:`PatternSource` / :class:`AsyncPatternSource`);
:mod:`.mapping` turns one Qdrant point into a
:class:`~pattern_quality.models.Pattern` with the legacy rules (docs/legacy.md);
:mod:`.qdrant_async` (and the generated :mod:`.qdrant`) scroll collections page
by page, :mod:`.shard` slices them. The Qdrant classes are imported on first
use: qdrant-client is slow to import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .base import AsyncPatternSource, Item, PatternSource
from .mapping import (
    DEFAULT_COLLECTIONS,
    KNOWN_COLLECTIONS,
    POINT_ID_NAMESPACE,
    PointFailure,
    pattern_id_for_point,
    point_to_pattern,
)
from .shard import Shard

if TYPE_CHECKING:
    from .qdrant import QdrantPatternSource
    from .qdrant_async import AsyncQdrantPatternSource


def __getattr__(name: str) -> Any:
    # qdrant-client takes about a second to import: load the sources on first use.
    if name == "QdrantPatternSource":
        from .qdrant import QdrantPatternSource

        return QdrantPatternSource
    if name == "AsyncQdrantPatternSource":
        from .qdrant_async import AsyncQdrantPatternSource

        return AsyncQdrantPatternSource
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_COLLECTIONS",
    "KNOWN_COLLECTIONS",
    "POINT_ID_NAMESPACE",
    "AsyncPatternSource",
    "AsyncQdrantPatternSource",
    "Item",
    "PatternSource",
    "PointFailure",
    "QdrantPatternSource",
    "Shard",
    "pattern_id_for_point",
    "point_to_pattern",
]
