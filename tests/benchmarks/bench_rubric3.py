"""Rubric 3.0.0 speed: patterns/s with findings, the parse vs the analysis, the worst 100 kB.

Three measurements in one run, with rubric 2.0.0 as the baseline:

1. throughput on the bundled sample (``Rubric300.score_full`` with findings, the
   way the scorer calls it) next to rubric 2.0.0 with findings;
2. where 3.0.0's time goes: the tree-sitter parse alone (``analysis.parse``)
   against the analysis on top of it (``analyze`` minus the parse; goal: the
   analysis costs no more than the parse);
3. the worst single pattern at 100 kB: real sample code repeated to 100,000
   characters in each language with rules, and dense branchy Python; the
   slowest of several runs each after one warm-up scoring per language, so the
   one-off grammar load and query compilation is not counted (goal: <= 50 ms).

Variants take turns on slices of 100 patterns, so a busy machine slows them alike;
the table shows the median of several runs.

Usage::

    .venv/bin/python -m tests.benchmarks.bench_rubric3 [--runs 5] [--repeat 2]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pattern_quality import Pattern  # noqa: E402
from pattern_quality.models import Finding  # noqa: E402
from pattern_quality.sample import load_sample_patterns  # noqa: E402
from pattern_quality.scoring import rubric_2_0_0, rubric_3_0_0  # noqa: E402
from pattern_quality.scoring.analysis import analyze, detect, parse  # noqa: E402

_SLICE = 100
_BIG = 100_000


def _v3(p: Pattern) -> object:
    findings: list[Finding] = []
    return rubric_3_0_0.RUBRIC.score_full(p, findings)


def _v2(p: Pattern) -> object:
    findings: list[Finding] = []
    return rubric_2_0_0.RUBRIC.score(p, findings)


def _parse(p: Pattern) -> object:
    return parse(p.code, detect(p)[0]) if p.code else None


def _analyze(p: Pattern) -> object:
    return analyze(p.code, detect(p)[0]) if p.code else None


def _time(fn: Callable[[Pattern], object], items: Sequence[Pattern]) -> float:
    start = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - start


_SNIPPETS = {
    "typescript": (
        "/** Sum the lines of an order. */\n"
        "export function total({ lines }: Order): number {\n"
        "  let sum = 0;\n  for (const l of lines) {\n"
        "    if (l.qty > 0 && l.price) { sum += l.qty * l.price; } else { sum -= 1; }\n"
        "  }\n  try { check(sum); } catch (e) { throw e; }\n  return sum;\n}\n"
    ),
    "sql": (
        "-- One row per order.\n"
        "CREATE TABLE IF NOT EXISTS orders_{n} (id bigint PRIMARY KEY, total numeric);\n"
        "COMMENT ON TABLE orders_{n} IS 'Orders';\n"
        "UPDATE orders_{n} SET total = 0 WHERE total < 0;\n"
    ),
    "bash": (
        "# Copy one release.\ncopy_{n}() {{\n"
        '  if [ -n "$1" ]; then cp "$1" "$2" || exit 1; fi\n}}\n'
    ),
    "yaml": "key_{n}:\n  name: value\n  items:\n    - a\n    - b\n  # a comment\n",
    "python-branchy": (
        "def f_{n}(a, b):\n    if a and b or not a:\n        for x in b:\n"
        "            while x:\n                x = x - 1 if x else 0\n"
        "    try:\n        return [y for y in b if y]\n    except Exception:\n        raise\n"
    ),
}


def _big_patterns(sample: Sequence[Pattern]) -> list[tuple[str, Pattern]]:
    """100 kB patterns: the largest sample pattern repeated, and each snippet repeated."""
    out = []
    longest = max(sample, key=lambda p: len(p.code))
    code = (longest.code + "\n") * (_BIG // (len(longest.code) + 1) + 1)
    out.append(("python (sample code)", Pattern(code=code[:_BIG], extra={"language": "python"})))
    for name, snippet in _SNIPPETS.items():
        parts: list[str] = []
        n = 0
        while sum(map(len, parts)) < _BIG:
            parts.append(snippet.replace("{n}", str(n)).replace("{{", "{").replace("}}", "}"))
            n += 1
        language = "python" if name.startswith("python") else name
        out.append((name, Pattern(code="".join(parts)[:_BIG], extra={"language": language})))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="timed runs per variant (median)")
    parser.add_argument("--repeat", type=int, default=2, help="passes over the sample per run")
    args = parser.parse_args(argv)

    sample = [Pattern.from_mapping(d) for d in load_sample_patterns()]
    patterns = sample * args.repeat
    variants: list[tuple[str, Callable[[Pattern], object]]] = [
        ("rubric 2.0.0, with findings (baseline)", _v2),
        ("rubric 3.0.0, with findings", _v3),
        ("3.0.0 part: tree-sitter parse alone", _parse),
        ("3.0.0 part: parse + analysis (`analyze`)", _analyze),
    ]
    for _, fn in variants:  # warm-up: grammars and queries load once
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
    per = [statistics.median(t) / len(patterns) * 1e6 for t in timings]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"sample: {len(sample)} patterns x {args.repeat} passes, median of {args.runs} runs, "
        f"one process, Python {platform.python_version()}, load average {load:.1f}"
    )
    print()
    print("| variant | patterns/s | µs / pattern | vs 2.0.0 |")
    print("|---|---:|---:|---:|")
    for (label, _), rate, us in zip(variants, rates, per, strict=True):
        print(f"| {label} | {rate:,.0f} | {us:,.0f} | {rate / rates[0]:.2f}x |")
    parse_us, total_us = per[2], per[3]
    print()
    print(
        f"analysis on top of the parse: {total_us - parse_us:,.0f} µs vs parse {parse_us:,.0f} µs "
        f"(ratio {(total_us - parse_us) / parse_us:.2f}; goal <= 1.00)"
    )
    print()
    print("| 100 kB pattern | worst of 5, rubric 3.0.0 with findings | rubric 2.0.0 |")
    print("|---|---:|---:|")
    bigs = _big_patterns(sample)
    for _, big in bigs:  # warm-up: each grammar and query loads once per process
        _v3(big)
        _v2(big)
    for name, big in bigs:
        worst3 = max(_time(_v3, [big]) for _ in range(5)) * 1000
        worst2 = max(_time(_v2, [big]) for _ in range(5)) * 1000
        print(f"| {name} | {worst3:,.1f} ms | {worst2:,.1f} ms |")
    print()
    print(
        "command: .venv/bin/python -m tests.benchmarks.bench_rubric3 "
        f"--runs {args.runs} --repeat {args.repeat}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
