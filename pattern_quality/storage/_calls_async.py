"""What the PostgreSQL store runs on a connection: the write of a call, the schema check.

Source of the generated :mod:`._calls`; :mod:`.postgres_async` (and the generated
:mod:`.postgres`) hold the pool, the transactions and the error translation.
"""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg.rows import tuple_row

from . import statements
from ._pg import driver_error, translate_error
from .rows import UpsertRow

__all__ = ["acheck_schema", "cursor", "write_rows"]


async def write_rows(
    cur: psycopg.AsyncCursor[Any], t: statements.TableRef, rows: list[UpsertRow]
) -> int:
    """Upsert prepared rows inside the caller's transaction.

    Args:
        cur: A cursor of a connection in a transaction.
        t: The target table.
        rows: Output of :func:`.prepare_upsert` (distinct ids, sorted).

    Returns:
        Rows inserted or updated.
    """
    if len(rows) < statements.COPY_MIN_ROWS:
        await cur.executemany(statements.upsert_values_sql(t), rows)
        return max(cur.rowcount, 0)
    written = 0
    await cur.execute(statements.create_stage_sql())
    merge = statements.upsert_from_stage_sql(t)
    for i, chunk in enumerate(statements.chunks(rows, statements.UPSERT_CHUNK_SIZE)):
        if i:
            await cur.execute(statements.truncate_stage_sql())
        async with cur.copy(statements.copy_stage_sql()) as copy:
            for row in chunk:
                await copy.write_row(row)
        await cur.execute(merge)
        written += max(cur.rowcount, 0)
    return written


def cursor(conn: psycopg.AsyncConnection[Any]) -> psycopg.AsyncCursor[tuple[Any, ...]]:
    # Tuple rows whatever row factory a borrowed pool configured.
    return conn.cursor(row_factory=tuple_row)


async def acheck_schema(
    conn: psycopg.AsyncConnection[Any], params: tuple[str], dsn: str, action: str
) -> tuple[Any, ...] | None:
    try:
        async with cursor(conn) as cur:
            return await (await cur.execute(statements.SCHEMA_CHECK_SQL, params)).fetchone()
    except psycopg.Error as exc:
        raise translate_error(exc, dsn, action) from driver_error(exc, dsn)
