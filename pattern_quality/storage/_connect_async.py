"""Open one PostgreSQL connection, failing fast and with a masked message.

The migration runner and a store's schema check use it; the stores' pools open
their own connections.
"""

from __future__ import annotations

from collections.abc import Mapping

import psycopg
from psycopg.rows import TupleRow

from ._pg import DEFAULT_CONNECT_TIMEOUT, connect_options, driver_error, translate_error

__all__ = ["aconnect"]


async def aconnect(
    dsn: str,
    *,
    action: str = "connect",
    autocommit: bool = True,
    connect_timeout: int | None = DEFAULT_CONNECT_TIMEOUT,
    options: Mapping[str, str] | None = None,
) -> psycopg.AsyncConnection[TupleRow]:
    """Open a connection, failing fast and with a masked message when it cannot.

    Args:
        dsn: A connection string or URL.
        action: What the connection is for, quoted in error messages.
        autocommit: Open the connection in autocommit mode.
        connect_timeout: Seconds to wait for the server, unless ``dsn`` sets its
            own ``connect_timeout``; ``None`` waits as long as libpq does.
        options: More connection parameters, e.g. :func:`._pg.session_options`.

    Returns:
        The open connection; close it (``async with`` it).

    Raises:
        ConfigurationError: ``dsn`` does not parse.
        DatabaseUnavailableError: The server cannot be reached or refuses the login.
    """
    kwargs = {**connect_options(dsn, connect_timeout), **(options or {})}
    try:
        return await psycopg.AsyncConnection.connect(dsn, autocommit=autocommit, **kwargs)
    except psycopg.Error as exc:
        raise translate_error(exc, dsn, action) from driver_error(exc, dsn)
