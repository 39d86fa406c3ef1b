"""Storage of one current quality score per pattern.

Interface: :class:`QualityStore` / :class:`AsyncQualityStore`. Implementations:
:class:`PostgresQualityStore` / :class:`AsyncPostgresQualityStore` (psycopg 3 and
psycopg_pool) and the in-memory fakes :class:`InMemoryQualityStore` /
:class:`AsyncInMemoryQualityStore`, all with the same semantics (docs/storage.md).
"""

from __future__ import annotations

from ..ids import canonical_pattern_id
from .base import AsyncQualityStore, QualityStore
from .in_memory import InMemoryQualityStore
from .in_memory_async import AsyncInMemoryQualityStore
from .postgres import PostgresQualityStore
from .postgres_async import AsyncPostgresQualityStore
from .registry import close_pools
from .rows import MAX_STORED_FINDINGS
from .statements import DEFAULT_TABLE

__all__ = [
    "DEFAULT_TABLE",
    "MAX_STORED_FINDINGS",
    "AsyncInMemoryQualityStore",
    "AsyncPostgresQualityStore",
    "AsyncQualityStore",
    "InMemoryQualityStore",
    "PostgresQualityStore",
    "QualityStore",
    "canonical_pattern_id",
    "close_pools",
]
