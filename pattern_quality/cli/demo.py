"""``pattern-quality demo``: score the bundled sample and print the distribution.

Needs no database and no Qdrant: it scores the sample corpus that ships with
the package (see :mod:`pattern_quality.sample`) and prints the tier distribution
and the dimension averages, overall and per collection.
"""

from __future__ import annotations

import argparse

from ..report import SummaryBuilder, format_summary
from ..sample import SAMPLE_COLLECTIONS, load_sample_patterns
from ..scoring import PatternQualityScorer, available_rubrics
from ._common import EXIT_OK

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` sub-command.

    Args:
        subparsers: The ``pattern-quality`` sub-command collection.
    """
    parser = subparsers.add_parser(
        "demo",
        help="score the bundled sample patterns and print the tier distribution",
        description=(
            "Score the sample of about 1,000 realistic patterns that ships with the package "
            "and print the tier distribution and dimension averages. Needs no database."
        ),
    )
    parser.add_argument(
        "--collection",
        choices=SAMPLE_COLLECTIONS,
        help="score one sample collection only (default: all)",
    )
    parser.add_argument(
        "--rubric",
        choices=available_rubrics(),
        default=available_rubrics()[0],
        help="rubric version to score with (default: %(default)s)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    """Score the sample and print the summaries.

    Args:
        args: Parsed arguments (``collection``, ``rubric``).

    Returns:
        :data:`~pattern_quality.cli._common.EXIT_OK`.
    """
    scorer = PatternQualityScorer(args.rubric, explain=False)
    names = SAMPLE_COLLECTIONS if args.collection is None else (args.collection,)
    version = scorer.rubric_version
    overall = SummaryBuilder()
    blocks = []
    for name in names:
        builder = SummaryBuilder()
        for score in scorer.score_many(load_sample_patterns(name)):
            builder.add(score)
            overall.add(score)
        summary = builder.summary()
        blocks.append(format_summary(summary, title=f"{name}: {summary.total:,} patterns"))
    if len(names) > 1:
        total = overall.summary()
        blocks.insert(0, format_summary(total, title=f"bundled sample: {total.total:,} patterns"))
    blocks.insert(0, f"pattern-quality demo: scoring the bundled sample with rubric {version}")
    print("\n\n".join(blocks))
    return EXIT_OK
