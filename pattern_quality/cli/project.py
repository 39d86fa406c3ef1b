"""``pattern-quality project``: rebuild the quality projection in Qdrant from the database.

Also the Qdrant half of ``pattern-quality verify --qdrant`` (:func:`add_check_options`,
:func:`check_projection`, :func:`format_check`), which ``cli/migrate.py`` calls.

Exit codes of ``project``: 0 every point with a stored row holds its projection;
2 the command could not run (no Qdrant or database configured or reachable, a
collection or the schema missing; pages written before stay written, and a
re-run converges). Neither the database password nor the Qdrant API key ever
appears in the output.
"""

from __future__ import annotations

import argparse
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .._config import scrub
from ..errors import ConfigurationError, PatternQualityError
from ..projection.payload import DEFAULT_QUALITY_KEY
from ..projection.reports import PROBLEMS, ProjectionCheck, ProjectReport
from ._backfill_collections import CHOICES, resolve_collections
from ._common import (
    EXIT_OK,
    EXIT_UNAVAILABLE,
    add_database_option,
    add_json_option,
    database_url,
    error,
    print_json,
)
from ._qdrant import add_qdrant_options, open_source, qdrant_secret, qdrant_target

if TYPE_CHECKING:  # psycopg and qdrant-client load when the command runs, not for --help
    from ..projection.projector import QdrantProjector
    from ..storage.postgres import PostgresQualityStore

__all__ = ["add_check_options", "check_projection", "format_check", "register"]


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value


def _collection_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--collection",
        dest="collections",
        action="append",
        choices=CHOICES,
        help="collection whose points are read (repeatable; 'all': the legacy ones that "
        "exist, '*': every one; default: code_patterns and execution_patterns)",
    )
    p.add_argument(
        "--projection-key",
        default=DEFAULT_QUALITY_KEY,
        metavar="KEY",
        help=f"payload key of the projection (default: {DEFAULT_QUALITY_KEY})",
    )
    p.add_argument(
        "--page-size",
        type=_positive_int,
        metavar="N",
        help="points per Qdrant scroll and write (default: 1000 for a server, 5000 for local mode)",
    )


def add_check_options(p: argparse.ArgumentParser) -> None:
    """Add the options of ``verify --qdrant`` to the ``verify`` parser.

    Args:
        p: The ``verify`` parser.
    """
    p.add_argument(
        "--qdrant",
        action="store_true",
        help="also compare every point's quality payload with its stored row "
        "(missing, stale or ahead of the database: exit 1)",
    )
    _collection_options(p)
    add_qdrant_options(p)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``project`` sub-command.

    Args:
        subparsers: The main parser's sub-parsers.
    """
    p = subparsers.add_parser(
        "project",
        help="write every stored score into its Qdrant points' payloads (no re-scoring)",
        description=(
            "Scroll the collections page by page, read each page's stored rows with one query "
            "and write their quality payloads with one request per page. The database is the "
            "source of truth: stale, missing and newer payloads are overwritten, payloads "
            "without a row are removed. Re-runnable. Exit codes: 0 done; 2 could not run."
        ),
    )
    _collection_options(p)
    p.add_argument(
        "--changed-only",
        action="store_true",
        help="leave alone the points that already hold their row's projection",
    )
    add_database_option(p)
    add_qdrant_options(p)
    add_json_option(p)
    p.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    p.set_defaults(func=_run)


@contextmanager
def _opened(
    args: argparse.Namespace, secret: str | None
) -> Iterator[tuple[QdrantProjector, PostgresQualityStore, tuple[str, ...], int]]:
    from ..storage._pg import DEFAULT_CONNECT_TIMEOUT
    from ..storage.postgres import PostgresQualityStore

    target = qdrant_target(args)  # configuration errors first, then the database, then Qdrant
    store = PostgresQualityStore(database_url(args, create=False), timeout=DEFAULT_CONNECT_TIMEOUT)
    try:
        store.open()
        with open_source(target, secret, quiet=getattr(args, "quiet", False)) as source:
            names = resolve_collections(source, args.collections, quiet=True)
            try:
                projector = source.projector(key=args.projection_key)
            except ValueError as exc:
                raise ConfigurationError(f"--projection-key: {exc}") from None
            yield projector, store, names, args.page_size or source.page_size
    finally:
        store.close()


def check_projection(args: argparse.Namespace) -> ProjectionCheck:
    """Run the Qdrant half of ``verify --qdrant``.

    Args:
        args: The parsed ``verify`` options.

    Returns:
        The check.

    Raises:
        PatternQualityError: Qdrant or the database could not be used (the
            message carries no secret).
    """
    from ..projection.rebuild import verify_projection

    secret = qdrant_secret(args)
    try:
        with _opened(args, secret) as (projector, store, names, page):
            return verify_projection(projector, store, names, page_size=page)
    except PatternQualityError as exc:
        raise type(exc)(scrub(str(exc), secret)) from None


def format_check(check: ProjectionCheck) -> str:
    """Return the text of a projection check.

    Args:
        check: The check.

    Returns:
        One line per state, examples of the problems, and a verdict.
    """
    lines = [f"qdrant: {', '.join(check.collections)}: {check.points:,} points"]
    lines.append(f"ok    {'projected':<9} {check.counts.get('ok', 0):>9,}")
    for state in PROBLEMS:
        count = check.counts.get(state.value, 0)
        lines.append(f"{'FAIL' if count else 'ok  '}  {state.value:<9} {count:>9,}")
        examples = check.examples.get(state.value, ())
        if examples:
            shown = ", ".join(f"{m.collection}/{m.point_id}" for m in examples)
            lines.append(f"          e.g. {shown}")
    lines.append(
        f"note  {'unscored':<9} {check.counts.get('unscored', 0):>9,}  (no row, no payload)"
    )
    lines.append(
        "verify --qdrant: every projection matches its row"
        if check.ok
        else f"verify --qdrant: {check.problems:,} points out of date "
        "(run `pattern-quality project` to repair)"
    )
    return "\n".join(lines)


def _format(report: ProjectReport, key: str) -> str:
    mode = " (--changed-only)" if report.changed_only else ""
    return "\n".join(
        [
            f"project into {', '.join(report.collections)} (payload key {key!r}){mode}",
            f"  points    {report.points:>10,}",
            f"  written   {report.written:>10,}",
            f"  cleared   {report.cleared:>10,}  (payload without a stored row)",
            f"  unchanged {report.unchanged:>10,}  (already held their row's projection)",
            f"  unscored  {report.unscored:>10,}  (no stored row)",
            f"{report.requests:,} write requests in {report.elapsed:.2f} s",
        ]
    )


def _run(args: argparse.Namespace) -> int:
    from ..projection.rebuild import project_stored

    secret = qdrant_secret(args)
    try:
        with _opened(args, secret) as (projector, store, names, page):
            report = project_stored(
                projector, store, names, changed_only=args.changed_only, page_size=page
            )
    except PatternQualityError as exc:
        error(scrub(str(exc), secret))
        return EXIT_UNAVAILABLE
    if args.json:
        print_json(report.to_dict())
    elif not args.quiet:
        print(_format(report, args.projection_key))
    return EXIT_OK
