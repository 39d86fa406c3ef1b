"""Backfill with rubric 2.0.0: scoring in worker processes, and ``changed_only`` re-runs.

Measures, in one run, on a real PostgreSQL (embedded pgserver with default
durability settings, unless ``$PATTERN_QUALITY_TEST_DSN`` names a server):

(a) patterns/s of :func:`backfill` with rubric 2.0.0 from an in-memory source of N
    patterns (default 20,000: the bundled sample cycled with fresh ids) into an
    empty table, scoring in the calling process (``workers=1``, the baseline: how
    every backfill scored before) vs in 2 and 3 worker processes (worker start-up
    included). Variants take turns; the median of the rounds is shown.
(b) re-runs over an unchanged collection of M patterns (default 200,000) whose rows
    a 2.0.0 backfill stored (content hash and version included): ``changed_only=True``
    against a full re-run (the baseline: what every re-run did before). A full
    re-run of 200,000 patterns at 2.0.0 speeds takes minutes, so by default it runs
    over the first F (default 20,000) of the same patterns and the rates are
    compared (``--full-size 200000`` runs it over all of them). Also: a
    ``changed_only`` re-run after 1 % of the payloads changed (those are re-scored).
(c) what recording the content hash costs a full backfill: N patterns with rubric
    1.0.0 (the cheapest scorer, so the hash weighs most) as now, against the same
    run with the hash replaced by a constant (the baseline: backfills before
    content hashes).

The stored rows of (b) are written directly (each distinct sample pattern scored
once, its score copied to every id with that content), which is what a backfill
would have stored; the first ``changed_only`` re-run checks it: nothing is
re-scored and nothing written.

Usage::

    .venv/bin/python -m tests.benchmarks.bench_backfill_v2            # about 2 minutes
    .venv/bin/python -m tests.benchmarks.bench_backfill_v2 --quick    # smaller sizes
"""

from __future__ import annotations

import argparse
import contextlib
import os
import platform
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))


from pattern_quality import Pattern, PatternQualityScorer, QualityScore  # noqa: E402
from pattern_quality.backfill import backfill  # noqa: E402
from pattern_quality.backfill import state as backfill_state  # noqa: E402
from pattern_quality.hashing import content_hash  # noqa: E402
from pattern_quality.sample import load_sample_patterns  # noqa: E402
from pattern_quality.storage.postgres import PostgresQualityStore  # noqa: E402
from tests.benchmarks._bench_pg import bench_server, create_database, drop_databases  # noqa: E402

RUBRIC = "2.0.0"
COMMAND = ".venv/bin/python -m tests.benchmarks.bench_backfill_v2"


def _fresh_db(server_dsn: str) -> str:
    return create_database(server_dsn, "bench_backfill_v2")


def _patterns(n: int, offset: int = 0) -> list[dict[str, Any]]:
    """The bundled sample, cycled, each copy with a fresh deterministic id."""
    corpus = load_sample_patterns()
    return [
        {**corpus[i % len(corpus)], "pattern_id": str(uuid.UUID(int=offset + i + 1))}
        for i in range(n)
    ]


def _store_as_backfilled(dsn: str, items: list[dict[str, Any]]) -> None:
    """Write the rows a rubric 2.0.0 backfill of ``items`` would write, quickly."""
    scorer = PatternQualityScorer(RUBRIC, explain=False)
    cache: dict[int, tuple[Any, str]] = {}
    corpus_size = len(load_sample_patterns())
    now = datetime.now(UTC)
    with PostgresQualityStore(dsn) as store:
        for start in range(0, len(items), 5000):
            batch = []
            for i, item in enumerate(items[start : start + 5000], start):
                pattern = Pattern.from_mapping(item)
                key = i % corpus_size
                if key not in cache:
                    cache[key] = (scorer.score_pattern(pattern), content_hash(pattern))
                score, digest = cache[key]
                dims = (
                    score.completeness_score,
                    score.documentation_score,
                    score.onex_compliance_score,
                    score.metadata_richness_score,
                    score.complexity_score,
                )
                batch.append(
                    QualityScore._from_parts(
                        pattern, score.composite_score, dims, now, RUBRIC, (), digest
                    )
                )
            store.upsert(batch)


