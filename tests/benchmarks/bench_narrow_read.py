"""The filter's narrow read (``get_briefs``) beside today's wide one (``get_many``), same run.

For 100 stored patterns on the embedded PostgreSQL: the store call alone (wide
rows with the metadata JSON and the full row mapping, versus four scalar columns
of a prepared statement), and ``QualityFilter.filter`` over each (the wide path
is forced by a wrapper store whose class has no ``get_briefs``). Also one bare
round trip (``store.count()`` of 100 rows) on the same pool, about the floor of a read.

Run: ``.venv/bin/python -m tests.benchmarks.bench_narrow_read`` (``--quick`` for a check).
Starts an embedded PostgreSQL unless PATTERN_QUALITY_TEST_DSN names a server.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from typing import Any

from pattern_quality import PatternQualityScorer, PostgresQualityStore, QualityFilter
from pattern_quality.sample import load_sample_patterns
from tests.benchmarks._bench_pg import bench_database


class WideOnly:
    """Today's path: a store that only has ``get_many`` (every other call forwarded)."""

    def __init__(self, inner: PostgresQualityStore) -> None:
        self._inner = inner

    def __getattr__(self, name: str) -> Any:
        if name == "get_briefs":
            raise AttributeError(name)
        return getattr(self._inner, name)


def timings(fn: Callable[[], object], runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        out.append((time.perf_counter() - start) * 1000.0)
    return out


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1000, help="calls to time per path")
    parser.add_argument("--size", type=int, default=100, help="patterns per call")
    parser.add_argument("--quick", action="store_true", help="100 calls per path")
    args = parser.parse_args()
    runs = 100 if args.quick else args.runs

    patterns = [p for p in load_sample_patterns() if p.get("pattern_id")][: args.size]
    ids = [str(p["pattern_id"]) for p in patterns]
    with bench_database() as dsn, PostgresQualityStore(dsn) as store:
        scorer = PatternQualityScorer(explain=False)
        store.upsert(list(scorer.score_many(patterns)))
        wide = store.get_many(ids)
        narrow = store.get_briefs(ids)
        assert len(wide) == len(narrow) == len(ids)
        assert all(narrow[i].composite_score == wide[i].composite_score for i in ids)

        def ping() -> None:
            store.count()  # one round trip of a one-row aggregate on the same pool

        rows: list[tuple[str, list[float]]] = []
        with (
            QualityFilter(WideOnly(store), scorer, write_back=False) as today,
            QualityFilter(store, scorer, write_back=False) as quality,
        ):
            cases: list[tuple[str, Callable[[], object]]] = [
                ("one round trip (store.count)", ping),
                ("store.get_many (wide rows, today)", lambda: store.get_many(ids)),
                ("store.get_briefs (narrow)", lambda: store.get_briefs(ids)),
                ("QualityFilter.filter over get_many (today)", lambda: today.filter(patterns)),
                ("QualityFilter.filter over get_briefs", lambda: quality.filter(patterns)),
            ]
            for _, fn in cases:  # warm the pool, the prepared statements and the caches
                for _ in range(30):
                    fn()
            for name, fn in cases:
                rows.append((name, timings(fn, runs)))
            assert today.filter(patterns).passed == quality.filter(patterns).passed

    print(f"Reading {len(ids)} stored patterns, latency in ms ({runs} calls each)\n")
    print("| path | p50 | p95 |")
    print("|---|---:|---:|")
    for name, values in rows:
        print(f"| {name} | {pct(values, 50):.3f} | {pct(values, 95):.3f} |")
    print("\ncommand: .venv/bin/python -m tests.benchmarks.bench_narrow_read")


if __name__ == "__main__":
    main()
