"""Batch upsert throughput of the PostgreSQL store, against the legacy per-row writer.

A fresh database migrated to the latest schema (embedded server with default
durability, or ``PATTERN_QUALITY_TEST_DSN``). The scores are real scorer output:
the bundled sample corpus scored with findings (``explain=True``, as the seed's
``PatternQualityScorer()``), repeated under new ids up to ``--rows``. Building the
``QualityScore`` objects is not timed; everything the store does with them is
(validation, dedup, sorting, the metadata JSON, the round trips).

Measured, in the same run:

- ``COPY + INSERT ... SELECT``: what :meth:`PostgresQualityStore.upsert` does for
  calls of 64 rows or more: COPY each chunk of 5,000 rows into a temporary table,
  then one ``INSERT ... SELECT ... ORDER BY pattern_id ON CONFLICT DO UPDATE``
  per chunk, all in one transaction;
- ``pipelined executemany``: the same prepared rows sent with psycopg's
  ``executemany`` (pipeline mode) of the single-row ``INSERT ... ON CONFLICT``,
  chunk by chunk in one transaction (the store uses it below 64 rows);
- ``naive (legacy)``: the legacy writer, one new connection per score and a plain
  ``INSERT ... ON CONFLICT`` (without the legacy 0.5 s sleep per 100 rows), on
  ``--naive-rows`` scores.

Each fast path upserts all rows into the empty table ("insert"), then all of them
again with newer measurements ("update": every row conflicts and is rewritten).

Usage::

    .venv/bin/python -m tests.benchmarks.bench_store                # 200,000 rows
    .venv/bin/python -m tests.benchmarks.bench_store --rows 20000 --naive-rows 200
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import attrs
import psycopg

from pattern_quality import PatternQualityScorer, PostgresQualityStore, QualityScore
from pattern_quality.sample import load_sample_patterns
from pattern_quality.storage import statements
from pattern_quality.storage.rows import prepare_upsert
from tests.benchmarks._bench_pg import bench_database

T0 = datetime(2024, 6, 1, tzinfo=UTC)
COMMAND = "python -m tests.benchmarks.bench_store"


def make_scores(n: int, seconds: int, *, explain: bool = True) -> list[QualityScore]:
    """``n`` realistic scores with distinct ids, measured ``seconds`` after T0."""
    scorer = PatternQualityScorer(explain=explain)
    corpus = [scorer.score_pattern(p) for p in load_sample_patterns()]
    at = T0 + timedelta(seconds=seconds)
    return [
        attrs.evolve(
            corpus[i % len(corpus)],
            pattern_id=str(uuid.UUID(int=(0xBE9C << 96) | i)),
            measurement_timestamp=at,
        )
        for i in range(n)
    ]


def truncate(dsn: str) -> None:
    with psycopg.connect(dsn) as conn:
        conn.execute("TRUNCATE pattern_quality_metrics")
        conn.execute("CHECKPOINT")


def copy_path(dsn: str, scores: list[QualityScore]) -> int:
    with PostgresQualityStore(dsn) as store:
        return store.upsert(scores)


def executemany_path(dsn: str, scores: list[QualityScore]) -> int:
    rows = prepare_upsert(scores)
    t = statements.TableRef.of(statements.DEFAULT_TABLE, None)
    written = 0
    with psycopg.connect(dsn) as conn, conn.transaction(), conn.cursor() as cur:
        for chunk in statements.chunks(rows, statements.UPSERT_CHUNK_SIZE):
            cur.executemany(statements.upsert_values_sql(t), chunk)
            written += cur.rowcount
    return written


def naive_path(dsn: str, scores: list[QualityScore]) -> int:
    """The legacy writer: a new connection and a plain INSERT per score."""
    written = 0
    statement = (
        "INSERT INTO pattern_quality_metrics (pattern_id, quality_score, confidence,"
        " measurement_timestamp, version, metadata) VALUES (%s, %s, %s, %s, %s, %s)"
        " ON CONFLICT (pattern_id) DO UPDATE SET quality_score = EXCLUDED.quality_score,"
        " confidence = EXCLUDED.confidence,"
        " measurement_timestamp = EXCLUDED.measurement_timestamp,"
        " version = EXCLUDED.version, metadata = EXCLUDED.metadata"
    )
    for s in scores:
        meta = {**s.dimension_scores, "findings": [f.to_dict() for f in s.findings]}
        with psycopg.connect(dsn) as conn:
            cur = conn.execute(
                statement,
                (
                    s.pattern_id,
                    s.composite_score,
                    s.confidence,
                    s.measurement_timestamp,
                    s.version,
                    json.dumps(meta),
                ),
            )
            written += cur.rowcount
    return written


def timed(
    fn: Callable[[str, list[QualityScore]], int], dsn: str, scores: list[QualityScore]
) -> float:
    start = time.perf_counter()
    written = fn(dsn, scores)
    elapsed = time.perf_counter() - start
    if written != len(scores):
        raise SystemExit(f"{fn.__name__} wrote {written} rows, expected {len(scores)}")
    return elapsed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=200_000, help="scores per fast-path call")
    parser.add_argument("--naive-rows", type=int, default=300, help="scores for the baseline")
    parser.add_argument(
        "--no-findings", action="store_true", help="score with explain=False (bulk jobs)"
    )
    args = parser.parse_args(argv)
    n, explain = args.rows, not args.no_findings

    print(f"building {2 * n:,} scores ...", file=sys.stderr, flush=True)
    first, second = make_scores(n, 0, explain=explain), make_scores(n, 60, explain=explain)
    start = time.perf_counter()
    prepare_upsert(first)
    prepare = time.perf_counter() - start

    results: list[tuple[str, str, int, float]] = []
    with bench_database() as dsn:
        for label, fn in (
            ("COPY + INSERT ... SELECT (the store)", copy_path),
            ("pipelined executemany", executemany_path),
        ):
            truncate(dsn)
            for phase, scores in (("insert", first), ("update", second)):
                print(f"{label}: {phase} ...", file=sys.stderr, flush=True)
                results.append((label, phase, n, timed(fn, dsn, scores)))
        truncate(dsn)
        naive = make_scores(args.naive_rows, 0, explain=explain)
        print("naive: insert ...", file=sys.stderr, flush=True)
        naive_s = timed(naive_path, dsn, naive)
        results.append(
            ("naive (legacy): connection + INSERT per row", "insert", len(naive), naive_s)
        )
        with psycopg.connect(dsn) as conn:
            version = conn.execute("SHOW server_version").fetchone()

    naive_rate = len(naive) / naive_s
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    flag = " --no-findings" if args.no_findings else ""
    print(f"`{COMMAND} --rows {n} --naive-rows {args.naive_rows}{flag}`")
    print()
    print(
        f"PostgreSQL {version[0] if version else '?'}, load average {load:.1f}, "
        f"{'scores with findings' if explain else 'scores without findings'}; "
        f"preparing {n:,} rows (validation, dedup, sort, JSON) alone: {n / prepare:,.0f} rows/s"
    )
    print()
    print("| path | phase | rows | seconds | rows/s | vs naive |")
    print("|---|---|---:|---:|---:|---:|")
    for label, phase, rows, seconds in results:
        rate = rows / seconds
        ratio = rate / naive_rate
        print(f"| {label} | {phase} | {rows:,} | {seconds:.2f} | {rate:,.0f} | {ratio:,.0f}x |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