def _median_rounds(variants: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    values: dict[str, list[float]] = {label: [] for label in variants}
    for _ in range(rounds):
        for label, fn in variants.items():
            values[label].append(fn())
    return {label: statistics.median(v) for label, v in values.items()}


def _run(server_dsn: str, args: argparse.Namespace) -> dict[str, Any]:
    scorer = PatternQualityScorer(RUBRIC, explain=False)
    r: dict[str, Any] = {}

    # (a) workers
    fresh = _patterns(args.patterns, offset=10_000_000)

    def with_workers(workers: int) -> Callable[[], float]:
        def run() -> float:
            with PostgresQualityStore(_fresh_db(server_dsn)) as store:
                start = time.perf_counter()
                report = backfill(fresh, store, scorer=scorer, workers=workers)
                elapsed = time.perf_counter() - start
            assert report.ok and report.stored == len(fresh), report
            return len(fresh) / elapsed

        return run

    r["a"] = _median_rounds({f"{w}": with_workers(w) for w in args.workers}, args.rounds)

    # (b) re-runs over an unchanged collection
    items = _patterns(args.collection)
    dsn = _fresh_db(server_dsn)
    start = time.perf_counter()
    _store_as_backfilled(dsn, items)
    r["fill_s"] = time.perf_counter() - start
    best = max(r["a"], key=r["a"].__getitem__)
    with PostgresQualityStore(dsn) as store:
        report = backfill(items, store, scorer=scorer, changed_only=True)
        assert report.unchanged == len(items) and report.scored == report.stored == 0, report
        r["changed_only"] = report.throughput
        changed = [
            {**item, "text": f"{item.get('text') or ''} (edited)"} if i % 100 == 0 else item
            for i, item in enumerate(items)
        ]
        report = backfill(changed, store, scorer=scorer, changed_only=True)
        assert report.scored == report.stored == len(items[::100]), report
        r["changed_1pct"] = report.throughput
        full = items[: args.full_size]
        report = backfill(full, store, scorer=scorer)
        assert report.stored == len(full), report
        r["full_1"] = report.throughput
        report = backfill(full, store, scorer=scorer, workers=int(best))
        r["full_best"] = report.throughput
        r["best"] = best

    # (c) the content hash's share of a full backfill
    legacy = PatternQualityScorer("1.0.0", explain=False)

    def hashing(on: bool) -> Callable[[], float]:
        def run() -> float:
            with contextlib.ExitStack() as stack:
                if not on:  # as before content hashes: nothing computed
                    real = getattr(backfill_state, "content_hash")  # noqa: B009
                    setattr(backfill_state, "content_hash", lambda pattern: "")  # noqa: B010
                    stack.callback(setattr, backfill_state, "content_hash", real)
                with PostgresQualityStore(_fresh_db(server_dsn)) as store:
                    report = backfill(fresh, store, scorer=legacy)
            assert report.stored == len(fresh), report
            return report.throughput

        return run

    r["c"] = _median_rounds({"on": hashing(True), "off": hashing(False)}, args.rounds)
    return r


def _print(r: dict[str, Any], args: argparse.Namespace, argv: list[str] | None) -> None:
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    extra = " ".join(argv if argv is not None else sys.argv[1:])
    print(
        f"Python {platform.python_version()}, {os.cpu_count()} cores, load average "
        f"{load:.1f} at the end, rubric {RUBRIC}\n"
    )
    base = r["a"][str(args.workers[0])]
    print(f"(a) {args.patterns:,} patterns into an empty table, median of {args.rounds} rounds\n")
    print("| scoring | patterns/s | vs in-process |")
    print("|---|---:|---:|")
    for workers, rate in r["a"].items():
        label = (
            "in the calling process (`workers=1`, baseline)"
            if workers == "1"
            else f"{workers} worker processes (`workers={workers}`)"
        )
        print(f"| {label} | {rate:,.0f} | {rate / base:.2f}x |")
    full = r["full_1"]
    print(
        f"\n(b) re-runs over {args.collection:,} unchanged stored patterns "
        f"(full re-runs over the first {args.full_size:,}; stored rows written in "
        f"{r['fill_s']:.1f} s)\n"
    )
    print("| re-run | patterns/s | vs full re-run |")
    print("|---|---:|---:|")
    print(f"| full re-run, `workers=1` (baseline) | {full:,.0f} | 1.00x |")
    print(
        f"| full re-run, `workers={r['best']}` | {r['full_best']:,.0f} | "
        f"{r['full_best'] / full:.2f}x |"
    )
    print(
        f"| `changed_only=True`, nothing changed | {r['changed_only']:,.0f} | "
        f"{r['changed_only'] / full:.1f}x |"
    )
    print(
        f"| `changed_only=True`, 1 % of the payloads changed | {r['changed_1pct']:,.0f} | "
        f"{r['changed_1pct'] / full:.1f}x |"
    )
    on, off = r["c"]["on"], r["c"]["off"]
    print(f"\n(c) {args.patterns:,} patterns, rubric 1.0.0, median of {args.rounds} rounds\n")
    print("| full backfill | patterns/s | µs per pattern |")
    print("|---|---:|---:|")
    print(f"| without content hashes (baseline: before) | {off:,.0f} | {1e6 / off:.1f} |")
    print(f"| recording each pattern's content hash (now) | {on:,.0f} | {1e6 / on:.1f} |")
    print(f"\ncommand: {COMMAND}{' ' + extra if extra else ''}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patterns", type=int, default=20_000, help="size of (a)")
    parser.add_argument("--collection", type=int, default=200_000, help="size of (b)")
    parser.add_argument("--full-size", type=int, default=20_000, help="full re-run size in (b)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of (a)")
    parser.add_argument(
        "--workers", type=int, nargs="+", default=[1, 2, 3], help="worker counts of (a)"
    )
    parser.add_argument("--quick", action="store_true", help="(a) 4,000, (b) 20,000 / 4,000")
    args = parser.parse_args(argv)
    if args.quick:
        args.patterns, args.collection, args.full_size, args.rounds = 4000, 20_000, 4000, 1
    args.full_size = min(args.full_size, args.collection)
    with bench_server() as server_dsn:
        try:
            results = _run(server_dsn, args)
        finally:
            drop_databases(server_dsn, "bench_backfill_v2")
    _print(results, args, argv)
    return 0


if __name__ == "__main__":
    sys.exit(main())
