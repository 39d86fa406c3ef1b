"""The Qdrant sources' former home, kept so that ``pattern_quality.qdrant`` imports work.

Everything here lives in :mod:`pattern_quality.sources`.
"""

from __future__ import annotations

from .errors import QdrantUnavailableError
from .sources._qdrant_base import DEFAULT_PAGE_SIZE, LOCAL_PAGE_SIZE
from .sources.mapping import (
    DEFAULT_COLLECTIONS,
    KNOWN_COLLECTIONS,
    PointFailure,
    pattern_id_for_point,
    point_to_pattern,
)
from .sources.qdrant import QdrantPatternSource
from .sources.qdrant_async import AsyncQdrantPatternSource
from .sources.shard import Shard

__all__ = [
    "DEFAULT_COLLECTIONS",
    "DEFAULT_PAGE_SIZE",
    "KNOWN_COLLECTIONS",
    "LOCAL_PAGE_SIZE",
    "AsyncQdrantPatternSource",
    "PointFailure",
    "QdrantPatternSource",
    "QdrantUnavailableError",
    "Shard",
    "pattern_id_for_point",
    "point_to_pattern",
]
