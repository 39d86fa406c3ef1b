"""Scoring throughput (patterns/s) on the bundled sample: rubric 2.0.0 vs rubric 1.0.0.

The baseline is rubric 1.0.0 (``rubric_1_0_0.RUBRIC.score``), the substring scorer
that 2.0.0 replaces; both score the same validated ``Pattern`` objects, so the table
compares the rubrics alone (validation and ``QualityScore`` building cost the same
for both). Two reference rows show where 2.0.0's time goes: ``ast.parse`` of each
pattern's code alone (the floor for any AST-based rubric), and a plain
``tokenize`` pass over it (what reading comments through :mod:`tokenize` would
cost on top, which is why 2.0.0 uses its own linear scan instead).

Variants take turns on slices of 100 patterns, so a busy machine slows them alike;
the table shows the median of several runs.

Usage::

    .venv/bin/python -m tests.benchmarks.bench_rubric2 [--runs 5] [--repeat 3]

(``make bench`` runs it; running the file as a script works too.)
"""

from __future__ import annotations

import argparse
import ast
import io
import os
import platform
import statistics
import sys
import time
import tokenize
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pattern_quality import Pattern  # noqa: E402
from pattern_quality.models import Finding  # noqa: E402
from pattern_quality.sample import load_sample_patterns  # noqa: E402
from pattern_quality.scoring import rubric_1_0_0, rubric_2_0_0  # noqa: E402

_SLICE = 100


def _parse_only(p: Pattern) -> object:
    try:
        return ast.parse(p.code)
    except SyntaxError:
        return None


def _tokenize_only(p: Pattern) -> object:
    try:
        return list(tokenize.generate_tokens(io.StringIO(p.code).readline))
    except (tokenize.TokenError, SyntaxError):
        return None


def _with_findings(p: Pattern) -> object:
    findings: list[Finding] = []
    return rubric_2_0_0.RUBRIC.score(p, findings)


def _time(fn: Callable[[Pattern], object], items: Sequence[Pattern]) -> float:
    start = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per variant (median)")
    parser.add_argument("--repeat", type=int, default=3, help="passes over the corpus per run")
    args = parser.parse_args(argv)

    sample = [Pattern.from_mapping(d) for d in load_sample_patterns()]
    patterns = sample * args.repeat
    parsed = 0
    for p in sample:  # how much of the sample takes the AST path
        parsed += _parse_only(p) is not None

    variants: list[tuple[str, Callable[[Pattern], object]]] = [
        ("rubric 1.0.0 (baseline, substring rules)", rubric_1_0_0.RUBRIC.score),
        ("rubric 2.0.0, no findings", rubric_2_0_0.RUBRIC.score),
        ("rubric 2.0.0, with findings", _with_findings),
        ("reference: `ast.parse` alone", _parse_only),
        ("reference: `tokenize` alone", _tokenize_only),
    ]
    for _, fn in variants:  # warm-up
        _time(fn, patterns[:200])
    timings: list[list[float]] = [[] for _ in variants]
    for _ in range(args.runs):
        totals = [0.0] * len(variants)
        for start in range(0, len(patterns), _SLICE):
            chunk = patterns[start : start + _SLICE]
            for i, (_, fn) in enumerate(variants):
                totals[i] += _time(fn, chunk)
        for i, total in enumerate(totals):
            timings[i].append(total)

    rates = [len(patterns) / statistics.median(t) for t in timings]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"sample: {len(sample)} patterns ({parsed} parse as Python) x {args.repeat} passes, "
        f"median of {args.runs} runs, one process, Python {platform.python_version()}, "
        f"load average {load:.1f}"
    )
    print()
    print("| variant | patterns/s | vs 1.0.0 |")
    print("|---|---:|---:|")
    for (label, _), rate in zip(variants, rates, strict=True):
        print(f"| {label} | {rate:,.0f} | {rate / rates[0]:.3f}x |")
    print()
    print(
        "command: .venv/bin/python -m tests.benchmarks.bench_rubric2 "
        f"--runs {args.runs} --repeat {args.repeat}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
