"""psycopg helpers shared by the migration runner and the PostgreSQL stores (no I/O).

Connection options and the translation of driver errors into the library's
exceptions; opening a connection is :mod:`._connect_async` (and the generated
:mod:`._connect`).

Errors are classified by SQLSTATE where the server sent one, else by the
connection's state and libpq's words (a failed login carries no SQLSTATE).
Messages are masked by construction (:mod:`pattern_quality._secrets`): the
target is rebuilt from the non-secret fields, the driver text is scrubbed of
every spelling of the password, and the driver error is replaced in the chain
by :class:`DriverError`, which holds only that scrubbed text.
"""

from __future__ import annotations

import re
from typing import Any, Final

import psycopg
from psycopg import errors as pg_errors
from psycopg.conninfo import conninfo_to_dict

from .._config import describe_dsn, dsn_problem, mask_dsn, scrub_secrets
from ..errors import (
    AuthenticationError,
    DatabaseConfigurationError,
    DatabaseUnavailableError,
    DriverError,
    SchemaNotReadyError,
    StoreError,
    StoreTimeoutError,
)

__all__ = [
    "DEFAULT_CONNECT_TIMEOUT",
    "DEFAULT_LOCK_TIMEOUT",
    "DEFAULT_STATEMENT_TIMEOUT",
    "POOL_CLOSE_TIMEOUT",
    "classify",
    "connect_options",
    "describe_target",
    "driver_error",
    "session_options",
    "translate_error",
]

#: Seconds to wait for a connection unless the connection string sets ``connect_timeout``.
DEFAULT_CONNECT_TIMEOUT: Final = 10
#: Seconds one statement of a store may run (``statement_timeout``) unless the store says.
DEFAULT_STATEMENT_TIMEOUT: Final = 60.0
#: Seconds a store's statement may wait for a row or table lock (``lock_timeout``).
DEFAULT_LOCK_TIMEOUT: Final = 10.0
#: Seconds ``close()`` waits for the pool's background workers before abandoning them.
POOL_CLOSE_TIMEOUT: Final = 1.0

# SQLSTATEs of a connection that is gone or going: the only ones worth retrying.
_UNAVAILABLE_STATES: Final = frozenset({"57P01", "57P02", "57P03", "53300"})
_TIMEOUT_STATES: Final = frozenset({"55P03", "57014"})
_CONFIG_STATES: Final = frozenset({"3D000"})  # database does not exist
# libpq's words for a failed login or bad settings (connection errors have no SQLSTATE).
_AUTH_WORDS = re.compile(
    r"password authentication failed|no password supplied|authentication failed|"
    r"pg_hba\.conf|role \".*\" does not exist|SASL|SCRAM|password is required",
    re.IGNORECASE,
)
_CONFIG_WORDS = re.compile(
    r"database \".*\" does not exist|invalid \w+ value|invalid connection option|"
    r"does not support SSL|SSL was required|sslmode|certificate|invalid integer value",
    re.IGNORECASE,
)


def describe_target(dsn: str) -> str:
    """Return a description of ``dsn`` for messages: no password, never the raw text.

    Args:
        dsn: A connection string or URL.

    Returns:
        ``postgresql://user@host:port/dbname`` rebuilt from the parsed fields.
    """
    return describe_dsn(dsn)


def _detail(exc: BaseException, dsn: str) -> str:
    text = " ".join(str(exc).split())
    return mask_dsn(scrub_secrets(text, dsn)) or type(exc).__name__


def driver_error(exc: BaseException, dsn: str) -> DriverError:
    """Return the scrubbed stand-in of a driver error, to raise the library's error from.

    Args:
        exc: The psycopg (or pool) error.
        dsn: The connection string in use.

    Returns:
        A :class:`DriverError` with the scrubbed message, SQLSTATE and class name.
    """
    return DriverError(
        f"{type(exc).__name__}: {_detail(exc, dsn)}",
        getattr(exc, "sqlstate", None),
        type(exc).__name__,
    )


def classify(exc: BaseException) -> type[StoreError]:
    """Return the library's exception class for a driver error.

    Args:
        exc: A psycopg or psycopg_pool error.

    Returns:
        :class:`AuthenticationError`, :class:`DatabaseConfigurationError`,
        :class:`StoreTimeoutError`, :class:`SchemaNotReadyError`,
        :class:`DatabaseUnavailableError` (connection lost, refused or timed out,
        admin shutdown) or :class:`StoreError`.
    """
    state = getattr(exc, "sqlstate", None)
    if state:
        if state.startswith("28"):
            return AuthenticationError
        if state in _CONFIG_STATES:
            return DatabaseConfigurationError
        if state in _TIMEOUT_STATES:
            return StoreTimeoutError
        if state.startswith("08") or state in _UNAVAILABLE_STATES:
            return DatabaseUnavailableError
        if isinstance(exc, pg_errors.UndefinedTable | pg_errors.InvalidColumnReference):
            return SchemaNotReadyError
        return StoreError
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError):
        text = str(exc)
        if _AUTH_WORDS.search(text):
            return AuthenticationError
        if _CONFIG_WORDS.search(text):
            return DatabaseConfigurationError
        # No SQLSTATE: the connection failed, broke or timed out (pool timeouts too).
        return DatabaseUnavailableError
    return StoreError


