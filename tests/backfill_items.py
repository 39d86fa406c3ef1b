"""Items, a retry policy and row readers shared by the backfill tests."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg

from pattern_quality.backfill import RetryPolicy

NO_WAIT = RetryPolicy(attempts=3, initial_delay=0.0)


def _rows(dsn: str) -> dict[str, tuple[float, Any, Any, Any]]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT pattern_id::text, quality_score, created_at, updated_at,"
            " measurement_timestamp FROM pattern_quality_metrics"
        ).fetchall()
    return {r[0]: (r[1], r[2], r[3], r[4]) for r in rows}


def _row_count(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT count(*) FROM pattern_quality_metrics").fetchone()
    assert row is not None
    return int(row[0])


def _uid(i: int) -> str:
    return str(uuid.UUID(int=i + 1))


def _mapping(i: int, confidence: float = 0.5) -> dict[str, Any]:
    return {
        "pattern_id": _uid(i),
        "pattern_name": f"P{i}Effect",
        "code": f"import os\nif x == {i}:\n    y = 1\n",
        "node_type": "effect",
        "confidence": confidence,
    }
