"""Score code patterns for quality and keep one current score per pattern in PostgreSQL.

``import pattern_quality`` is cheap: every public name is loaded on first use
(PEP 562 ``__getattr__``), so the command line's ``--version`` and a library
that only needs the scorer do not pay for psycopg, qdrant-client and the
rest. ``from pattern_quality import X`` works as always.
"""

from __future__ import annotations

import importlib
import sys
import types
from typing import TYPE_CHECKING, Any, Final

from ._version import __version__

if TYPE_CHECKING:
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
    from .projection.projector import QdrantProjector
    from .projection.projector_async import AsyncQdrantProjector
    from .sample import load_sample_patterns
    from .schema import (
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
    from .scoring import DEFAULT_RUBRIC, WEIGHTS, PatternQualityScorer, available_rubrics
    from .sources.mapping import PointFailure
    from .sources.qdrant import QdrantPatternSource
    from .sources.qdrant_async import AsyncQdrantPatternSource
    from .storage import (
        AsyncInMemoryQualityStore,
        AsyncPostgresQualityStore,
        InMemoryQualityStore,
        PostgresQualityStore,
        close_pools,
    )
    from .storage.base import AsyncQualityStore, QualityStore

# Public name -> the module that defines it (relative to this package).
_LAZY: Final[dict[str, str]] = {
    "BackfillReport": ".backfill",
    "RetryPolicy": ".backfill",
    "abackfill": ".backfill",
    "backfill": ".backfill",
    "AuthenticationError": ".errors",
    "BackfillError": ".errors",
    "CollectionNotFoundError": ".errors",
    "ConfigurationError": ".errors",
    "DatabaseConfigurationError": ".errors",
    "DatabaseUnavailableError": ".errors",
    "MigrationError": ".errors",
    "PatternQualityError": ".errors",
    "PatternValidationError": ".errors",
    "QdrantUnavailableError": ".errors",
    "SchemaNotReadyError": ".errors",
    "StoreError": ".errors",
    "StoreTimeoutError": ".errors",
    "AsyncQualityFilter": ".filtering",
    "FilterResult": ".filtering",
    "QualityFilter": ".filtering",
    "content_hash": ".hashing",
    "MigrationReport": ".schema",
    "MigrationStatus": ".schema",
    "VerifyReport": ".schema",
    "amigrate": ".schema",
    "amigration_status": ".schema",
    "arollback": ".schema",
    "averify": ".schema",
    "migrate": ".schema",
    "migration_status": ".schema",
    "rollback": ".schema",
    "verify": ".schema",
    "EXCELLENT_THRESHOLD": ".models",
    "FAIR_THRESHOLD": ".models",
    "GOOD_THRESHOLD": ".models",
    "Finding": ".models",
    "Pattern": ".models",
    "QualityScore": ".models",
    "StoredQuality": ".models",
    "Tier": ".models",
    "load_sample_patterns": ".sample",
    "DEFAULT_RUBRIC": ".scoring",
    "WEIGHTS": ".scoring",
    "PatternQualityScorer": ".scoring",
    "available_rubrics": ".scoring",
    "PointFailure": ".sources.mapping",
    "AsyncInMemoryQualityStore": ".storage",
    "AsyncPostgresQualityStore": ".storage",
    "InMemoryQualityStore": ".storage",
    "PostgresQualityStore": ".storage",
    "close_pools": ".storage",
    "AsyncQualityStore": ".storage.base",
    "QualityStore": ".storage.base",
    "QdrantPatternSource": ".sources.qdrant",
    "AsyncQdrantPatternSource": ".sources.qdrant_async",
    "QdrantProjector": ".projection",
    "AsyncQdrantProjector": ".projection",
}

# ``backfill`` and ``migrate`` are functions of the package and also the names of
# its modules ``pattern_quality.backfill`` and ``pattern_quality.migrate``.
# Importing such a module would bind the module to the package attribute; the
# functions keep the name, as they always had it.
_FUNCTIONS_NAMED_LIKE_MODULES: Final = frozenset({"backfill", "migrate"})


class _Package(types.ModuleType):
    def __setattr__(self, name: str, value: Any) -> None:
        if name in _FUNCTIONS_NAMED_LIKE_MODULES and isinstance(value, types.ModuleType):
            return  # the import system binding the submodule: keep the function
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # loaded once; later look-ups are plain attributes
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})


__all__ = [
    "DEFAULT_RUBRIC",
    "EXCELLENT_THRESHOLD",
    "FAIR_THRESHOLD",
    "GOOD_THRESHOLD",
    "WEIGHTS",
    "AsyncInMemoryQualityStore",
    "AsyncPostgresQualityStore",
    "AsyncQdrantPatternSource",
    "AsyncQdrantProjector",
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
    "QdrantProjector",
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