def translate_error(exc: psycopg.Error, dsn: str, action: str) -> StoreError:
    """Map a psycopg error to the library's exception, with a message a person can act on.

    Args:
        exc: The driver error.
        dsn: The connection string in use (only its description is quoted).
        action: What was being done, e.g. ``"upsert 500 scores"``.

    Returns:
        The error of :func:`classify`'s class. Raise it ``from driver_error(exc, dsn)``
        (never from ``exc``, whose text is not scrubbed).
    """
    detail = _detail(exc, dsn)
    target = describe_target(dsn)
    kind = classify(exc)
    if kind is SchemaNotReadyError:
        return SchemaNotReadyError(
            f"could not {action}: the pattern_quality_metrics schema is missing or "
            f"incomplete in {target} ({detail}); run `pattern-quality migrate` first"
        )
    if kind is AuthenticationError:
        return AuthenticationError(
            f"could not {action}: authentication failed for {target} ({detail}); check "
            "the user name and password (special characters percent-encoded in a URL)"
        )
    if kind is DatabaseConfigurationError:
        return DatabaseConfigurationError(
            f"could not {action}: the connection settings of {target} are wrong ({detail})"
        )
    if kind is StoreTimeoutError:
        return StoreTimeoutError(
            f"could not {action} in {target}: {detail} (a lock held by another session, "
            "or a statement slower than the store's statement_timeout; see "
            "lock_timeout= / statement_timeout= of the store)"
        )
    if kind is DatabaseUnavailableError:
        return DatabaseUnavailableError(
            f"could not {action}: database {target} is unavailable ({detail})"
        )
    return StoreError(f"could not {action} in {target}: {detail}")


def check_dsn(dsn: str) -> dict[str, Any]:
    """Parse ``dsn`` or refuse it without quoting it.

    Args:
        dsn: A connection string or URL.

    Returns:
        Its parameters.

    Raises:
        DatabaseConfigurationError: It does not parse, or an unencoded ``@`` or
            ``/`` in the password made it ambiguous (the message quotes none of it).
    """
    problem = dsn_problem(dsn)
    if problem is not None:
        raise DatabaseConfigurationError(problem) from None
    return dict(conninfo_to_dict(dsn))


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
        DatabaseConfigurationError: ``dsn`` is not a valid connection string (a
            :class:`~pattern_quality.errors.ConfigurationError`).
    """
    params = check_dsn(dsn)
    if connect_timeout is not None and "connect_timeout" not in params:
        return {"connect_timeout": connect_timeout}
    return {}


def _millis(name: str, seconds: float | None) -> int | None:
    if seconds is None:
        return None
    if isinstance(seconds, bool) or not isinstance(seconds, int | float) or not seconds > 0:
        raise ValueError(f"{name}: expected a positive number of seconds or None, got {seconds!r}")
    return max(1, round(seconds * 1000))


def session_options(
    dsn: str, *, statement_timeout: float | None, lock_timeout: float | None
) -> dict[str, str]:
    """Return the libpq ``options`` that set a store's timeouts on each new connection.

    Sent with the connection request (no extra round trip). A ``-c`` setting of
    the same name in the DSN's own ``options`` comes later, so it wins.

    Args:
        dsn: The connection string (its own ``options`` are kept).
        statement_timeout: Seconds, or ``None`` for the server's setting.
        lock_timeout: Seconds, or ``None`` for the server's setting.

    Returns:
        ``{"options": ...}``, or ``{}`` when there is nothing to set.

    Raises:
        ValueError: A timeout is not a positive number or ``None``.
        DatabaseConfigurationError: ``dsn`` does not parse.
    """
    settings = [
        f"-c {name}={ms}"
        for name, ms in (
            ("statement_timeout", _millis("statement_timeout", statement_timeout)),
            ("lock_timeout", _millis("lock_timeout", lock_timeout)),
        )
        if ms is not None
    ]
    if not settings:
        return {}
    own = str(check_dsn(dsn).get("options") or "")
    return {"options": " ".join([*settings, own]).strip()}
