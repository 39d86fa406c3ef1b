"""What each index of pattern_quality_metrics costs the batch upsert, and what it serves.

Four schemas on the same server, each a fresh database migrated to 014:

- ``012-014 (baseline)``: every legacy index (the state every deployment has);
- ``- btree(pattern_id)``: without the plain btree on pattern_id (the unique
  constraint's own index serves the same lookups);
- ``- gin(metadata)``: without the GIN index on metadata;
- ``- both``: without either (what migration 015 leaves).

For each: N new patterns are upserted into the empty table, then all N again with
new scores (a backfill re-run), in batches of ``--batch`` rows, the way the store
writes: COPY into a temporary table, then ``INSERT ... SELECT ... ON CONFLICT
(pattern_id) DO UPDATE``, one transaction per batch. Rows are prepared before the
clock starts. Variants run round-robin, ``--repeat`` times, each round in a
rotated order; the median time of each is reported, with the WAL volume written
(which does not depend on how busy the machine is). Then the documented queries
are EXPLAINed on the last schema to show which index serves each.

Usage::

    .venv/bin/python -m tests.benchmarks.bench_indexes              # 100,000 rows, ~2 min
    .venv/bin/python -m tests.benchmarks.bench_indexes --rows 20000 --repeat 1
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import random
import statistics
import sys
import time
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from pattern_quality.migrate import migrate
from tests.benchmarks._bench_pg import bench_server

VARIANTS: dict[str, tuple[str, ...]] = {
    "012-014 (baseline)": (),
    "- btree(pattern_id)": ("pattern_id",),
    "- gin(metadata)": ("metadata",),
    "- both (015)": ("pattern_id", "metadata"),
}
DROP = {
    "pattern_id": "DROP INDEX IF EXISTS idx_pattern_quality_metrics_pattern_id",
    "metadata": "DROP INDEX IF EXISTS idx_pattern_quality_metrics_metadata",
}
COLUMNS = "pattern_id, quality_score, confidence, measurement_timestamp, version, metadata"
STAGE = """
CREATE TEMP TABLE IF NOT EXISTS pq_stage (
    pattern_id uuid, quality_score float8, confidence float8,
    measurement_timestamp timestamptz, version text, metadata jsonb
) ON COMMIT DELETE ROWS
"""
UPSERT = f"""
INSERT INTO pattern_quality_metrics ({COLUMNS})
SELECT {COLUMNS} FROM pq_stage
ON CONFLICT (pattern_id) DO UPDATE SET
    quality_score = EXCLUDED.quality_score,
    confidence = EXCLUDED.confidence,
    measurement_timestamp = EXCLUDED.measurement_timestamp,
    version = EXCLUDED.version,
    metadata = EXCLUDED.metadata,
    updated_at = now()
