"""All the SQL of the schema subsystem: the runner's bookkeeping and verify's checks (no I/O).

The migrations themselves are the SQL files in ``migrations/`` (see :mod:`.files`);
this module holds the statements the runner and ``verify`` send around them.
"""

from __future__ import annotations

import hashlib
from typing import Final

from ..models import DIMENSION_KEYS

__all__ = [
    "ADVISORY_LOCK_KEY",
    "COLLAPSE_COUNT_SQL",
    "CONSTRAINTS_SQL",
    "CREATE_BOOKKEEPING_SQL",
    "DELETE_APPLIED_SQL",
    "DUPLICATE_IDS_SQL",
    "EXAMPLES",
    "INSERT_APPLIED_SQL",
    "LOCK_SQL",
    "MIGRATIONS_TABLE",
    "LEGACY_ROWS_SQL",
    "RANGES_SQL",
    "RANGE_LABELS",
    "SELECT_APPLIED_SQL",
    "SET_CHECKSUM_SQL",
    "TABLE_ROWS_SQL",
    "TABLES_SQL",
    "UNIQUE_CONSTRAINT",
]

#: The bookkeeping table: one row per applied migration.
MIGRATIONS_TABLE: Final = "pattern_quality_schema_migrations"
#: The constraint that keeps one row per pattern (added by migration 014).
UNIQUE_CONSTRAINT: Final = "pattern_quality_metrics_pattern_id_unique"
#: How many offending pattern_ids a finding of ``verify`` quotes.
EXAMPLES: Final = 5

#: Key of the PostgreSQL session advisory lock held while migrating: the first
#: 8 bytes (signed, big-endian) of sha256("pattern_quality.migrate").
ADVISORY_LOCK_KEY: Final = int.from_bytes(
    hashlib.sha256(b"pattern_quality.migrate").digest()[:8], "big", signed=True
)

# --- the runner: lock, state, bookkeeping -------------------------------------------

#: Taken for the whole run; released when the session ends.
LOCK_SQL: Final = "SELECT pg_advisory_lock(%s)"
#: Does ``pattern_quality_metrics`` exist; does the bookkeeping table?
TABLES_SQL: Final = (
    "SELECT to_regclass('pattern_quality_metrics') IS NOT NULL,"
    f" to_regclass('{MIGRATIONS_TABLE}') IS NOT NULL"
)
CREATE_BOOKKEEPING_SQL: Final = f"""
CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""
SELECT_APPLIED_SQL: Final = (
    f"SELECT version, name, checksum, applied_at FROM {MIGRATIONS_TABLE} ORDER BY version"
)
INSERT_APPLIED_SQL: Final = (
    f"INSERT INTO {MIGRATIONS_TABLE} (version, name, checksum) VALUES (%s, %s, %s)"
)
DELETE_APPLIED_SQL: Final = f"DELETE FROM {MIGRATIONS_TABLE} WHERE version = %s"
#: Not run by the library: the fix it suggests when an applied file was edited
#: harmlessly (formatted with the file's new checksum and its version).
SET_CHECKSUM_SQL: Final = (
    f"UPDATE {MIGRATIONS_TABLE} SET checksum = '{{checksum}}' WHERE version = {{version}}"
)
#: Rows migration 014 would delete, and the pattern_ids that have more than one
#: row (a dry run reports them).
COLLAPSE_COUNT_SQL: Final = """
SELECT coalesce(sum(n - 1), 0)::bigint, count(*)::bigint
FROM (
    SELECT count(*) AS n FROM pattern_quality_metrics GROUP BY pattern_id HAVING count(*) > 1
) AS groups
"""

# --- verify ------------------------------------------------------------------------

#: Every unique and foreign-key constraint of the table, with its columns.
CONSTRAINTS_SQL: Final = """
SELECT c.conname, c.contype::text,
       array(SELECT a.attname::text FROM unnest(c.conkey) AS k(attnum)
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum
             ORDER BY a.attname)
FROM pg_constraint c
WHERE c.conrelid = 'pattern_quality_metrics'::regclass AND c.contype IN ('u', 'f')
ORDER BY c.conname
"""

#: pattern_ids with more than one row, rows beyond the first of each, some of those ids.
DUPLICATE_IDS_SQL: Final = f"""
SELECT count(*)::bigint, coalesce(sum(n - 1), 0)::bigint,
       coalesce((array_agg(pattern_id::text ORDER BY pattern_id))[1:{EXAMPLES}], '{{}}')
FROM (
    SELECT pattern_id, count(*) AS n FROM pattern_quality_metrics
    GROUP BY pattern_id HAVING count(*) > 1
) AS groups
"""


def _bad_dimension(key: str) -> str:
    # A dimension score that is present must be a JSON number in [0, 1] (null is not).
    path = f'$.{key} ? (@.type() != "number" || @ < 0 || @ > 1)'
    return f"jsonb_path_exists(coalesce(metadata, '{{}}'), '{path}')"


def _bad_unit(column: str) -> str:
    # NaN sorts above every number in PostgreSQL, so "<= 1" also rejects it.
    return f"({column} IS NULL OR NOT ({column} >= 0 AND {column} <= 1))"


_BAD: Final = {
    "quality_score": _bad_unit("quality_score"),
    "confidence": _bad_unit("confidence"),
    "metadata dimension scores": "(" + " OR ".join(_bad_dimension(k) for k in DIMENSION_KEYS) + ")",
}
#: What each pair of :data:`RANGES_SQL` columns counts, in order.
RANGE_LABELS: Final = tuple(_BAD)

#: Legacy rows stored without any dimension score (``metadata`` ``'{}'``, the legacy
#: column default, or NULL): valid, composite only; a backfill re-scores them.
LEGACY_ROWS_SQL: Final = (
    "SELECT count(*)::bigint FROM pattern_quality_metrics "
    "WHERE metadata IS NULL OR NOT (metadata ?| ARRAY['completeness_score', "
    "'documentation_score', 'onex_compliance_score', 'metadata_richness_score', "
    "'complexity_score'])"
)

#: Total rows, then per score column: offending rows and up to EXAMPLES pattern_ids.
RANGES_SQL: Final = (
    "SELECT count(*)::bigint, "
    + ", ".join(
        f"count(*) FILTER (WHERE {cond})::bigint, "
        f"coalesce((array_agg(pattern_id::text ORDER BY pattern_id) FILTER (WHERE {cond}))"
        f"[1:{EXAMPLES}], '{{}}')"
        for cond in _BAD.values()
    )
    + " FROM pattern_quality_metrics"
)

#: Rows in the table (``migrate --down`` below 012 says how many scores it would drop).
TABLE_ROWS_SQL: Final = "SELECT count(*)::bigint FROM pattern_quality_metrics"
