"""The exceptions raised by pattern_quality.

Everything the library raises on purpose derives from :class:`PatternQualityError`,
so ``except PatternQualityError`` catches every expected failure. Each child also
subclasses the builtin that matches its meaning, so callers that already catch
``ValueError`` or ``ConnectionError`` keep working. Messages never contain a
database password or an API key.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .backfill.report import BackfillReport

__all__ = [
    "AuthenticationError",
    "BackfillError",
    "BackfillInterrupted",
    "CollectionNotFoundError",
    "ConfigurationError",
    "DatabaseConfigurationError",
    "DatabaseUnavailableError",
    "MigrationError",
    "PatternQualityError",
    "PatternValidationError",
    "QdrantUnavailableError",
    "SchemaNotReadyError",
    "StoreError",
    "StoreTimeoutError",
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
    """Raised when a required setting (such as the database URL) is missing or wrong.

    Never retried: the same settings fail the same way.
    """


class StoreError(PatternQualityError, RuntimeError):
    """Raised when a store operation fails; the driver error is the ``__cause__``."""


class DatabaseUnavailableError(StoreError, ConnectionError):
    """Raised when the database cannot be reached (refused, timed out, went away).

    Connection loss, a refused or timed-out connection, a pool that gave no
    connection in time and an administrator shutdown (SQLSTATE class 08,
    ``57P01``-``57P03``, ``53300``). The only store error a backfill retries.
    """


class DatabaseConfigurationError(StoreError, ConfigurationError):
    """Raised when the connection settings are wrong, not the server's availability.

    A connection string that does not parse (its text is never quoted), an
    unknown database, a bad ``sslmode`` or SSL required by a server without it.
    Never retried; fix the settings.
    """


class AuthenticationError(DatabaseConfigurationError, PermissionError):
    """Raised when the server refuses the login: wrong or missing password, unknown role.

    Also for ``pg_hba.conf`` refusals (SQLSTATE class 28). Never retried; the
    message says "authentication failed" and never contains the password.
    """


class StoreTimeoutError(StoreError, TimeoutError):
    """Raised when a statement hit the store's ``lock_timeout`` or ``statement_timeout``.

    SQLSTATE ``55P03`` (lock not available) or ``57014`` (statement timeout).
    The call was rolled back; it is not retried, as the lock holder or the slow
    query is still there.
    """


class SchemaNotReadyError(StoreError):
    """Raised when ``pattern_quality_metrics`` or its unique constraint is missing.

    Run ``pattern-quality migrate`` (or :func:`pattern_quality.migrate`) first.
    """


class MigrationError(PatternQualityError, RuntimeError):
    """Raised when migrations cannot be applied, e.g. an applied file was edited."""


class CollectionNotFoundError(PatternQualityError, LookupError):
    """Raised when a Qdrant collection named for scoring does not exist."""


class QdrantUnavailableError(PatternQualityError, ConnectionError):
    """Raised when Qdrant cannot be reached or refuses a request (e.g. a wrong API key).

    The message names the Qdrant location and the cause; it never contains the API key.
    """


class BackfillError(PatternQualityError, RuntimeError):
    """Raised when a backfill stops before the end of its source.

    The cause (``__cause__``) is the store or source error, e.g. a
    :class:`DatabaseUnavailableError` that outlived the retries or a
    :class:`QdrantUnavailableError`. Every batch committed before it stays
    committed: running the backfill again converges to the same table.

    Attributes:
        report: The partial report (``completed`` is ``False``; ``stored`` counts
            the committed rows).
    """

    def __init__(self, message: str, report: BackfillReport) -> None:
        super().__init__(message)
        self.report = report


# --- internal: raised and caught inside the package, never seen by callers ---------------


class StepFailed(Exception):
    """Raised inside the backfill when a batch step failed for good.

    :func:`~pattern_quality.backfill.backfill` turns it into a :class:`BackfillError`.

    Attributes:
        what: The step, e.g. ``"writing batch 3 (2000 scores)"``.
        cause: The error that ended it.
    """

    def __init__(self, what: str, cause: BaseException) -> None:
        super().__init__(what)
        self.what = what
        self.cause = cause


class ArgumentError(ValueError):
    """Raised inside ``pattern-quality score`` for an argument it cannot read or score.

    The command prints it as one line naming the argument and exits 2.
    """


class DriverError(Exception):
    """The scrubbed text of a psycopg error: the ``__cause__`` of the library's store errors.

    Raised ``from`` instead of the driver error, whose text may quote a host or
    database name built from a mistyped password; this one holds only the
    scrubbed message (:func:`pattern_quality.storage._pg.driver_error`).

    Attributes:
        sqlstate: The server's SQLSTATE, or ``None`` (e.g. for a failed connection).
        driver_type: The psycopg class name, e.g. ``"AdminShutdown"``.
    """

    def __init__(self, message: str, sqlstate: str | None, driver_type: str) -> None:
        super().__init__(message)
        self.sqlstate = sqlstate
        self.driver_type = driver_type


class BackfillInterrupted(KeyboardInterrupt):
    """Raised by ``backfill`` when it is interrupted (Ctrl-C, ``SIGINT``).

    A :class:`KeyboardInterrupt`, so that code catching that still does; the
    batch being written when the interrupt came is finished or rolled back
    first, never half written.

    Attributes:
        report: The partial :class:`~pattern_quality.backfill.BackfillReport`
            (``completed`` false): what was committed stays committed.
    """

    def __init__(self, report: BackfillReport) -> None:
        """Keep the partial report.

        Args:
            report: The report of the run so far.
        """
        super().__init__(f"backfill interrupted after {report.stored} stored rows")
        self.report = report
