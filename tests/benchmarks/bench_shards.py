"""Backfill throughput with 1, 2 and 4 shards running at once, as separate processes.

Each configuration runs ``pattern-quality backfill`` once per shard, all shards
started together as separate processes (as the pods of a Kubernetes Indexed
Job would run), each with ``--shard-count N`` and its index in
``$JOB_COMPLETION_INDEX``, ``--workers 1`` (one scoring process per shard, so
the shards are the only parallelism) and ``--quiet --json``. The figure is
end to end: N points divided by the wall time from starting the first shard
process to the exit of the last one (interpreter start, imports, connecting,
opening the Qdrant storage, scrolling, scoring, writing). The 1-shard run is
the baseline, measured in the same run, interleaved with the others; every
configuration writes into a freshly truncated table of the same embedded
PostgreSQL (default durability), and the table must then hold exactly one row
per point (the shards are disjoint and complete), which the script checks.

The source is a local-mode Qdrant storage of ``--points`` points (default
20,000: the bundled sample cycled with fresh ids, half in ``code_patterns``
with UUID ids, half in ``archon_vectors`` with legacy integer ids, as
``bench_backfill`` builds it). A local-mode storage is a directory that one
process locks, so every shard process reads **its own copy** of it (copied
before the clock starts). That is what several pods reading one Qdrant server
look like from the shards' side (each scrolls every id and fetches the
payloads of its own points), with one difference, stated with the figures:
local mode loads the whole collection into each process's memory when it
opens, a cost a server does not charge its clients, and that each shard pays in
full. For reference, the same run also times 1 shard with ``--workers 2``
(one process, two scoring workers): the other way to use two cores.

Usage::

    .venv/bin/python -m tests.benchmarks.bench_shards               # 3 runs, 20,000 points
    .venv/bin/python -m tests.benchmarks.bench_shards --runs 1 --points 4000   # a quick check
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import psycopg

from pattern_quality._config import DATABASE_URL_ENV_VARS
from tests.benchmarks._backfill_inputs import local_qdrant
from tests.benchmarks._bench_pg import bench_database

#: (label, shards, --workers of each shard)
CASES = (
    ("1 shard (baseline)", 1, 1),
    ("2 shards", 2, 1),
    ("4 shards", 4, 1),
    ("1 shard, --workers 2", 1, 2),
)
COLLECTIONS = ("code_patterns", "archon_vectors")


def _env(index: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in DATABASE_URL_ENV_VARS}
    env["PATTERN_QUALITY_EMBEDDED"] = "0"
    env["JOB_COMPLETION_INDEX"] = str(index)
    return env


def _truncate(dsn: str) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute("TRUNCATE pattern_quality_metrics")


def _rows(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT count(*) FROM pattern_quality_metrics").fetchone()
    return int(row[0]) if row else 0


def _run_case(
    dsn: str, copies: list[Path], shards: int, workers: int, points: int
) -> tuple[float, list[dict[str, Any]]]:
    _truncate(dsn)
    procs = []
    start = time.perf_counter()
    for index in range(shards):
        argv = [sys.executable, "-m", "pattern_quality", "backfill", "--quiet", "--json"]
        argv += ["--qdrant-path", str(copies[index]), "--database-url", dsn]
        argv += [arg for name in COLLECTIONS for arg in ("--collection", name)]
        argv += ["--shard-count", str(shards), "--workers", str(workers)]
        procs.append(
            subprocess.Popen(
                argv, env=_env(index), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
            )
        )
    results = [p.communicate() for p in procs]
    wall = time.perf_counter() - start
    reports = []
    for proc, (out, err) in zip(procs, results, strict=True):
        if proc.returncode != 0:
            raise SystemExit(f"a shard exited {proc.returncode}: {err.strip()}")
        reports.append(json.loads(out))
    stored = _rows(dsn)
    if stored != points or sum(r["stored"] for r in reports) != points:
        raise SystemExit(f"{shards} shards stored {stored} rows, expected {points}")
    return wall, reports


def main(argv: list[str] | None = None) -> int:
    """Build the storage, run every case ``--runs`` times (interleaved), print the table.

    Args:
        argv: Command-line arguments (``--runs``, ``--points``).

    Returns:
        0.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per case (default 3)")
    parser.add_argument("--points", type=int, default=20_000, help="points (default 20,000)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="pq-bench-shards-") as tmp, bench_database() as dsn:
        original = Path(tmp) / "qdrant"
        local_qdrant(args.points, path=str(original)).close()
        copies = []
        for index in range(max(shards for _, shards, _ in CASES)):
            copy = Path(tmp) / f"qdrant-{index}"
            shutil.copytree(original, copy)
            copies.append(copy)
        walls: dict[str, list[float]] = {label: [] for label, _, _ in CASES}
        inside: dict[str, list[float]] = {label: [] for label, _, _ in CASES}
        _run_case(dsn, copies, 1, 1, args.points)  # warm the caches once, not timed
        for _ in range(args.runs):
            for label, shards, workers in CASES:
                wall, reports = _run_case(dsn, copies, shards, workers, args.points)
                walls[label].append(wall)
                inside[label].append(max(r["elapsed"] for r in reports))

    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    print(
        f"backfill shards, {args.points:,} points (local-mode copies), {args.runs} runs, "
        f"{cores} usable cores, Python {platform.python_version()}"
    )
    base = args.points / statistics.median(walls[CASES[0][0]])
    print(
        f"{'case':<24}{'wall s':>9}{'patterns/s':>12}{'vs 1 shard':>12}{'slowest backfill s':>20}"
    )
    for label, _, _ in CASES:
        wall = statistics.median(walls[label])
        rate = args.points / wall
        print(
            f"{label:<24}{wall:>9.2f}{rate:>12,.0f}{rate / base:>11.2f}x"
            f"{statistics.median(inside[label]):>20.2f}"
        )
    print(
        "wall: first shard started to last shard exited (median); slowest backfill: the "
        "longest shard's own elapsed time (its report; without start-up and opening)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
