"""Score code patterns for quality and keep one current score per pattern in PostgreSQL."""

from __future__ import annotations

from ._version import __version__
from .errors import (
    CollectionNotFoundError,
    ConfigurationError,
    DatabaseUnavailableError,
    MigrationError,
    PatternQualityError,
    PatternValidationError,
    SchemaNotReadyError,
    StoreError,
)
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
from .scoring import WEIGHTS, PatternQualityScorer, available_rubrics
from .storage import (
    AsyncInMemoryQualityStore,
    AsyncPostgresQualityStore,
    InMemoryQualityStore,
    PostgresQualityStore,
    close_pools,
)
from .storage.base import AsyncQualityStore, QualityStore

__all__ = [
    "EXCELLENT_THRESHOLD",
    "FAIR_THRESHOLD",
    "GOOD_THRESHOLD",
    "WEIGHTS",
    "AsyncInMemoryQualityStore",
    "AsyncPostgresQualityStore",
    "AsyncQualityStore",
    "CollectionNotFoundError",
    "ConfigurationError",
    "DatabaseUnavailableError",
    "Finding",
    "MigrationError",
    "MigrationReport",
    "MigrationStatus",
    "InMemoryQualityStore",
    "Pattern",
    "PatternQualityError",
    "PatternQualityScorer",
    "PatternValidationError",
    "PostgresQualityStore",
    "QualityScore",
    "QualityStore",
    "SchemaNotReadyError",
    "StoreError",
    "StoredQuality",
    "Tier",
    "VerifyReport",
    "__version__",
    "amigrate",
    "amigration_status",
    "arollback",
    "averify",
    "available_rubrics",
    "close_pools",
    "load_sample_patterns",
    "migrate",
    "migration_status",
    "rollback",
    "verify",
]
