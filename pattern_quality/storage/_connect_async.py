"""Open one PostgreSQL connection, failing fast and with a masked message.

The migration runner and a store's schema check use it; the stores' pools open
their own connections.
"""

from __future__ import annotations

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
) -> psycopg.AsyncConnection[TupleRow]:
    """Open a connection, failing fast and with a masked message when it cannot.

    Args:
        dsn: A connection string or URL.
        action: What the connection is for, quoted in error messages.
        autocommit: Open the connection in autocommit mode.
        connect_timeout: Seconds to wait for the server, unless ``dsn`` sets its
            own ``connect_timeout``; ``None`` waits as long as libpq does.

    Returns:
        The open connection; close it (``async with`` it).

    Raises:
        ConfigurationError: ``dsn`` does not parse.
        DatabaseUnavailableError: The server cannot be reached or refuses the login.
    """
    options = connect_options(dsn, connect_timeout)
    try:
        return await psycopg.AsyncConnection.connect(dsn, autocommit=autocommit, **options)
    except psycopg.Error as exc:
        raise translate_error(exc, dsn, action) from driver_error(exc, dsn)
