"""``pattern-quality demo``: the whole product on the embedded default, end to end.

Seeds a local Qdrant with the bundled sample (about 1,000 patterns in
``code_patterns`` and ``execution_patterns``), migrates the database, runs the
backfill twice, checks with ``verify`` that the second run updated rather than
duplicated, and prints the distribution of the stored scores. Needs no server:
with no database URL configured it uses the embedded PostgreSQL; the local
Qdrant lives in the same data directory. Running it again is safe.
"""

from __future__ import annotations

import argparse
import sys

from ..scoring import DEFAULT_RUBRIC, available_rubrics
from ._common import EXIT_FAILURES, EXIT_OK, add_database_option, database_url

__all__ = ["register", "run"]


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``demo`` sub-command.

    Args:
        subparsers: The ``pattern-quality`` sub-command collection.
    """
    parser = subparsers.add_parser(
        "demo",
        help="run the whole product on the bundled sample with the embedded default",
        description=(
            "Seed a local Qdrant with the bundled sample patterns, migrate the database, "
            "run the backfill twice, verify that re-running updated rather than "
            "duplicated, and print the distribution. With no database URL configured "
            "everything runs embedded in --data-dir; running it again is safe."
        ),
    )
    add_database_option(parser)
    parser.add_argument(
        "--rubric",
        choices=available_rubrics(),
        default=DEFAULT_RUBRIC,
        help="rubric version to score with (default: %(default)s)",
    )
    parser.set_defaults(func=run)


def _say(message: str) -> None:
    print(message, flush=True)


def run(args: argparse.Namespace) -> int:
    """Run the demo.

    Args:
        args: Parsed arguments (``database_url``, ``data_dir``, ``rubric``).

    Returns:
        0 when both backfills stored every pattern and ``verify`` passed, else 1.

    Raises:
        PatternQualityError: A service could not be started or reached (the CLI
            prints the message and exits 2).
    """
    # Imported here, not at the top: qdrant-client alone takes about a second to
    # import, and `pattern-quality --help` should not wait for it.
    from qdrant_client import QdrantClient

    from ..backfill.runner import backfill
    from ..embedded import resolve_data_dir
    from ..report import format_summary
    from ..sample import SAMPLE_COLLECTIONS, seed_qdrant
    from ..schema.runner import migrate, verify
    from ..scoring import PatternQualityScorer
    from ..sources.qdrant import QdrantPatternSource
    from ..storage.postgres import PostgresQualityStore
    from .report import format_histogram, read_distribution

    url = database_url(args)  # a configured URL wins; otherwise the embedded server
    qdrant_path = resolve_data_dir(getattr(args, "data_dir", None)) / "qdrant"
    qdrant_path.mkdir(parents=True, exist_ok=True)
    scorer = PatternQualityScorer(args.rubric, explain=False)

    client = QdrantClient(path=str(qdrant_path))
    seeded = seed_qdrant(client)
    _say(
        f"1. seeded {seeded:,} sample patterns into {', '.join(SAMPLE_COLLECTIONS)} "
        f"(local Qdrant in {qdrant_path})"
    )

    steps = migrate(url).steps
    done = ", ".join(f"{step.version:03d}" for step in steps)
    _say(f"2. migrations: {'applied ' + done if steps else 'up to date'}")

    ok = True
    with (
        PostgresQualityStore(url) as store,
        QdrantPatternSource(client, collections=SAMPLE_COLLECTIONS, close_client=True) as source,
    ):
        before = store.count()
        for run_no in (1, 2):
            report = backfill(source, store, scorer=scorer)
            rows = store.count()
            _say(
                f"{2 + run_no}. backfill run {run_no}: scored {report.scored:,}, stored "
                f"{report.stored:,} in {report.elapsed:.2f} s; rows {before:,} -> {rows:,}"
            )
            ok = ok and report.completed and not report.failures and report.stored == seeded
            before = rows

        checked = verify(url)
        duplicates = (
            "no duplicates"
            if checked.ok
            else "PROBLEMS: " + "; ".join(f"{f.name}: {f.detail}" for f in checked.failures)
        )
        _say(f"5. verify: {duplicates}; the second run updated the same {rows:,} rows")
        ok = ok and checked.ok and rows == seeded

        summary, hist = read_distribution(store)
    _say("")
    _say(format_summary(summary, title=f"Stored quality of {summary.total:,} patterns"))
    _say("")
    _say(format_histogram(hist))
    if not ok:
        print("pattern-quality: demo finished with problems (see above)", file=sys.stderr)
    return EXIT_OK if ok else EXIT_FAILURES
