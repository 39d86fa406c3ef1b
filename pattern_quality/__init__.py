"""Score code patterns for quality and keep one current score per pattern in PostgreSQL."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ._version import __version__
from .backfill import BackfillReport, RetryPolicy, abackfill, backfill
from .errors import (
    AuthenticationError,
    BackfillError,
    CollectionNotFoundError,
    ConfigurationError,
    DatabaseConfigurationError,
    DatabaseUnavailableError,
    MigrationError,
    PatternQualityError,
    PatternValidationError,
    QdrantUnavailableError,
    SchemaNotReadyError,
    StoreError,
    StoreTimeoutError,
)
from .filtering import AsyncQualityFilter, FilterResult, QualityFilter
from .hashing import content_hash
from .migrate import (
    MigrationReport,
    MigrationStatus,
    VerifyReport,
    amigrate,
    amigration_status,
    arollback,
    averify,
    migrate,
    migration_status,
    rollback,
    verify,
)
from .models import (
    EXCELLENT_THRESHOLD,
    FAIR_THRESHOLD,
    GOOD_THRESHOLD,
    Finding,
    Pattern,
    QualityScore,
    StoredQuality,
    Tier,
)
from .sample import load_sample_patterns
from .scoring import DEFAULT_RUBRIC, WEIGHTS, PatternQualityScorer, available_rubrics
from .sources.mapping import PointFailure
from .storage import (
    AsyncInMemoryQualityStore,
    AsyncPostgresQualityStore,
    InMemoryQualityStore,
    PostgresQualityStore,
    close_pools,
)
from .storage.base import AsyncQualityStore, QualityStore

if TYPE_CHECKING:
    from .sources.qdrant import QdrantPatternSource
    from .sources.qdrant_async import AsyncQdrantPatternSource

_LAZY = ("AsyncQdrantPatternSource", "QdrantPatternSource")


def __getattr__(name: str) -> Any:
    # qdrant-client takes about a second to import: load the sources on first use.
    if name in _LAZY:
        from . import sources

        return getattr(sources, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_RUBRIC",
    "EXCELLENT_THRESHOLD",
    "FAIR_THRESHOLD",
    "GOOD_THRESHOLD",
    "WEIGHTS",
    "AsyncInMemoryQualityStore",
    "AsyncPostgresQualityStore",
    "AsyncQdrantPatternSource",
    "AsyncQualityFilter",
    "AsyncQualityStore",
    "AuthenticationError",
    "BackfillError",
    "BackfillReport",
    "CollectionNotFoundError",
    "ConfigurationError",
    "DatabaseConfigurationError",
    "DatabaseUnavailableError",
    "FilterResult",
    "Finding",
    "MigrationError",
    "MigrationReport",
    "MigrationStatus",
    "InMemoryQualityStore",
    "Pattern",
    "PatternQualityError",
    "PatternQualityScorer",
    "PatternValidationError",
    "PointFailure",
    "PostgresQualityStore",
    "QdrantPatternSource",
    "QdrantUnavailableError",
    "QualityFilter",
    "QualityScore",
    "QualityStore",
    "RetryPolicy",
    "SchemaNotReadyError",
    "StoreError",
    "StoreTimeoutError",
    "StoredQuality",
    "Tier",
    "VerifyReport",
    "__version__",
    "abackfill",
    "amigrate",
    "amigration_status",
    "arollback",
    "averify",
    "available_rubrics",
    "backfill",
    "close_pools",
    "content_hash",
    "load_sample_patterns",
    "migrate",
    "migration_status",
    "rollback",
    "verify",
]
