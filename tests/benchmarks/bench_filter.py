"""Latency of filtering 100 retrieved patterns for manifest injection.

Ours: ``QualityFilter.filter`` over a pooled ``PostgresQualityStore`` whose rows
already hold the scores (one ``get_many`` round trip). Baseline, shaped like the
legacy manifest generation: score every pattern in-process and store each score
with its own new connection (plain INSERT ... ON CONFLICT), then keep those >= 0.7.

Run: ``make bench`` or ``.venv/bin/python -m tests.benchmarks.bench_filter``.
Starts an embedded PostgreSQL unless PATTERN_QUALITY_TEST_DSN names a server.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

import psycopg
from psycopg.types.json import Jsonb

from pattern_quality import PatternQualityScorer, PostgresQualityStore, QualityFilter
from pattern_quality.sample import load_sample_patterns
from tests.benchmarks._bench_pg import bench_database

LEGACY_UPSERT = """
INSERT INTO pattern_quality_metrics
    (pattern_id, quality_score, confidence, measurement_timestamp, version, metadata)
VALUES (%s, %s, %s, %s, %s, %s)
ON CONFLICT (pattern_id) DO UPDATE SET
    quality_score = EXCLUDED.quality_score, confidence = EXCLUDED.confidence,
    measurement_timestamp = EXCLUDED.measurement_timestamp, metadata = EXCLUDED.metadata
"""


def legacy_filter(dsn: str, patterns: list[dict[str, Any]], min_quality: float) -> list[Any]:
    """Score each pattern and store it over a new connection, as the legacy path did."""
    scorer = PatternQualityScorer(explain=False)
    kept = []
    for pattern in patterns:
        score = scorer.score_pattern(pattern)
        with psycopg.connect(dsn) as conn:
            conn.execute(
                LEGACY_UPSERT,
                (
                    score.pattern_id,
                    score.composite_score,
                    score.confidence,
                    score.measurement_timestamp,
                    score.version,
                    Jsonb(score.dimension_scores),
                ),
            )
        if score.composite_score >= min_quality:
            kept.append(pattern)
    return kept


def timings(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000.0)
    return out


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[int(q) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=300, help="filter calls to time")
    parser.add_argument("--legacy-runs", type=int, default=15, help="legacy calls to time")
    parser.add_argument("--size", type=int, default=100, help="patterns per call")
    args = parser.parse_args()

    patterns = [p for p in load_sample_patterns() if p.get("pattern_id")][: args.size]
    with bench_database() as dsn, PostgresQualityStore(dsn) as store:
        scorer = PatternQualityScorer(explain=False)
        store.upsert(list(scorer.score_many(patterns)))
        with QualityFilter(store, scorer) as quality:
            for _ in range(20):  # warm the pool and the caches
                quality.filter(patterns)
            ours = timings(lambda: quality.filter(patterns), args.runs)
            result = quality.filter(patterns)
        assert result.from_store == len(patterns) and not result.fallback
        legacy = timings(lambda: legacy_filter(dsn, patterns, 0.7), args.legacy_runs)
        assert len(legacy_filter(dsn, patterns, 0.7)) == result.passed

    rows = [
        ("QualityFilter (stored scores, 1 round trip)", ours),
        ("legacy: score + 1 connection per pattern", legacy),
    ]
    print(f"Filtering {len(patterns)} patterns (min_quality 0.7), latency in ms\n")
    print("| path | calls | p50 | p95 |")
    print("|---|---:|---:|---:|")
    for name, values in rows:
        print(f"| {name} | {len(values)} | {pct(values, 50):.2f} | {pct(values, 95):.2f} |")
    print(f"\np50 speed-up: {pct(legacy, 50) / pct(ours, 50):.0f}x")
    print("command: .venv/bin/python -m tests.benchmarks.bench_filter")


if __name__ == "__main__":
    main()
