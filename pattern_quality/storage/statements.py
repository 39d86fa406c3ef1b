"""The SQL of the PostgreSQL stores, built with :mod:`psycopg.sql` (no I/O).

Every statement the stores run is built here, the table name always quoted as an
identifier (:class:`TableRef`), never interpolated; with the columns in the
order :mod:`.rows` shapes and reads them, and the sizes that decide how a call is
sent (:data:`COPY_MIN_ROWS`, :data:`UPSERT_CHUNK_SIZE`, :data:`DEFAULT_READ_BATCH`).
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from typing import Any, Final, NamedTuple, TypeVar

from psycopg import sql

from ..errors import SchemaNotReadyError

__all__ = [
    "COPY_MIN_ROWS",
    "DEFAULT_READ_BATCH",
    "DEFAULT_TABLE",
    "READ_COLUMNS",
    "SCHEMA_CHECK_SQL",
    "STAGE_TABLE",
    "UPSERT_CHUNK_SIZE",
    "WRITE_COLUMNS",
    "TableRef",
    "check_batch_size",
    "check_schema_row",
    "chunks",
    "copy_stage_sql",
    "count_sql",
    "create_stage_sql",
    "delete_sql",
    "select_all_sql",
    "select_many_sql",
    "select_one_sql",
    "truncate_stage_sql",
    "upsert_from_stage_sql",
    "upsert_values_sql",
]

_Row = TypeVar("_Row")

#: Table written and read when no other name is given.
DEFAULT_TABLE: Final = "pattern_quality_metrics"
#: Rows sent per statement; a larger call is sent in chunks inside one transaction.
UPSERT_CHUNK_SIZE: Final = 5000
#: Below this many rows an upsert is one pipelined ``executemany``; from it on,
#: rows are COPYed into a temporary table and merged by one statement per chunk.
COPY_MIN_ROWS: Final = 64
#: Rows :meth:`iter_all` fetches per round trip unless told otherwise.
DEFAULT_READ_BATCH: Final = 1000

#: Columns the stores write, in parameter order.
WRITE_COLUMNS: Final = (
    "pattern_id",
    "quality_score",
    "confidence",
    "measurement_timestamp",
    "version",
    "metadata",
)
#: Columns the stores read, in :func:`.rows.stored_from_row` order.
READ_COLUMNS: Final = (*WRITE_COLUMNS, "created_at", "updated_at")


def check_batch_size(batch_size: int) -> int:
    """Check an :meth:`iter_all` batch size.

    Args:
        batch_size: Rows per round trip.

    Returns:
        ``batch_size``.

    Raises:
        ValueError: Not an ``int`` of at least 1.
    """
    if isinstance(batch_size, bool) or not isinstance(batch_size, int) or batch_size < 1:
        raise ValueError(f"batch_size: expected an int >= 1, got {batch_size!r}")
    return batch_size


def chunks(rows: Sequence[_Row], size: int = UPSERT_CHUNK_SIZE) -> Iterator[Sequence[_Row]]:
    """Split rows into consecutive chunks of at most ``size``.

    Args:
        rows: Prepared rows.
        size: Chunk length.

    Returns:
        An iterator of slices, in order.
    """
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


class TableRef(NamedTuple):
    """A table name, optionally schema-qualified, checked and quoted."""

    table: str
    schema: str | None

    @classmethod
    def of(cls, table: str, schema: str | None) -> TableRef:
        """Check and build a table reference.

        Args:
            table: Table name (not quoted; any characters but NUL).
            schema: Schema name, or ``None`` for the ``search_path``.

        Returns:
            The reference.

        Raises:
            ValueError: An empty name or a name with a NUL character.
        """
        for label, name in (("table", table), ("schema", schema)):
            if name is None and label == "schema":
                continue
            if not isinstance(name, str) or not name or "\x00" in name:
                raise ValueError(f"{label}: expected a non-empty name, got {name!r}")
        return cls(table, schema)

    @property
    def ident(self) -> sql.Identifier:
        """The quoted (qualified) identifier."""
        if self.schema is None:
            return sql.Identifier(self.table)
        return sql.Identifier(self.schema, self.table)

    @property
    def regclass_text(self) -> str:
        """The quoted name as text, for ``to_regclass``."""
        parts = [self.table] if self.schema is None else [self.schema, self.table]
        return ".".join('"' + p.replace('"', '""') + '"' for p in parts)

    @property
    def display(self) -> str:
        """The name for messages."""
        return self.table if self.schema is None else f"{self.schema}.{self.table}"


# updated_at is never before created_at: a transaction that started (now()) before
# a concurrent one inserted the row must not date its update earlier than the insert.
_SET_ON_UPDATE = sql.SQL(", ").join(
    [
        *(sql.SQL("{c} = EXCLUDED.{c}").format(c=sql.Identifier(c)) for c in WRITE_COLUMNS[1:]),
        sql.SQL("updated_at = GREATEST(EXCLUDED.updated_at, cur.created_at)"),
    ]
)
_WRITE_LIST = sql.SQL(", ").join(map(sql.Identifier, (*WRITE_COLUMNS, "created_at", "updated_at")))
_TIMESTAMPS: Final = frozenset({"measurement_timestamp", "created_at", "updated_at"})
# Timestamps are read as UTC wall time (naive) whatever the session's TimeZone, and
# made aware in stored_from_row: decoding into a named zone (e.g. Etc/UTC) is several
# times slower per value, and setting the session TimeZone is unsafe behind poolers.
_READ_LIST = sql.SQL(", ").join(
    sql.SQL("({c} AT TIME ZONE 'UTC')").format(c=sql.Identifier(c))
    if c in _TIMESTAMPS
    else sql.Identifier(c)
    for c in READ_COLUMNS
)


def _on_conflict() -> sql.Composed:
    # A stale write (older measurement) matches no row: it is neither written nor counted.
    return sql.SQL(
        " ON CONFLICT (pattern_id) DO UPDATE SET {s}"
        " WHERE cur.measurement_timestamp <= EXCLUDED.measurement_timestamp"
    ).format(s=_SET_ON_UPDATE)


def upsert_values_sql(t: TableRef) -> sql.Composed:
    """``INSERT ... VALUES (one row) ON CONFLICT ...``, for ``executemany``.

    Args:
        t: The table.

    Returns:
        The statement; parameters in :data:`WRITE_COLUMNS` order.
    """
    return (
        sql.SQL(
            "INSERT INTO {t} AS cur ({cols}) VALUES (%s, %s, %s, %s, %s, %s::jsonb, now(), now())"
        ).format(t=t.ident, cols=_WRITE_LIST)
        + _on_conflict()
    )


STAGE_TABLE: Final = "pattern_quality_upsert_stage"


def create_stage_sql() -> sql.Composed:
    """``CREATE TEMP TABLE IF NOT EXISTS`` for the COPY path, emptied at every commit.

    Created once per session (not per call: no catalog churn); ``ON COMMIT DELETE
    ROWS`` leaves it empty for the next call.

    Returns:
        The statement.
    """
    return sql.SQL(
        "CREATE TEMP TABLE IF NOT EXISTS {s} (pattern_id uuid, quality_score float8,"
        " confidence float8, measurement_timestamp timestamptz, version text, metadata jsonb)"
        " ON COMMIT DELETE ROWS"
    ).format(s=sql.Identifier(STAGE_TABLE))


def truncate_stage_sql() -> sql.Composed:
    """``TRUNCATE`` the stage table between two chunks of one call.

    Returns:
        The statement.
    """
    return sql.SQL("TRUNCATE {s}").format(s=sql.Identifier(STAGE_TABLE))


def copy_stage_sql() -> sql.Composed:
    """``COPY <stage> FROM STDIN`` (text format).

    Returns:
        The statement.
    """
    cols = sql.SQL(", ").join(map(sql.Identifier, WRITE_COLUMNS))
    return sql.SQL("COPY {s} ({cols}) FROM STDIN").format(s=sql.Identifier(STAGE_TABLE), cols=cols)


def upsert_from_stage_sql(t: TableRef) -> sql.Composed:
    """``INSERT ... SELECT <stage> ORDER BY pattern_id ON CONFLICT ...``.

    Args:
        t: The table.

    Returns:
        The statement.
    """
    cols = sql.SQL(", ").join(map(sql.Identifier, WRITE_COLUMNS))
    return (
        sql.SQL(
            "INSERT INTO {t} AS cur ({wl}) SELECT {cols}, now(), now() FROM {s} ORDER BY pattern_id"
        ).format(t=t.ident, wl=_WRITE_LIST, cols=cols, s=sql.Identifier(STAGE_TABLE))
        + _on_conflict()
    )


def select_one_sql(t: TableRef) -> sql.Composed:
    """``SELECT <read columns> WHERE pattern_id = %s``."""
    return sql.SQL("SELECT {c} FROM {t} WHERE pattern_id = %s").format(c=_READ_LIST, t=t.ident)


def select_many_sql(t: TableRef) -> sql.Composed:
    """``SELECT <read columns> WHERE pattern_id = ANY(%s::uuid[])`` (one round trip)."""
    return sql.SQL("SELECT {c} FROM {t} WHERE pattern_id = ANY(%s::uuid[])").format(
        c=_READ_LIST, t=t.ident
    )


def select_briefs_sql(t: TableRef) -> sql.Composed:
    """``SELECT pattern_id::text, quality_score, version, measured (UTC)`` for some ids.

    The narrow read of ``get_briefs``: four scalar columns, no ``metadata`` JSON.
    """
    return sql.SQL(
        "SELECT pattern_id::text, quality_score, version, "
        "(measurement_timestamp AT TIME ZONE 'UTC') "
        "FROM {t} WHERE pattern_id = ANY(%s::uuid[])"
    ).format(t=t.ident)


def select_all_sql(t: TableRef) -> sql.Composed:
    """``SELECT <read columns> ORDER BY pattern_id`` for a server-side cursor."""
    return sql.SQL("SELECT {c} FROM {t} ORDER BY pattern_id").format(c=_READ_LIST, t=t.ident)


def count_sql(t: TableRef) -> sql.Composed:
    """``SELECT count(*)``."""
    return sql.SQL("SELECT count(*) FROM {t}").format(t=t.ident)


def delete_sql(t: TableRef) -> sql.Composed:
    """``DELETE ... WHERE pattern_id = ANY(%s::uuid[])``."""
    return sql.SQL("DELETE FROM {t} WHERE pattern_id = ANY(%s::uuid[])").format(t=t.ident)


#: One catalog query: does the table exist, which columns has it, is there a
#: unique, immediate, non-partial index on exactly ``pattern_id`` (what
#: ``ON CONFLICT (pattern_id)`` needs)?
SCHEMA_CHECK_SQL: Final = sql.SQL(
    "SELECT c.oid IS NOT NULL,"
    " ARRAY(SELECT a.attname::text FROM pg_attribute a"
    "       WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped),"
    " EXISTS (SELECT 1 FROM pg_index i JOIN pg_attribute a"
    "         ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]"
    "         WHERE i.indrelid = c.oid AND i.indisunique AND i.indimmediate AND i.indisvalid"
    "         AND i.indnkeyatts = 1 AND i.indpred IS NULL AND i.indexprs IS NULL"
    "         AND a.attname = 'pattern_id')"
    " FROM (SELECT to_regclass(%s) AS oid) AS c"
)


def check_schema_row(t: TableRef, row: Sequence[Any] | None, target: str) -> None:
    """Raise unless the :data:`SCHEMA_CHECK_SQL` row shows a usable table.

    Args:
        t: The table checked.
        row: The row returned by :data:`SCHEMA_CHECK_SQL`.
        target: The masked DSN, for the message.

    Raises:
        SchemaNotReadyError: The table, a column or the unique constraint is missing.
    """
    exists, columns, unique = row if row is not None else (False, [], False)
    hint = "run `pattern-quality migrate` first"
    if not exists:
        raise SchemaNotReadyError(f"table {t.display} does not exist in {target}; {hint}")
    missing = [c for c in READ_COLUMNS if c not in set(columns or ())]
    if missing:
        raise SchemaNotReadyError(
            f"table {t.display} in {target} lacks column(s) {', '.join(missing)}; {hint}"
        )
    if not unique:
        raise SchemaNotReadyError(
            f"table {t.display} in {target} has no unique constraint on pattern_id; {hint}"
        )
