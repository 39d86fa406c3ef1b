"""Scoring throughput (patterns/s) on the bundled sample: rubric 1.0.0 vs the naive legacy code.

The baseline is ``tests/legacy_rubric.py``: a literal transcription of
docs/legacy.md#rubric-100 (plain
substring tests, ``split("\\n")``, the original regex) that builds the legacy result
dict with a timestamp. Ours is ``PatternQualityScorer.score_pattern`` on the same
mappings, which also validates the input and builds a validated ``QualityScore``;
measured with findings (``explain=True``, the default) and without (``explain=False``,
the bulk path). All variants run interleaved in the same process; the table shows
the median of several runs. Variants take turns on slices of 100 patterns, so a busy
machine slows them alike.

Usage::

    .venv/bin/python -m tests.benchmarks.bench_scoring [--runs 7] [--repeat 5]

(``make bench`` runs it; running the file as a script works too.)
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from pattern_quality import Pattern, PatternQualityScorer  # noqa: E402
from pattern_quality.sample import load_sample_patterns  # noqa: E402
from pattern_quality.scoring.rubric_1_0_0 import RUBRIC  # noqa: E402
from tests import legacy_rubric  # noqa: E402


def _legacy_dimensions(p: Pattern) -> tuple[float, ...]:
    return (
        legacy_rubric.score_completeness(p.code),
        legacy_rubric.score_documentation(p.code, p.text),
        legacy_rubric.score_onex(p.code, p.node_type, p.pattern_name),
        legacy_rubric.score_metadata(list(p.use_cases), list(p.examples), dict(p.metadata)),
        legacy_rubric.score_complexity(p.code, p.metadata.get("complexity")),
    )


_SLICE = 100


def _time(fn: Callable[[Any], object], items: Sequence[Any]) -> float:
    start = time.perf_counter()
    for item in items:
        fn(item)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="timed runs per variant (median)")
    parser.add_argument("--repeat", type=int, default=5, help="passes over the corpus per run")
    args = parser.parse_args(argv)

    corpus = load_sample_patterns() * args.repeat
    patterns = [Pattern.from_mapping(d) for d in corpus]
    explain = PatternQualityScorer("1.0.0").score_pattern
    bulk = PatternQualityScorer("1.0.0", explain=False).score_pattern

    # Parity first: a benchmark of a wrong implementation is worthless.
    for data in corpus[: len(corpus) // args.repeat]:
        legacy = legacy_rubric.score_pattern(data)
        for ours in (explain(data), bulk(data)):
            assert ours.composite_score == legacy["composite_score"], data["pattern_id"]
            assert ours.dimension_scores == {k: legacy[k] for k in ours.dimension_scores}, data[
                "pattern_id"
            ]

    # (label, function, inputs, index of the baseline row it is compared with)
    variants: list[tuple[str, Callable[[Any], object], Sequence[Any], int]] = [
        ("naive legacy `score_pattern(dict)`", legacy_rubric.score_pattern, corpus, 0),
        ("`score_pattern(dict)`, explain=True", explain, corpus, 0),
        ("`score_pattern(dict)`, explain=False", bulk, corpus, 0),
        ("naive legacy, 5 dimensions only", _legacy_dimensions, patterns, 3),
        ("`RUBRIC.score(Pattern)`, no findings", RUBRIC.score, patterns, 3),
    ]
    timings: list[list[float]] = [[] for _ in variants]
    for _, fn, items, _ in variants:  # warm-up
        _time(fn, items[:200])
    # Variants take turns on small slices, so load changes on a busy machine hit
    # them alike; a run's time for a variant is the sum over its slices.
    size = len(corpus)
    for _ in range(args.runs):
        totals = [0.0] * len(variants)
        for start in range(0, size, _SLICE):
            for i, (_, fn, items, _) in enumerate(variants):
                totals[i] += _time(fn, items[start : start + _SLICE])
        for i, total in enumerate(totals):
            timings[i].append(total)

    rates = [
        len(items) / statistics.median(t)
        for (_, _, items, _), t in zip(variants, timings, strict=True)
    ]
    print(
        f"sample: {len(corpus) // args.repeat} patterns x {args.repeat} passes, "
        f"median of {args.runs} runs, Python {platform.python_version()}"
    )
    print()
    print("| variant | patterns/s | vs naive |")
    print("|---|---:|---:|")
    for (label, _, _, base), rate in zip(variants, rates, strict=True):
        print(f"| {label} | {rate:,.0f} | {rate / rates[base]:.2f}x |")
    print()
    print(
        "command: .venv/bin/python -m tests.benchmarks.bench_scoring "
        f"--runs {args.runs} --repeat {args.repeat}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
