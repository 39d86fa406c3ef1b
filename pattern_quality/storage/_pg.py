"""psycopg helpers shared by the migration runner and the PostgreSQL stores (no I/O).

Connection options and the translation of driver errors into the library's
exceptions; opening a connection is :mod:`._connect_async` (and the generated
:mod:`._connect`).
"""

from __future__ import annotations

from typing import Any, Final

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict

from .._config import mask_dsn
from ..errors import ConfigurationError, DatabaseUnavailableError, SchemaNotReadyError, StoreError

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "connect_options",
    "describe_target",
    "translate_error",
]

#: Seconds to wait for a connection unless the connection string sets ``connect_timeout``.
DEFAULT_CONNECT_TIMEOUT: Final = 10


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


def connect_options(
    dsn: str, connect_timeout: int | None = DEFAULT_CONNECT_TIMEOUT
) -> dict[str, Any]:
    """Return the keyword arguments to connect to ``dsn`` with, after checking it parses.

    Args:
        dsn: A connection string or URL.
        connect_timeout: Seconds to wait for the server, unless ``dsn`` sets its
            own ``connect_timeout``; ``None`` waits as long as libpq does.

    Returns:
        Keyword arguments for ``psycopg.connect`` / ``AsyncConnection.connect``
        (besides the DSN itself).

    Raises:
        ConfigurationError: ``dsn`` is not a valid connection string.
    """
    try:
        params = conninfo_to_dict(dsn)
    except psycopg.ProgrammingError as exc:
        raise ConfigurationError(
            f"invalid database URL {describe_target(dsn)}: {mask_dsn(str(exc).strip())}"
        ) from exc
    if connect_timeout is not None and "connect_timeout" not in params:
        return {"connect_timeout": connect_timeout}
    return {}