"""
QUERIES = {
    "get by pattern_id": "SELECT * FROM pattern_quality_metrics WHERE pattern_id = '{id}'",
    "get_many by ids": (
        "SELECT * FROM pattern_quality_metrics WHERE pattern_id = ANY('{{{ids}}}'::uuid[])"
    ),
    "iter_all by pattern_id": (
        "SELECT * FROM pattern_quality_metrics WHERE pattern_id > '{id}'"
        " ORDER BY pattern_id LIMIT 1000"
    ),
    "top by quality_score": (
        "SELECT * FROM pattern_quality_metrics ORDER BY quality_score DESC LIMIT 50"
    ),
    "recent by measurement_timestamp": (
        "SELECT * FROM pattern_quality_metrics ORDER BY measurement_timestamp DESC LIMIT 50"
    ),
}


def _rows(ids: list[uuid.UUID], seed: int) -> list[str]:
    """COPY text lines for one pass: realistic scores and dimension metadata."""
    rnd = random.Random(seed)
    now = datetime(2024, 6, 1, tzinfo=UTC) + timedelta(days=seed)
    lines = []
    for i, pid in enumerate(ids):
        dims = {
            k: round(rnd.random(), 4)
            for k in (
                "completeness_score",
                "documentation_score",
                "onex_compliance_score",
                "metadata_richness_score",
                "complexity_score",
            )
        }
        meta = {**dims, "rubric_version": "1.0.0", "tier": rnd.choice(["good", "fair", "poor"])}
        ts = (now + timedelta(milliseconds=i)).isoformat()
        doc = json.dumps(meta).replace("\\", "\\\\")
        lines.append(f"{pid}\t{rnd.random():.6f}\t{rnd.random():.6f}\t{ts}\t1.0.0\t{doc}\n")
    return lines


def _wal(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("SELECT pg_current_wal_lsn() - '0/0'::pg_lsn").fetchone()
    assert row is not None
    return int(row[0])


def _upsert_all(dsn: str, lines: list[str], batch: int) -> tuple[float, int]:
    """Upsert every line; return (seconds, WAL bytes written)."""
    with psycopg.connect(dsn) as conn:
        conn.execute(STAGE)
        conn.commit()
        conn.autocommit = True
        _checkpoint(conn)
        conn.autocommit = False
        wal = _wal(conn)
        conn.commit()
        start = time.perf_counter()
        for at in range(0, len(lines), batch):
            with conn.cursor() as cur:
                with cur.copy(f"COPY pq_stage ({COLUMNS}) FROM STDIN") as copy:
                    copy.write("".join(lines[at : at + batch]))
                cur.execute(UPSERT)
            conn.commit()
        elapsed = time.perf_counter() - start
        return elapsed, _wal(conn) - wal


def _fresh(server: str, name: str, drops: tuple[str, ...]) -> str:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dsn = make_conninfo(server, dbname=name)
    migrate(dsn, 14)
    with psycopg.connect(dsn, autocommit=True) as conn:
        for what in drops:
            conn.execute(DROP[what])
        # Vacuum runs when we say, so that its WAL is not counted against a variant.
        conn.execute("ALTER TABLE pattern_quality_metrics SET (autovacuum_enabled = false)")
    return dsn


def _drop(server: str, name: str) -> None:
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


def _checkpoint(conn: psycopg.Connection[Any]) -> None:
    """Start each phase right after a checkpoint, so full-page images count alike."""
    # A configured server where this role may not: the WAL column is noisier.
    with contextlib.suppress(psycopg.errors.InsufficientPrivilege):
        conn.execute("CHECKPOINT")


def _sizes(dsn: str) -> tuple[int, int]:
    with psycopg.connect(dsn, autocommit=True) as conn:
        row = conn.execute(
            "SELECT pg_indexes_size('pattern_quality_metrics'),"
            " pg_total_relation_size('pattern_quality_metrics')"
        ).fetchone()
    assert row is not None
    return int(row[0]), int(row[1])


def _plans(dsn: str, ids: list[uuid.UUID]) -> dict[str, str]:
    found = {}
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE pattern_quality_metrics")
        for label, template in QUERIES.items():
            query = template.format(id=ids[len(ids) // 2], ids=",".join(map(str, ids[:100])))
            row = conn.execute(f"EXPLAIN (FORMAT JSON) {query}".encode()).fetchone()
            assert row is not None
            found[label] = ", ".join(sorted(set(_index_names(row[0][0]["Plan"])))) or "seq scan"
    return found


def _index_names(plan: dict[str, Any]) -> list[str]:
    names = [plan["Index Name"]] if "Index Name" in plan else []
    for child in plan.get("Plans", []):
        names += _index_names(child)
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=2)
    args = parser.parse_args(argv)

    rnd = random.Random(7)
    ids = [uuid.UUID(int=rnd.getrandbits(128), version=4) for _ in range(args.rows)]
    first, second = _rows(ids, 1), _rows(ids, 2)
    times: dict[str, list[tuple[float, float]]] = {v: [] for v in VARIANTS}
    wal: dict[str, tuple[int, int]] = {}
    sizes: dict[str, tuple[int, int]] = {}
    labels = list(VARIANTS)
    with bench_server() as server:
        for r in range(args.repeat):
            for label in labels[r % len(labels) :] + labels[: r % len(labels)]:
                i = labels.index(label)
                dsn = _fresh(server, f"pq_bench_idx_{i}", VARIANTS[label])
                insert, insert_wal = _upsert_all(dsn, first, args.batch)
                with psycopg.connect(dsn, autocommit=True) as conn:
                    conn.execute("VACUUM ANALYZE pattern_quality_metrics")
                update, update_wal = _upsert_all(dsn, second, args.batch)
                times[label].append((insert, update))
                wal[label] = (insert_wal, update_wal)
                sizes[label] = _sizes(dsn)
                if r < args.repeat - 1 or i < len(labels) - 1:
                    _drop(server, f"pq_bench_idx_{i}")
                print(f"  round {r + 1} {label}: {insert:.2f} s insert, {update:.2f} s update",
                      file=sys.stderr)  # fmt: skip
        last = f"pq_bench_idx_{len(labels) - 1}"  # "- both (015)", kept for the plans
        plans = _plans(make_conninfo(server, dbname=last), ids)
        _drop(server, last)

    med = {k: (statistics.median(t[0] for t in v), statistics.median(t[1] for t in v))
           for k, v in times.items()}  # fmt: skip
    base_insert, base_update = med[labels[0]]
    mib = 2**20
    out = io.StringIO()
    out.write(
        f"`.venv/bin/python -m tests.benchmarks.bench_indexes --rows {args.rows} "
        f"--batch {args.batch} --repeat {args.repeat}` (median of {args.repeat})\n\n"
        "| schema | insert rows/s | vs baseline | insert WAL | update rows/s | vs baseline "
        "| update WAL | index size |\n"
        "|---|---:|---:|---:|---:|---:|---:|---:|\n"
    )
    for label, (insert, update) in med.items():
        out.write(
            f"| {label} | {args.rows / insert:,.0f} | {base_insert / insert:.2f}x "
            f"| {wal[label][0] / mib:.1f} MiB "
            f"| {args.rows / update:,.0f} | {base_update / update:.2f}x "
            f"| {wal[label][1] / mib:.1f} MiB | {sizes[label][0] / mib:.1f} MiB |\n"
        )
    out.write("\n| documented query (schema after 015) | served by |\n|---|---|\n")
    for label, used in plans.items():
        out.write(f"| {label} | {used} |\n")
    print(out.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
