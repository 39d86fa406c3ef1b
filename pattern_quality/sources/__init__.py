"""Where patterns come from: the Qdrant payload mapping and the Qdrant sources.

:mod:`.mapping` turns one Qdrant point into a :class:`~pattern_quality.models.Pattern`
with the legacy rules (docs/legacy.md); :mod:`.qdrant` scrolls collections page by
page. The Qdrant classes are imported on first use: qdrant-client is slow to import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .mapping import (
    DEFAULT_COLLECTIONS,
    KNOWN_COLLECTIONS,
    POINT_ID_NAMESPACE,
    PointFailure,
    Shard,
    pattern_id_for_point,
    point_to_pattern,
)

if TYPE_CHECKING:
    from .qdrant import AsyncQdrantPatternSource, QdrantPatternSource

_LAZY = ("AsyncQdrantPatternSource", "QdrantPatternSource")


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        from . import qdrant

        return getattr(qdrant, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_COLLECTIONS",
    "KNOWN_COLLECTIONS",
    "POINT_ID_NAMESPACE",
    "AsyncQdrantPatternSource",
    "PointFailure",
    "QdrantPatternSource",
    "Shard",
    "pattern_id_for_point",
    "point_to_pattern",
]
