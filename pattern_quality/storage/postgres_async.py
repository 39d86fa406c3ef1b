"""AsyncPostgresQualityStore: the async twin of :mod:`.postgres`.

Documented as a delta from :class:`~pattern_quality.storage.postgres.PostgresQualityStore`:
the same constructor, the same methods with the same parameters and semantics,
awaited (``iter_all`` is an async iterator, the context manager is ``async with``),
over :class:`psycopg_pool.AsyncConnectionPool`. Create and use it on one event loop.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterable
from contextlib import asynccontextmanager
from types import TracebackType
from typing import Any, Self

import psycopg
from psycopg.rows import tuple_row
from psycopg_pool import AsyncConnectionPool

from .._config import resolve_database_url
from ..errors import StoreError
from ..models import QualityScore, StoredQuality
from . import rows as _sql
from ._connect_async import aconnect
from ._pg import connect_options, describe_target, translate_error

__all__ = ["AsyncPostgresQualityStore"]


async def write_rows(
    cur: psycopg.AsyncCursor[Any], t: _sql.TableRef, rows: list[_sql.UpsertRow]
) -> int:
    """Async twin of :func:`.postgres.write_rows`.

    Args:
        cur: A cursor of a connection in a transaction.
        t: The target table.
        rows: Output of :func:`._sql.prepare_upsert` (distinct ids, sorted).

    Returns:
        Rows inserted or updated.
    """
    if len(rows) < _sql.COPY_MIN_ROWS:
        await cur.executemany(_sql.upsert_values_sql(t), rows)
        return max(cur.rowcount, 0)
    written = 0
    await cur.execute(_sql.create_stage_sql())
    merge = _sql.upsert_from_stage_sql(t)
    for i, chunk in enumerate(_sql.chunks(rows, _sql.UPSERT_CHUNK_SIZE)):
        if i:
            await cur.execute(_sql.truncate_stage_sql())
        async with cur.copy(_sql.copy_stage_sql()) as copy:
            for row in chunk:
                await copy.write_row(row)
        await cur.execute(merge)
        written += max(cur.rowcount, 0)
    return written


class AsyncPostgresQualityStore:
    """An :class:`~pattern_quality.storage.base.AsyncQualityStore` on PostgreSQL.

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
        table: str = _sql.DEFAULT_TABLE,
        schema: str | None = None,
    ) -> None:
        """Create a store with its own (not yet opened) async pool.

        Args:
            dsn: See :class:`~pattern_quality.storage.postgres.PostgresQualityStore`.
            min_size: Connections the pool keeps open.
            max_size: Most connections the pool opens.
            timeout: Seconds to wait for a pool connection and to connect.
            table: Table name.
            schema: Schema of the table, or ``None``.

        Raises:
            ConfigurationError: No DSN given or configured, or it does not parse.
            ValueError: An empty table or schema name, or bad pool sizes.
        """
        t = _sql.TableRef.of(table, schema)
        dsn = resolve_database_url(dsn)
        connect_timeout = max(1, round(timeout))
        pool = AsyncConnectionPool(
            dsn,
            kwargs={**connect_options(dsn, connect_timeout), "autocommit": True},
            min_size=min_size,
            max_size=max_size,
            timeout=timeout,
            open=False,
            name="pattern_quality",
        )
        self._setup(pool, dsn, owns_pool=True, t=t)
        self._connect_timeout = connect_timeout

    @classmethod
    def from_pool(
        cls,
        pool: AsyncConnectionPool[Any],
        *,
        table: str = _sql.DEFAULT_TABLE,
        schema: str | None = None,
    ) -> Self:
        """Create a store over an existing, open async pool, which it will not close.

        Args:
            pool: An open :class:`psycopg_pool.AsyncConnectionPool`.
            table: Table name.
            schema: Schema of the table, or ``None``.

        Returns:
            The store (not yet checked; see :meth:`open`).

        Raises:
            ValueError: An empty table or schema name.
        """
        self = cls.__new__(cls)
        dsn = pool.conninfo if isinstance(pool.conninfo, str) else ""
        self._setup(pool, dsn, owns_pool=False, t=_sql.TableRef.of(table, schema))
        return self

    def _setup(
        self,
        pool: AsyncConnectionPool[Any],
        dsn: str,
        *,
        owns_pool: bool,
        t: _sql.TableRef,
    ) -> None:
        self._t = t
        self._pool = pool
        self._dsn = dsn
        self._owns_pool = owns_pool
        self._lock = asyncio.Lock()
        self._opened = False
        self._closed = False

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self._t.display} at {describe_target(self._dsn)}>"

    async def open(self) -> None:
        """See :meth:`PostgresQualityStore.open <.postgres.PostgresQualityStore.open>`."""
        async with self._lock:
            if self._closed:
                raise StoreError(f"{self!r} is closed")
            if self._opened:
                return
            action = f"check table {self._t.display}"
            params = (self._t.regclass_text,)
            if self._owns_pool:
                timeout = self._connect_timeout
                async with await aconnect(
                    self._dsn, action=action, connect_timeout=timeout
                ) as conn:
                    row = await _checked(conn, params, self._dsn, action)
                await self._pool.open(wait=False)
            else:
                try:
                    async with self._pool.connection() as pconn:
                        row = await _checked(pconn, params, self._dsn, action)
                except psycopg.Error as exc:
                    raise translate_error(exc, self._dsn, action) from exc
            _sql.check_schema_row(self._t, row, describe_target(self._dsn))
            self._opened = True

    @asynccontextmanager
    async def _conn(self, action: str) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        if not self._opened or self._closed:
            await self.open()
        try:
            async with self._pool.connection() as conn, conn.transaction():
                yield conn
        except psycopg.Error as exc:
            raise translate_error(exc, self._dsn, action) from exc

    @asynccontextmanager
    async def _read(self, action: str) -> AsyncIterator[psycopg.AsyncConnection[Any]]:
        # See PostgresQualityStore._read: one statement, one round trip.
        if not self._opened or self._closed:
            await self.open()
        try:
            async with self._pool.connection() as conn:
                yield conn
        except psycopg.Error as exc:
            raise translate_error(exc, self._dsn, action) from exc

    async def upsert(self, scores: QualityScore | Iterable[QualityScore]) -> int:
        """See :meth:`PostgresQualityStore.upsert <.postgres.PostgresQualityStore.upsert>`."""
        rows = _sql.prepare_upsert(scores)
        if not rows:
            return 0
        async with self._conn(f"upsert {len(rows)} score(s)") as conn, _cursor(conn) as cur:
            return await write_rows(cur, self._t, rows)

    async def get(self, pattern_id: str) -> StoredQuality | None:
        """See :meth:`PostgresQualityStore.get <.postgres.PostgresQualityStore.get>`."""
        pid = _sql.canonical_pattern_id(pattern_id)
        async with self._read("read a score") as conn, _cursor(conn) as cur:
            row = await (await cur.execute(_sql.select_one_sql(self._t), (pid,))).fetchone()
        return None if row is None else _sql.stored_from_row(row)

    async def get_many(self, pattern_ids: Iterable[str]) -> dict[str, StoredQuality]:
        """See :meth:`PostgresQualityStore.get_many <.postgres.PostgresQualityStore.get_many>`."""
        ids = _sql.canonical_pattern_ids(pattern_ids)
        if not ids:
            return {}
        async with self._read(f"read {len(ids)} score(s)") as conn, _cursor(conn) as cur:
            rows = await (await cur.execute(_sql.select_many_sql(self._t), (ids,))).fetchall()
        stored = (_sql.stored_from_row(r) for r in rows)
        return {s.pattern_id: s for s in stored if s.pattern_id is not None}

    async def count(self) -> int:
        """See :meth:`PostgresQualityStore.count <.postgres.PostgresQualityStore.count>`."""
        async with self._read("count scores") as conn, _cursor(conn) as cur:
            row = await (await cur.execute(_sql.count_sql(self._t))).fetchone()
        return int(row[0]) if row else 0

    async def iter_all(
        self, batch_size: int = _sql.DEFAULT_BATCH_SIZE
    ) -> AsyncIterator[StoredQuality]:
        """See :meth:`PostgresQualityStore.iter_all <.postgres.PostgresQualityStore.iter_all>`."""
        _sql.check_batch_size(batch_size)
        async with (
            self._conn("read every score") as conn,
            conn.cursor(name="pattern_quality_iter_all", row_factory=tuple_row) as cur,
        ):
            cur.itersize = batch_size
            await cur.execute(_sql.select_all_sql(self._t))
            async for row in cur:
                yield _sql.stored_from_row(row)

    async def delete(self, pattern_ids: Iterable[str]) -> int:
        """See :meth:`PostgresQualityStore.delete <.postgres.PostgresQualityStore.delete>`."""
        ids = _sql.canonical_pattern_ids(pattern_ids)
        if not ids:
            return 0
        async with self._conn(f"delete {len(ids)} score(s)") as conn, _cursor(conn) as cur:
            return max((await cur.execute(_sql.delete_sql(self._t), (ids,))).rowcount, 0)

    async def close(self) -> None:
        """See :meth:`PostgresQualityStore.close <.postgres.PostgresQualityStore.close>`."""
        async with self._lock:
            if self._closed:
                return
            self._closed = True
            if self._owns_pool:
                await self._pool.close()

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


def _cursor(conn: psycopg.AsyncConnection[Any]) -> psycopg.AsyncCursor[tuple[Any, ...]]:
    return conn.cursor(row_factory=tuple_row)


async def _checked(
    conn: psycopg.AsyncConnection[Any], params: tuple[str], dsn: str, action: str
) -> tuple[Any, ...] | None:
    try:
        async with _cursor(conn) as cur:
            return await (await cur.execute(_sql.SCHEMA_CHECK_SQL, params)).fetchone()
    except psycopg.Error as exc:
        raise translate_error(exc, dsn, action) from exc
