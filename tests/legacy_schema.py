"""Legacy database states (docs/legacy.md#the-legacy-table), built by hand as deployments did.

The legacy files used their own index names, so these differ on purpose from the
names migration 012 uses: the runner must recognise equivalent indexes.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

LINEAGE_SQL = """
CREATE TABLE pattern_lineage_nodes (
    id   uuid PRIMARY KEY,
    name text
)
"""

LEGACY_012_SQL = """
CREATE TABLE pattern_quality_metrics (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    pattern_id uuid NOT NULL REFERENCES pattern_lineage_nodes (id),
    quality_score double precision NOT NULL CHECK (quality_score >= 0 AND quality_score <= 1),
    confidence double precision NOT NULL CHECK (confidence >= 0 AND confidence <= 1),
    measurement_timestamp timestamptz NOT NULL DEFAULT now(),
    version text DEFAULT '1.0.0',
    metadata jsonb DEFAULT '{}',
    created_at timestamptz DEFAULT now(),
    updated_at timestamptz DEFAULT now()
);
CREATE INDEX idx_quality_metrics_pattern_id ON pattern_quality_metrics (pattern_id);
CREATE INDEX idx_quality_metrics_score ON pattern_quality_metrics (quality_score DESC);
CREATE INDEX idx_quality_metrics_measured ON pattern_quality_metrics (measurement_timestamp DESC);
CREATE INDEX idx_quality_metrics_metadata ON pattern_quality_metrics USING gin (metadata);
"""

LEGACY_013_SQL = """
ALTER TABLE pattern_quality_metrics
    DROP CONSTRAINT IF EXISTS pattern_quality_metrics_pattern_id_fkey
"""

LEGACY_014_SQL = """
ALTER TABLE pattern_quality_metrics
    ADD CONSTRAINT pattern_quality_metrics_pattern_id_unique UNIQUE (pattern_id)
"""

COLUMNS = (
    "id",
    "pattern_id",
    "quality_score",
    "confidence",
    "measurement_timestamp",
    "version",
    "metadata",
    "created_at",
    "updated_at",
)

T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)


def apply_legacy(dsn: str, upto: int = 12) -> None:
    """Create the lineage table and apply the legacy files 012..``upto`` by hand."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(LINEAGE_SQL)
        conn.execute(LEGACY_012_SQL)
        if upto >= 13:
            conn.execute(LEGACY_013_SQL)
        if upto >= 14:
            conn.execute(LEGACY_014_SQL)


def _uuid(n: int) -> uuid.UUID:
    return uuid.UUID(int=n)


def _row(pid: int, rid: int, minutes: int, keep: bool, **over: Any) -> dict[str, Any]:
    row = {
        "id": _uuid(rid),
        "pattern_id": _uuid(pid),
        "quality_score": round(0.1 * (rid % 10), 2),
        "confidence": 0.5,
        "measurement_timestamp": T0 + timedelta(minutes=minutes),
        "version": "1.0.0",
        "metadata": {"completeness_score": 0.5, "row": rid},
        "created_at": T0,
        "updated_at": T0,
        "keep": keep,
    }
    row.update(over)
    return row


def duplicate_rows() -> list[dict[str, Any]]:
    """Rows with four duplicate groups (three with ties) and two single rows.

    ``keep`` marks the row migration 014 must keep for each pattern_id:
    - pattern 1: three different timestamps -> the latest;
    - pattern 2: same timestamp -> the later updated_at;
    - pattern 3: same timestamp, updated_at and created_at -> the greatest id;
    - pattern 4: same timestamp, one updated_at NULL -> the one with updated_at;
    - patterns 5 and 6: one row each, untouched.
    """
    late = T0 + timedelta(hours=1)
    return [
        _row(1, 0x101, 0, False),
        _row(1, 0x102, 20, True),
        _row(1, 0x103, 10, False),
        _row(2, 0x201, 5, False, updated_at=T0),
        _row(2, 0x202, 5, True, updated_at=late),
        _row(3, 0x303, 7, False),
        _row(3, 0x3FF, 7, True),
        _row(3, 0x301, 7, False),
        _row(4, 0x401, 9, True, updated_at=late),
        _row(4, 0x4F0, 9, False, updated_at=None, created_at=late),
        _row(5, 0x501, 3, True),
        _row(6, 0x601, 1, True, metadata={"completeness_score": 1.0, "complexity": "high"}),
    ]


def insert_rows(dsn: str, rows: list[dict[str, Any]], lineage: bool = True) -> None:
    """Insert rows with plain INSERTs (as legacy writers did), and their lineage nodes."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        if lineage:
            for pid in sorted({r["pattern_id"] for r in rows}):
                conn.execute(
                    "INSERT INTO pattern_lineage_nodes (id, name) VALUES (%s, %s)"
                    " ON CONFLICT DO NOTHING",
                    (pid, f"node {pid}"),
                )
        for r in rows:
            values = [Jsonb(r[c]) if c == "metadata" else r[c] for c in COLUMNS]
            conn.execute(
                f"INSERT INTO pattern_quality_metrics ({', '.join(COLUMNS)})"
                f" VALUES ({', '.join(['%s'] * len(COLUMNS))})",
                values,
            )


def fetch_rows(dsn: str) -> dict[uuid.UUID, dict[str, Any]]:
    """Every row of pattern_quality_metrics, by id."""
    with psycopg.connect(dsn) as conn:
        cur = conn.execute(f"SELECT {', '.join(COLUMNS)} FROM pattern_quality_metrics")
        return {row[0]: dict(zip(COLUMNS, row, strict=True)) for row in cur.fetchall()}


def constraints(dsn: str) -> dict[str, str]:
    """Constraint name -> type letter (p, u, f, c) of pattern_quality_metrics."""
    with psycopg.connect(dsn) as conn:
        cur = conn.execute(
            "SELECT conname, contype::text FROM pg_constraint"
            " WHERE conrelid = 'pattern_quality_metrics'::regclass"
        )
        return dict(cur.fetchall())


def index_defs(dsn: str) -> dict[str, str]:
    """Index name -> definition of pattern_quality_metrics."""
    with psycopg.connect(dsn) as conn:
        cur = conn.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE tablename = 'pattern_quality_metrics'"
        )
        return dict(cur.fetchall())


def recorded(dsn: str) -> list[tuple[int, str, str]]:
    """(version, name, checksum) rows of the bookkeeping table."""
    with psycopg.connect(dsn) as conn:
        cur = conn.execute(
            "SELECT version, name, checksum FROM pattern_quality_schema_migrations ORDER BY version"
        )
        return cur.fetchall()


def table_exists(dsn: str, name: str) -> bool:
    """True when ``name`` resolves to a relation."""
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT to_regclass(%s) IS NOT NULL", (name,)).fetchone()
        assert row is not None
        return bool(row[0])
