"""psycopg helpers shared by the migrations runner and the PostgreSQL stores (no state)."""

from __future__ import annotations

import psycopg
from psycopg import errors as pg_errors

from ._config import mask_dsn
from .errors import DatabaseUnavailableError, SchemaNotReadyError, StoreError

__all__ = ["describe_target", "translate_error"]


def describe_target(dsn: str) -> str:
    """Return ``dsn`` with its password masked, for messages.

    Args:
        dsn: A connection string or URL.

    Returns:
        The masked connection string.
    """
    return mask_dsn(dsn)


def translate_error(exc: psycopg.Error, dsn: str, action: str) -> StoreError:
    """Map a psycopg error to the library's exception, with a message a person can act on.

    Args:
        exc: The driver error.
        dsn: The connection string in use (only its masked form is quoted).
        action: What was being done, e.g. ``"upsert 500 scores"``.

    Returns:
        :class:`SchemaNotReadyError` for a missing table or constraint,
        :class:`DatabaseUnavailableError` for connection failures, else
        :class:`StoreError`. Raise it ``from exc``.
    """
    detail = mask_dsn(str(exc).strip()) or type(exc).__name__
    target = describe_target(dsn)
    if isinstance(exc, pg_errors.UndefinedTable | pg_errors.InvalidColumnReference):
        return SchemaNotReadyError(
            f"could not {action}: the pattern_quality_metrics schema is missing or "
            f"incomplete in {target} ({detail}); run `pattern-quality migrate` first"
        )
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        return DatabaseUnavailableError(
            f"could not {action}: database {target} is unavailable ({detail})"
        )
    return StoreError(f"could not {action} in {target}: {detail}")
