"""``pattern-quality report``: the distribution of the stored scores."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from ..models import Tier
from ..report import Summary, SummaryBuilder, format_summary

if TYPE_CHECKING:
    from ..storage.base import QualityStore
from ._common import EXIT_OK, EXIT_UNAVAILABLE, add_database_option, database_url, error

__all__ = [
    "BINS",
    "format_histogram",
    "histogram",
    "read_distribution",
    "register",
    "report_json",
    "run",
]

#: Number of equal-width bins of the composite histogram over [0, 1].
BINS: Final = 10
_BAR_WIDTH: Final = 40


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``report`` sub-command.

    Args:
        subparsers: The ``pattern-quality`` sub-command collection.
    """
    parser = subparsers.add_parser(
        "report",
        help="print the distribution of the stored quality scores",
        description=(
            "Read every stored score and print the count, the tier distribution, the "
            "dimension averages and a histogram of composite scores in 0.1 bins."
        ),
    )
    add_database_option(parser)
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    parser.add_argument(
        "--plot",
        metavar="FILE.png",
        type=Path,
        help="also write a figure (histogram with tier thresholds, dimension averages); "
        "needs the notebook extra",
    )
    parser.set_defaults(func=run)


def histogram(composites: Iterable[float], bins: int = BINS) -> list[int]:
    """Count composite scores in ``bins`` equal-width bins over [0, 1].

    Bin ``i`` holds ``i/bins <= s < (i+1)/bins``; the last bin also holds 1.0.

    Args:
        composites: Scores in [0, 1].
        bins: Number of bins.

    Returns:
        The count per bin, lowest bin first.
    """
    counts = [0] * bins
    for value in composites:
        counts[_bin(value, bins)] += 1
    return counts


def _bin(value: float, bins: int = BINS) -> int:
    return min(int(value * bins), bins - 1)


def _bin_label(i: int, bins: int = BINS) -> str:
    return f"{i / bins:.1f}-{(i + 1) / bins:.1f}"


def read_distribution(store: QualityStore) -> tuple[Summary, list[int]]:
    """Stream every stored row once into a summary and a composite histogram.

    Args:
        store: The store to read (``iter_all``, bounded memory).

    Returns:
        The :class:`Summary` and the :func:`histogram` counts.
    """
    builder, hist = SummaryBuilder(), [0] * BINS
    for row in store.iter_all():
        builder.add(row)
        hist[_bin(row.composite_score)] += 1
    return builder.summary(), hist


def report_json(summary: Summary, hist: list[int]) -> dict[str, Any]:
    """Return the report as a JSON-ready mapping.

    Args:
        summary: The summary of the stored scores.
        hist: From :func:`histogram`.

    Returns:
        ``count``, ``tiers`` (count and percent per tier), ``dimension_averages``,
        ``histogram`` (bin label and count, lowest first) and ``versions``.
    """
    return {
        "count": summary.total,
        "tiers": {
            t.value: {"count": summary.tier_counts[t.value], "percent": summary.tier_percent(t)}
            for t in Tier
        },
        "dimension_averages": dict(summary.dimension_averages),
        "histogram": [{"bin": _bin_label(i), "count": n} for i, n in enumerate(hist)],
        "versions": list(summary.versions),
    }


def format_histogram(hist: list[int]) -> str:
    """Render the histogram as text bars, highest bin first.

    Args:
        hist: From :func:`histogram`.

    Returns:
        One line per bin.
    """
    top = max(hist) if any(hist) else 1
    lines = ["composite histogram"]
    for i in reversed(range(len(hist))):
        bar = "#" * round(hist[i] / top * _BAR_WIDTH)
        lines.append(f"  {_bin_label(i)} {hist[i]:>7,}  {bar}".rstrip())
    return "\n".join(lines)


def _write_plot(store: QualityStore, path: Path) -> bool:
    """Write the figure; say which extra to install (and return False) without it."""
    try:
        import matplotlib  # noqa: F401  (checked before reading the rows again)
        import pandas  # noqa: F401
    except ImportError:
        error(
            f"--plot needs the notebook extra (pandas, matplotlib), so {path} was not "
            "written: pip install 'pattern-quality[notebook]'"
        )
        return False
    from ..explore import load_metrics, plot_distribution

    plot_distribution(load_metrics(store)).savefig(path, dpi=120)
    return True


def run(args: argparse.Namespace) -> int:
    """Read the stored scores and print the report, then write the figure of ``--plot``.

    Args:
        args: Parsed arguments (``database_url``, ``json``, ``plot``).

    Returns:
        0 on success; 2 when ``--plot`` was asked for without the ``notebook``
        extra (the report is still printed).

    Raises:
        PatternQualityError: The database is unavailable or not migrated (the CLI
            prints the message and exits 2).
    """
    from ..storage.postgres import PostgresQualityStore  # psycopg: when the command runs

    with PostgresQualityStore(database_url(args, create=False)) as store:
        summary, hist = read_distribution(store)
        if args.json:
            print(json.dumps(report_json(summary, hist), indent=2))
        else:
            title = f"{summary.total:,} stored scores (rubric {', '.join(summary.versions) or '-'})"
            print(format_summary(summary, title=title))
            print()
            print(format_histogram(hist))
        sys.stdout.flush()  # the report comes first, whatever happens to the figure
        if args.plot is None:
            return EXIT_OK
        if not _write_plot(store, args.plot):
            return EXIT_UNAVAILABLE
    if not args.json:
        print(f"\nfigure written to {args.plot}")
    return EXIT_OK
