"""The store's bulk write beside a raw COPY + merge of the identical rows, same run.

Raw: one open psycopg connection, ``BEGIN``, the store's own temporary staging
table, ``COPY`` of the already prepared rows (``prepare_upsert`` output, made
before the clock starts), the store's own ``INSERT ... SELECT ... ON CONFLICT``,
``COMMIT``. Store: ``PostgresQualityStore.upsert(scores)`` of the same scores
(validation and row shaping included). The table is emptied before every timed
call, so both paths insert the same rows; calls alternate. Also timed alone:
``prepare_upsert`` (the store's validation and shaping), to show where the
difference goes.

Run: ``.venv/bin/python -m tests.benchmarks.bench_write_path`` (``--quick``: 5,000 rows).
Starts an embedded PostgreSQL unless PATTERN_QUALITY_TEST_DSN names a server.
"""

from __future__ import annotations

import argparse
import statistics
import time
import uuid
from typing import Any

import attrs
import psycopg

from pattern_quality import PatternQualityScorer, PostgresQualityStore
from pattern_quality.sample import load_sample_patterns
from pattern_quality.storage import statements
from pattern_quality.storage.rows import prepare_upsert
from tests.benchmarks._bench_pg import bench_database

_NS = uuid.UUID("2f0a9a57-3b4c-4d7e-9f10-000000000006")


def raw_copy_merge(conn: psycopg.Connection[Any], rows: list[Any]) -> int:
    t = statements.TableRef.of(statements.DEFAULT_TABLE, None)
    written = 0
    with conn.transaction(), conn.cursor() as cur:
        cur.execute(statements.create_stage_sql())
        merge = statements.upsert_from_stage_sql(t)
        for i, chunk in enumerate(statements.chunks(rows, statements.UPSERT_CHUNK_SIZE)):
            if i:
                cur.execute(statements.truncate_stage_sql())
            with cur.copy(statements.copy_stage_sql()) as copy:
                for row in chunk:
                    copy.write_row(row)
            cur.execute(merge)
            written += max(cur.rowcount, 0)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true", help="5,000 rows, 3 repeats")
    args = parser.parse_args()
    count, repeat = (5_000, 3) if args.quick else (args.rows, args.repeat)

    sample = load_sample_patterns()
    base = list(PatternQualityScorer(explain=False).score_many(sample))
    scores = [
        attrs.evolve(base[i % len(base)], pattern_id=str(uuid.uuid5(_NS, str(i))))
        for i in range(count)
    ]
    rows = prepare_upsert(scores)
    raw_s: list[float] = []
    store_s: list[float] = []
    prep_s: list[float] = []
    with (
        bench_database() as dsn,
        PostgresQualityStore(dsn) as store,
        psycopg.connect(dsn, autocommit=True) as conn,
    ):
        for _ in range(repeat):
            conn.execute("TRUNCATE pattern_quality_metrics")
            start = time.perf_counter()
            assert raw_copy_merge(conn, rows) == count
            raw_s.append(time.perf_counter() - start)
            conn.execute("TRUNCATE pattern_quality_metrics")
            start = time.perf_counter()
            assert store.upsert(scores) == count
            store_s.append(time.perf_counter() - start)
            start = time.perf_counter()
            prepare_upsert(scores)
            prep_s.append(time.perf_counter() - start)

    raw, ours, prep = (statistics.median(v) for v in (raw_s, store_s, prep_s))
    print(f"Bulk write of {count:,} identical rows (median of {repeat}), embedded server\n")
    print("| path | s | rows/s |")
    print("|---|---:|---:|")
    raw_name = "raw COPY into staging + INSERT ... SELECT ... ON CONFLICT"
    print(f"| {raw_name} | {raw:.3f} | {count / raw:,.0f} |")
    print(f"| PostgresQualityStore.upsert | {ours:.3f} | {count / ours:,.0f} |")
    print(f"| of which prepare_upsert (validation, shaping) | {prep:.3f} | |")
    print(f"\nstore / raw throughput: {raw / ours:.2f}x (goal >= 0.9x)")
    print("command: .venv/bin/python -m tests.benchmarks.bench_write_path")


if __name__ == "__main__":
    main()
