"""AsyncPostgresQualityStore: the pooled, upserting PostgreSQL store.

A thin executor: it takes the statements from :mod:`.statements`, runs them
under ``async with pool.connection()`` (one transaction per call) over a
:class:`psycopg_pool.AsyncConnectionPool`, and maps rows with :mod:`.rows`; the
write of a call and the schema check are in :mod:`._calls_async`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any, Self, TypeVar

import psycopg
from psycopg.rows import tuple_row
from psycopg_pool import AsyncConnectionPool

from .._acompat import ALock
from .._config import resolve_database_url
from ..errors import StoreError
from ..ids import canonical_pattern_id, canonical_pattern_ids
from ..models import QualityScore, StoredQuality
from . import statements
from ._briefs_async import AsyncPostgresBriefs
from ._calls_async import acheck_schema, cursor, write_rows
from ._connect_async import aconnect
from ._pg import (
    DEFAULT_LOCK_TIMEOUT,
    DEFAULT_STATEMENT_TIMEOUT,
    POOL_CLOSE_TIMEOUT,
    connect_options,
    describe_target,
    driver_error,
    session_options,
    translate_error,
)
from .rows import prepare_upsert, stored_from_row

__all__ = ["AsyncPostgresQualityStore"]

T = TypeVar("T")
_Cursor = psycopg.AsyncCursor[tuple[Any, ...]]


class AsyncPostgresQualityStore(AsyncPostgresBriefs):
    """The store (:class:`~pattern_quality.storage.base.AsyncQualityStore`) on PostgreSQL.

    The constructor does no I/O. The first operation (or :meth:`open`, or
    ``async with``) checks with one catalog query that the table and its unique
    constraint on ``pattern_id`` exist and opens the pool.

    Example:
        >>> async with AsyncPostgresQualityStore(dsn) as store:  # doctest: +SKIP
        ...     await store.upsert(scores)
    """

    def __init__(
        self,
        dsn: str | None = None,
        *,
        min_size: int = 1,
        max_size: int = 4,
        timeout: float = 30.0,
        table: str = statements.DEFAULT_TABLE,
        schema: str | None = None,
        statement_timeout: float | None = DEFAULT_STATEMENT_TIMEOUT,
        lock_timeout: float | None = DEFAULT_LOCK_TIMEOUT,
    ) -> None:
        """Create a store with its own connection pool.

        Args:
            dsn: Connection string or URL; defaults to ``PATTERN_QUALITY_DATABASE_URL``,
                then ``HOST_DATABASE_URL``, then ``DATABASE_URL``.
            min_size: Connections the pool keeps open.
            max_size: Most connections the pool opens.
            timeout: Seconds to wait for a pool connection (and, unless the DSN
                sets ``connect_timeout``, to connect).
            table: Table name (quoted as an identifier, never interpolated).
            schema: Schema of the table; ``None`` follows the ``search_path``.
            statement_timeout: Seconds one statement may run before the server
                cancels it (:class:`StoreTimeoutError`); default 60, ``None``
                keeps the server's setting.
            lock_timeout: Seconds a statement may wait for a lock held by another
                session (:class:`StoreTimeoutError`); default 10, ``None`` keeps
                the server's setting.

        Raises:
            ConfigurationError: No DSN given or configured, or it does not parse.
            ValueError: An empty table or schema name, bad pool sizes or timeouts.
        """
        t = statements.TableRef.of(table, schema)
        dsn = resolve_database_url(dsn)
        connect_timeout = max(1, round(timeout))
        options: dict[str, str] = session_options(
            dsn, statement_timeout=statement_timeout, lock_timeout=lock_timeout
        )
        pool = AsyncConnectionPool(
            dsn,
            kwargs={**connect_options(dsn, connect_timeout), **options, "autocommit": True},
            min_size=min_size,
            max_size=max_size,
            timeout=timeout,
            open=False,
            name="pattern_quality",
        )
        self._setup(pool, dsn, owns_pool=True, t=t)
        self._options = options
        self._connect_timeout = connect_timeout

    @classmethod
    def from_pool(
        cls,
        pool: AsyncConnectionPool[Any],
        *,
        table: str = statements.DEFAULT_TABLE,
        schema: str | None = None,
    ) -> Self:
        """Create a store over an existing pool, which the store will not close.

        Args:
            pool: An open :class:`psycopg_pool.AsyncConnectionPool` (any row factory).
            table: Table name.
            schema: Schema of the table, or ``None``.

        Returns:
            The store (not yet checked; see :meth:`open`).

        Raises:
            ValueError: An empty table or schema name.
        """
        self = cls.__new__(cls)
        dsn = pool.conninfo if isinstance(pool.conninfo, str) else ""
        self._setup(pool, dsn, owns_pool=False, t=statements.TableRef.of(table, schema))
        return self

    def _setup(
        self,
        pool: AsyncConnectionPool[Any],
        dsn: str,
        *,
        owns_pool: bool,
        t: statements.TableRef,
    ) -> None:
        self._t = t
        self._pool = pool
        self._dsn = dsn
        self._owns_pool = owns_pool
        self._lock = ALock()
        self._options = {}  # session settings (timeouts) of the store's own pool
        self._opened = False
        self._closed = False

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._t.display} at {describe_target(self._dsn)}>"

    async def open(self) -> None:
        """Check the schema and open the pool (done by the first operation anyway).

        Raises:
            DatabaseUnavailableError: The database cannot be reached.
            SchemaNotReadyError: The table, a column or the unique constraint on
                ``pattern_id`` is missing; run ``pattern-quality migrate``.
            StoreError: The store is closed.
        """
        async with self._lock:
            if self._closed:
                raise StoreError(f"{self!r} is closed")
            if self._opened:
                return
            action = f"check table {self._t.display}"
            params = (self._t.regclass_text,)
            if self._owns_pool:
                # A direct connection fails fast with the server's reason; a pool would
                # only time out.
                timeout = self._connect_timeout
                async with await aconnect(
                    self._dsn, action=action, connect_timeout=timeout, options=self._options
                ) as conn:
                    row = await acheck_schema(conn, params, self._dsn, action)
                await self._pool.open(wait=False)
            else:
                try:
                    async with self._pool.connection() as pconn:
                        row = await acheck_schema(pconn, params, self._dsn, action)
                except psycopg.Error as exc:
                    raise translate_error(exc, self._dsn, action) from driver_error(exc, self._dsn)
            statements.check_schema_row(self._t, row, describe_target(self._dsn))
            self._opened = True

    @asynccontextmanager
    async def _conn(self, action: str) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        if not self._opened or self._closed:
            await self.open()
        try:
            # An explicit transaction: atomic even over a pool of autocommit connections.
            async with self._pool.connection() as conn, conn.transaction():
                yield conn
        except psycopg.Error as exc:
            raise translate_error(exc, self._dsn, action) from driver_error(exc, self._dsn)

    async def _call(self, action: str, body: Callable[[_Cursor], Awaitable[T]], write: bool) -> T:
        # One call on one pool connection, in a transaction when it writes. When the
        # connection turns out lost (a server restart killed it while idle), the pool
        # checks every idle connection at once, replacing the broken ones, and the
        # call runs once more: every store call is idempotent (latest wins). Not the
        # pool's check= hook: it backs off 1 s, 2 s, 4 s... between broken ones.
        if not self._opened or self._closed:
            await self.open()
        for attempt in (1, 2):
            used: psycopg.AsyncConnection[Any] | None = None
            try:
                async with self._pool.connection() as conn:
                    used = conn
                    if write:
                        async with conn.transaction(), cursor(conn) as cur:
                            return await body(cur)
                    # No explicit transaction for one read: a single round trip.
                    async with cursor(conn) as cur:
                        return await body(cur)
            except psycopg.Error as exc:
                if attempt == 1 and used is not None and used.broken:
                    await self._pool.check()
                    continue
                raise translate_error(exc, self._dsn, action) from driver_error(exc, self._dsn)
        raise AssertionError("unreachable")  # pragma: no cover

    async def upsert(self, scores: QualityScore | Iterable[QualityScore]) -> int:
        """Write scores in one transaction; the latest measurement per pattern wins.

        Args:
            scores: One score or an iterable of them.

        Returns:
            Rows inserted or updated (a stale score counts 0; duplicates in the
            call count once).

        Raises:
            PatternValidationError: An item is invalid; nothing is written.
            DatabaseUnavailableError: The database cannot be reached; nothing is written.
            SchemaNotReadyError: The schema is missing; run ``pattern-quality migrate``.
            StoreError: The write failed (nothing is written) or the store is closed.
        """
        rows = prepare_upsert(scores)
        if not rows:
            return 0

        async def write(cur: _Cursor) -> int:
            return await write_rows(cur, self._t, rows)

        return await self._call(f"upsert {len(rows)} score(s)", write, write=True)

    async def get(self, pattern_id: str) -> StoredQuality | None:
        """Return the stored row of one pattern.

        Args:
            pattern_id: A UUID in any accepted spelling.

        Returns:
            The row, or ``None``.

        Raises:
            PatternValidationError: ``pattern_id`` is not a UUID.
            StoreError: The read failed (see :meth:`upsert` for the subclasses).
        """
        pid = canonical_pattern_id(pattern_id)

        async def read(cur: _Cursor) -> tuple[Any, ...] | None:
            return await (await cur.execute(statements.select_one_sql(self._t), (pid,))).fetchone()

        row = await self._call("read a score", read, write=False)
        return None if row is None else stored_from_row(row)

    async def get_many(self, pattern_ids: Iterable[str]) -> dict[str, StoredQuality]:
        """Return the stored rows of several patterns in one round trip.

        Args:
            pattern_ids: UUIDs in any accepted spelling.

        Returns:
            Rows keyed by canonical id; missing ids are absent.

        Raises:
            PatternValidationError: An id is not a UUID.
            StoreError: The read failed.
        """
        ids = canonical_pattern_ids(pattern_ids)
        if not ids:
            return {}

        async def read(cur: _Cursor) -> list[tuple[Any, ...]]:
            return await (await cur.execute(statements.select_many_sql(self._t), (ids,))).fetchall()

        rows = await self._call(f"read {len(ids)} score(s)", read, write=False)
        stored = (stored_from_row(r) for r in rows)
        return {s.pattern_id: s for s in stored if s.pattern_id is not None}

    async def count(self) -> int:
        """Return the number of stored rows.

        Returns:
            The count.

        Raises:
            StoreError: The read failed.
        """

        async def read(cur: _Cursor) -> tuple[Any, ...] | None:
            return await (await cur.execute(statements.count_sql(self._t))).fetchone()

        row = await self._call("count scores", read, write=False)
        return int(row[0]) if row else 0

    async def iter_all(
        self, batch_size: int = statements.DEFAULT_READ_BATCH
    ) -> AsyncIterator[StoredQuality]:
        """Yield every row in ``pattern_id`` order through a server-side cursor.

        Holds one pool connection (in one read transaction: a consistent snapshot)
        until the iterator is exhausted or closed.

        Args:
            batch_size: Rows fetched per round trip.

        Returns:
            An iterator of rows.

        Raises:
            ValueError: ``batch_size`` < 1 (when iteration starts).
            StoreError: The read failed.
        """
        statements.check_batch_size(batch_size)
        async with (
            self._conn("read every score") as conn,
            conn.cursor(name="pattern_quality_iter_all", row_factory=tuple_row) as cur,
        ):
            cur.itersize = batch_size
            await cur.execute(statements.select_all_sql(self._t))
            async for row in cur:
                yield stored_from_row(row)

    async def delete(self, pattern_ids: Iterable[str]) -> int:
        """Delete rows in one transaction.

        Args:
            pattern_ids: UUIDs in any accepted spelling.

        Returns:
            How many rows existed and were deleted.

        Raises:
            PatternValidationError: An id is not a UUID; nothing is deleted.
            StoreError: The delete failed.
        """
        ids = canonical_pattern_ids(pattern_ids)
        if not ids:
            return 0

        async def delete(cur: _Cursor) -> int:
            return max((await cur.execute(statements.delete_sql(self._t), (ids,))).rowcount, 0)

        return await self._call(f"delete {len(ids)} score(s)", delete, write=True)

    async def close(self) -> None:
        """Close the store and its own pool (never a pool given to :meth:`from_pool`).

        Waits at most 1 s for the pool's background workers (one stuck connecting
        to an unresponsive server is abandoned). Later calls raise
        :class:`StoreError`. Idempotent.
        """
        async with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._owns_pool:
                # Bounded: a pool task stuck connecting to a frozen server is abandoned.
                await self._pool.close(timeout=POOL_CLOSE_TIMEOUT)

    async def __aenter__(self) -> Self:
        await self.open()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
