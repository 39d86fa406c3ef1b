"""Startup time: ``import pattern_quality`` and ``pattern-quality --version`` / ``--help``.

Each case is a fresh interpreter (``sys.executable``), run ``--runs`` times,
interleaved so that machine noise hits every case alike; the table shows the
median and the fastest wall time, and what ``-X importtime`` says all imports
of the process cost together (the sum of every module's own time, median of the
runs; the interpreter's own start-up imports included). Measured in the same run:

- ``python -c pass``: the interpreter alone, the floor every case pays;
- ``import pattern_quality``: the lazy package (names load on first use);
- ``--version`` and ``--help``: the command line, which imports only the module
  of the command being run;
- ``eager (as before)``: what the package and the command line did before the
  lazy imports: every public name imported, every command module registered,
  and qdrant-client imported (``demo`` imported it at the top).

Usage::

    .venv/bin/python -m tests.benchmarks.bench_import            # 15 runs per case
    .venv/bin/python -m tests.benchmarks.bench_import --runs 3   # a quick check
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import time
from typing import Final

CASES: Final[dict[str, list[str]]] = {
    "python -c pass": ["-c", "pass"],
    "import pattern_quality": ["-c", "import pattern_quality"],
    "pattern-quality --version": ["-m", "pattern_quality", "--version"],
    "pattern-quality --help": ["-m", "pattern_quality", "--help"],
    "pattern-quality backfill --help": ["-m", "pattern_quality", "backfill", "--help"],
    "eager (as before)": [
        "-c",
        "from pattern_quality import *; import pattern_quality.sources.qdrant; "
        "from pattern_quality.cli._app import build_parser; build_parser()",
    ],
}

_SELF = re.compile(r"^import time:\s+(\d+) \|", re.MULTILINE)


def _run(args: list[str], importtime: bool) -> tuple[float, int | None]:
    flags = ["-X", "importtime"] if importtime else []
    start = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, *flags, *args],
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"},
    )
    elapsed = time.perf_counter() - start
    if not importtime:
        return elapsed, None
    return elapsed, sum(int(m) for m in _SELF.findall(proc.stderr))


def main(argv: list[str] | None = None) -> int:
    """Run the cases and print the table.

    Args:
        argv: Command-line arguments (``--runs N``).

    Returns:
        0.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs per case (default 15)")
    args = parser.parse_args(argv)

    for case in CASES.values():  # warm the file cache and the .pyc files once
        _run(case, importtime=False)
    walls: dict[str, list[float]] = {name: [] for name in CASES}
    imports: dict[str, list[int]] = {name: [] for name in CASES}
    for _ in range(args.runs):
        for name, case in CASES.items():
            walls[name].append(_run(case, importtime=False)[0])
            cost = _run(case, importtime=True)[1]
            imports[name].append(cost or 0)

    print(f"startup, {args.runs} runs per case, {sys.executable} (Python {sys.version.split()[0]})")
    print(f"{'case':<28} {'median s':>9} {'min s':>7} {'imports ms':>11}")
    for name in CASES:
        import_ms = statistics.median(imports[name]) / 1000
        print(
            f"{name:<28} {statistics.median(walls[name]):>9.3f} {min(walls[name]):>7.3f} "
            f"{import_ms:>11.1f}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
