"""End-to-end backfill throughput and memory, against a naive legacy-shaped baseline.

Measures, in one run, on a real PostgreSQL (embedded pgserver with default
durability settings, unless ``--dsn`` or ``$PATTERN_QUALITY_TEST_DSN`` names a server):

(a) patterns/s from an in-memory source of N patterns (default 200,000, the bundled
    sample cycled with fresh ids) into PostgreSQL with :func:`backfill`; also the
    same batches written one after another without overlap, findings on, and a
    batch-size sweep;
(b) patterns/s from a local-mode Qdrant collection of 20,000 points (half UUID ids
    with ``code``/``metadata``, half integer ids with ``content_preview``) through
    :class:`QdrantPatternSource`, plus the full-scroll time per page size;
(c) peak RSS (``resource.getrusage``, in subprocesses) for 100k vs 1M patterns
    streamed from a generator: by default a dry run (source, scorer, batches and
    report: the pipeline alone), with ``--rss-postgres`` into PostgreSQL;
(d) the seed's 1,085-pattern case through the CLI, connecting included.

The baseline is shaped like the legacy tool (docs/legacy.md#what-the-legacy-tool-got-wrong):
load everything first, score
with the naive legacy scorer (``tests/legacy_rubric.py``), then one new connection,
one INSERT ... ON CONFLICT and one commit per row. It is timed on a few hundred rows
and extrapolated; the legacy tool also slept 0.5 s per 100 rows, shown separately.

Usage::

    .venv/bin/python tests/benchmarks/bench_backfill.py                # a few minutes
    .venv/bin/python tests/benchmarks/bench_backfill.py --quick        # smaller sizes
    .venv/bin/python tests/benchmarks/bench_backfill.py --rss-postgres  # (c) into PostgreSQL too
    .venv/bin/python tests/benchmarks/bench_backfill.py --rubric 2.0.0  # the default rubric
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from functools import partial
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

import psycopg  # noqa: E402

from pattern_quality import PatternQualityScorer, available_rubrics  # noqa: E402
from pattern_quality.backfill import backfill  # noqa: E402
from pattern_quality.cli import main as cli_main  # noqa: E402
from pattern_quality.qdrant import QdrantPatternSource, point_to_pattern  # noqa: E402
from pattern_quality.storage.postgres import PostgresQualityStore  # noqa: E402
from tests.benchmarks._backfill_inputs import baseline_rate, cycled_patterns, local_qdrant  # noqa: E402
from tests.benchmarks._bench_pg import bench_server, create_database, drop_databases  # noqa: E402

BASELINE_ROWS = 300
ROUNDS = 2
LEGACY_SLEEP_PER_100 = 0.5


# --- setup -------------------------------------------------------------------------------


def _server(explicit: str | None) -> AbstractContextManager[str]:
    return nullcontext(explicit) if explicit else bench_server()


def _fresh_db(server_dsn: str) -> str:
    return create_database(server_dsn, "bench_backfill")


def _rows(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT count(*) FROM pattern_quality_metrics").fetchone()
    return int(row[0]) if row else 0


# --- (c) peak RSS in a child process -------------------------------------------------------


def _rss_child(n: int, dsn: str | None, rubric: str) -> None:
    scorer = PatternQualityScorer(rubric, explain=False)
    if dsn is None:  # the pipeline alone: source -> scorer -> batches -> report
        report = backfill(cycled_patterns(n), None, dry_run=True, scorer=scorer)
    else:
        with PostgresQualityStore(dsn) as store:
            report = backfill(cycled_patterns(n), store, scorer=scorer)
    peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(json.dumps({"n": n, "stored": report.stored, "peak_mib": peak_kib / 1024,
                      "rate": report.throughput}))  # fmt: skip


def _rss(n: int, dsn: str | None, rubric: str) -> dict[str, Any]:
    target = ["--dsn", dsn] if dsn else []
    out = subprocess.run(
        [sys.executable, __file__, "--rss-child", str(n), "--rubric", rubric, *target],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    return result


# --- main ----------------------------------------------------------------------------------


def _fmt_rate(rate: float) -> str:
    return f"{rate:,.0f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patterns", type=int, default=200_000, help="size of case (a)")
    parser.add_argument("--points", type=int, default=20_000, help="Qdrant points of case (b)")
    parser.add_argument("--rss", default="100000,1000000", help="sizes for the RSS case (c)")
    parser.add_argument(
        "--rss-postgres",
        action="store_true",
        help="(c) writes into PostgreSQL (slow at 1M: the table outgrows shared_buffers); "
        "default: a dry run, the pipeline alone",
    )
    parser.add_argument(
        "--rubric", default="1.0.0", help="rubric of the main cases (default 1.0.0, the goal's)"
    )
    parser.add_argument(
        "--sweep-points",
        type=int,
        help="local-mode points for the page-size sweep (default: --points)",
    )
    parser.add_argument("--quick", action="store_true", help="(a) 50k, (b) 5k, (c) 20k,200k")
    parser.add_argument("--dsn", help="PostgreSQL server to use (a database per case is created)")
    parser.add_argument("--rss-child", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.rss_child is not None:
        _rss_child(args.rss_child, args.dsn, args.rubric)
        return 0
    if args.quick:
        args.patterns, args.points, args.rss = 50_000, 5_000, "20000,200000"
    rss_sizes = [int(x) for x in args.rss.split(",") if x]
    args.sweep_points = args.sweep_points or args.points

    with tempfile.TemporaryDirectory() as tmp, _server(args.dsn) as server_dsn:
        try:
            results = _run(server_dsn, Path(tmp), args, rss_sizes)
        finally:
            drop_databases(server_dsn, "bench_backfill")
    _print(results, args, argv)
    return 0


def _interleaved(variants: dict[str, Callable[[], float]], rounds: int) -> dict[str, float]:
    """Run the variants in turns (so machine load hits them alike); median per variant."""
    values: dict[str, list[float]] = {label: [] for label in variants}
    for _ in range(rounds):
        for label, fn in variants.items():
            values[label].append(fn())
    return {label: statistics.median(v) for label, v in values.items()}


def _run(
    server_dsn: str, tmp: Path, args: argparse.Namespace, rss_sizes: list[int]
) -> dict[str, Any]:
    n, points, sweep_points, rubric = args.patterns, args.points, args.sweep_points, args.rubric
    scorer = PatternQualityScorer(rubric, explain=False)
    r: dict[str, Any] = {}
    corpus = list(cycled_patterns(n))

    # (a) in-memory source -> PostgreSQL
    dsn = _fresh_db(server_dsn)
    with PostgresQualityStore(dsn) as store:
        report = backfill(corpus, store, scorer=scorer)
        assert report.ok and report.stored == n == _rows(dsn), report
        r["a_ours"] = report.throughput
        again = backfill(corpus, store, scorer=scorer)  # a re-run updates every row
        r["a_rerun"] = again.throughput
        assert _rows(dsn) == n
    sub = corpus[: min(n, 50_000)]

    def run_backfill(**options: Any) -> float:
        options.setdefault("scorer", scorer)
        with PostgresQualityStore(_fresh_db(server_dsn)) as store:
            return backfill(sub, store, **options).throughput

    def run_serial() -> float:  # the same batches, scored then written, one after another
        with PostgresQualityStore(_fresh_db(server_dsn)) as store:
            start = time.perf_counter()
            for lo in range(0, len(sub), 2000):
                store.upsert([scorer.score_pattern(p) for p in sub[lo : lo + 2000]])
            return len(sub) / (time.perf_counter() - start)

    def run_score_only() -> float:  # the scoring half alone: a dry run
        return backfill(sub, None, dry_run=True, scorer=scorer).throughput

    prescored = [scorer.score_pattern(p) for p in sub]

    def run_write_only() -> float:  # the writing half alone: pre-scored batches of 2,000
        with PostgresQualityStore(_fresh_db(server_dsn)) as store:
            store.count()  # connect and check the schema outside the timing
            start = time.perf_counter()
            for lo in range(0, len(prescored), 2000):
                store.upsert(prescored[lo : lo + 2000])
            return len(prescored) / (time.perf_counter() - start)

    variants: dict[str, Callable[[], float]] = {
        f"batch_size={size:,} (scoring overlaps the write)": partial(run_backfill, batch_size=size)
        for size in (500, 1000, 2000, 5000)
    }
    variants["batch_size=2,000, batches written one after another (no overlap)"] = run_serial
    variants["scoring alone (dry run)"] = run_score_only
    variants["writing alone (pre-scored batches of 2,000)"] = run_write_only
    variants["batch_size=2,000, findings collected (explain=True)"] = partial(
        run_backfill, scorer=PatternQualityScorer(rubric, explain=True)
    )
    for other in available_rubrics():
        if other != rubric:
            variants[f"batch_size=2,000, rubric {other}"] = partial(
                run_backfill, scorer=PatternQualityScorer(other, explain=False)
            )
    r["variants"] = _interleaved(variants, ROUNDS)
    r["baseline"] = baseline_rate(_fresh_db(server_dsn), corpus[:BASELINE_ROWS])
    del corpus

    # (b) local-mode Qdrant -> PostgreSQL
    client = local_qdrant(points)
    names = ["code_patterns", "archon_vectors"]
    sweep = client if sweep_points == points else local_qdrant(sweep_points)

    def full_scroll(page: int) -> float:
        source = QdrantPatternSource(sweep, collections=names, page_size=page)
        start = time.perf_counter()
        count = sum(1 for _ in source.scan())
        assert count == sweep_points
        return time.perf_counter() - start

    r["pages"] = _interleaved(
        {f"{page:,}": partial(full_scroll, page) for page in (1000, 2000, 5000, 10_000)}, ROUNDS
    )
    if sweep is not client:
        sweep.close()
    dsn = _fresh_db(server_dsn)
    with PostgresQualityStore(dsn) as store:
        report = backfill(QdrantPatternSource(client, collections=names), store, scorer=scorer)
    assert report.ok and report.stored == points == _rows(dsn), report
    r["b_ours"] = report.throughput
    start = time.perf_counter()
    loaded: list[dict[str, Any]] = []
    for name in names:  # legacy: the whole collection into memory first
        offset = None
        while True:
            records, offset = client.scroll(name, limit=1000, offset=offset)
            for rec in records:  # the same legacy mapping (docs/legacy.md), kept as dicts
                loaded.append(point_to_pattern(name, rec.id, rec.payload).to_dict())
            if offset is None:
                break
    load_time = time.perf_counter() - start
    per_row = baseline_rate(_fresh_db(server_dsn), loaded[:BASELINE_ROWS])
    r["b_baseline"] = points / (load_time + points / per_row)
    client.close()
    del loaded

    # (c) peak RSS, streamed from a generator, each size in a fresh process and database
    r["rss"] = [
        _rss(
            size,
            _fresh_db(server_dsn) if args.rss_postgres else None,
            rubric,
        )
        for size in rss_sizes
    ]

    # (d) 1,085 patterns through the CLI, connecting included
    path = tmp / "qdrant_1085"
    local_qdrant(1085, str(path)).close()
    dsn = _fresh_db(server_dsn)
    argv = ["backfill", "--qdrant-path", str(path), "--database-url", dsn, "--quiet",
            "--rubric", rubric,
            "--collection", "code_patterns", "--collection", "archon_vectors"]  # fmt: skip
    start = time.perf_counter()
    code = cli_main(argv)
    r["d_inproc"] = time.perf_counter() - start
    assert code == 0 and _rows(dsn) == 1085, code
    exe = Path(sys.executable).with_name("pattern-quality")
    start = time.perf_counter()
    subprocess.run([str(exe), *argv], check=True)
    r["d_subproc"] = time.perf_counter() - start
    r["d_baseline"] = 1085 / r["baseline"] + 1085 / 100 * LEGACY_SLEEP_PER_100
    return r


def _print(r: dict[str, Any], args: argparse.Namespace, argv: list[str] | None) -> None:
    n, points = args.patterns, args.points
    base = r["baseline"]
    cmd = " ".join(["tests/benchmarks/bench_backfill.py", *(argv or sys.argv[1:])])
    print(
        f"\n`.venv/bin/python {cmd}` - Python {platform.python_version()}, {os.cpu_count()} CPUs\n"
    )
    print(f"rubric {args.rubric}, `explain=False`\n")
    print("| case | ours | naive legacy-shaped baseline | speed-up |")
    print("|---|---|---|---|")
    a, b = r["a_ours"], r["b_ours"]
    print(
        f"| (a) {n:,} patterns, in-memory source → PostgreSQL | {_fmt_rate(a)} patterns/s "
        f"({n / a:.1f} s; re-run {_fmt_rate(r['a_rerun'])}/s) | {_fmt_rate(base)} patterns/s "
        f"(≈ {n / base:,.0f} s, + {n / 100 * LEGACY_SLEEP_PER_100:,.0f} s of legacy sleeps) "
        f"| {a / base:,.0f}× |"
    )
    print(
        f"| (b) {points:,} points, local-mode Qdrant → PostgreSQL | {_fmt_rate(b)} patterns/s "
        f"({points / b:.1f} s) | {_fmt_rate(r['b_baseline'])} patterns/s "
        f"(≈ {points / r['b_baseline']:,.0f} s) | {b / r['b_baseline']:,.0f}× |"
    )
    print(
        f"| (d) 1,085 patterns, `pattern-quality backfill` incl. connecting "
        f"| {r['d_inproc']:.2f} s in-process, {r['d_subproc']:.2f} s as a new process "
        f"| ≈ {r['d_baseline']:.1f} s (with the sleeps) | {r['d_baseline'] / r['d_inproc']:,.0f}× |"
    )
    into = "into PostgreSQL" if args.rss_postgres else "dry run"
    print(f"\n| (c) patterns streamed from a generator, {into} | peak RSS | patterns/s |")
    print("|---|---|---|")
    for row in r["rss"]:
        print(f"| {row['n']:,} | {row['peak_mib']:.0f} MiB | {_fmt_rate(row['rate'])} |")
    sub = min(n, 50_000)
    print(
        f"\n| (a) variants, {sub:,} patterns (median of {ROUNDS} interleaved runs) | patterns/s |"
    )
    print("|---|---|")
    for label, rate in r["variants"].items():
        print(f"| {label} | {_fmt_rate(rate)} |")
    print(
        f"\n| page size: full scroll of {args.sweep_points:,} local-mode points "
        f"(median of {ROUNDS}) | seconds |"
    )
    print("|---|---|")
    for page, secs in r["pages"].items():
        print(f"| {page} | {secs:.2f} |")


if __name__ == "__main__":
    sys.exit(main())
