"""The exceptions raised by pattern_quality.

Everything the library raises on purpose derives from :class:`PatternQualityError`,
so ``except PatternQualityError`` catches every expected failure. Each child also
subclasses the builtin that matches its meaning, so callers that already catch
``ValueError`` or ``ConnectionError`` keep working. Messages never contain a
database password or an API key.
"""

from __future__ import annotations

__all__ = [
    "CollectionNotFoundError",
    "ConfigurationError",
    "DatabaseUnavailableError",
    "MigrationError",
    "PatternQualityError",
    "PatternValidationError",
    "SchemaNotReadyError",
    "StoreError",
]


class PatternQualityError(Exception):
    """Root of every exception pattern_quality raises on purpose."""


class PatternValidationError(PatternQualityError, ValueError):
    """Raised when a pattern or a score has a wrong type or an invalid value.

    Raised by :meth:`Pattern.from_mapping`, by the scorer for mappings it cannot
    score, by :class:`QualityScore` for out-of-range or non-finite values, and by
    the stores for an invalid ``pattern_id`` (before anything is written).
    """


class ConfigurationError(PatternQualityError, LookupError):
    """Raised when a required setting (such as the database URL) is missing."""


class StoreError(PatternQualityError, RuntimeError):
    """Raised when a store operation fails; the driver error is the ``__cause__``."""


class DatabaseUnavailableError(StoreError, ConnectionError):
    """Raised when the database cannot be reached (refused, timed out, went away)."""


class SchemaNotReadyError(StoreError):
    """Raised when ``pattern_quality_metrics`` or its unique constraint is missing.

    Run ``pattern-quality migrate`` (or :func:`pattern_quality.migrate`) first.
    """


class MigrationError(PatternQualityError, RuntimeError):
    """Raised when migrations cannot be applied, e.g. an applied file was edited."""


class CollectionNotFoundError(PatternQualityError, LookupError):
    """Raised when a Qdrant collection named for scoring does not exist."""
