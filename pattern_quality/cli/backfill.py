"""``pattern-quality backfill``: score Qdrant collections into PostgreSQL.

Exit codes: 0 every pattern was scored and stored (and projected, with
``--project-to-qdrant``); 1 some points could not be scored, or some stored
batches could not be projected into Qdrant (they are listed) and the rest were
stored; 2 the run could not complete (no Qdrant or database configured or
reachable, a collection or the schema is missing, or the database went away for
longer than the retries). Neither the database password nor the Qdrant API key
ever appears in the output.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from typing import TYPE_CHECKING, Any, Final

from .._config import describe_dsn, describe_url, scrub
from ..backfill import DEFAULT_WRITE_BATCH
from ..backfill.retry import DEFAULT_RETRY
from ..errors import BackfillError, ConfigurationError, PatternQualityError
from ..projection.payload import DEFAULT_QUALITY_KEY
from ..scoring import DEFAULT_RUBRIC, PatternQualityScorer, available_rubrics
from ..sources.shard import JOB_COMPLETION_INDEX, Shard, resolve_shard
from ._backfill_collections import CHOICES, resolve_collections
from ._common import (
    EXIT_FAILURES,
    EXIT_OK,
    EXIT_UNAVAILABLE,
    add_database_option,
    add_json_option,
    database_url,
    error,
    print_json,
)
from ._feedback import ProgressBar, slow_notice, tty
from ._qdrant import add_qdrant_options, open_source, qdrant_secret, qdrant_target

if TYPE_CHECKING:
    from ..backfill.report import BackfillReport
    from ..projection.projector import QdrantProjector
    from ..sources.qdrant import QdrantPatternSource
    from ..storage.postgres import PostgresQualityStore

__all__ = ["register"]

#: ``--workers auto`` scores in worker processes (one per usable core) only from this
#: many points on: starting them costs about half a second (docs/performance.md).
AUTO_WORKERS_FROM: Final = 10_000

#: Seconds to wait for the database at the start (``None``: the store's default,
#: 10 s; the DSN's ``connect_timeout`` wins). The runner, the stores and psycopg are
#: imported only when the command runs, so that ``backfill --help`` stays fast.
DEFAULT_CONNECT_TIMEOUT: float | None = None


def usable_cores() -> int:
    """Return the CPU cores this process may run on (at least 1).

    Returns:
        ``len(os.sched_getaffinity(0))`` where available, else ``os.cpu_count()``.
    """
    affinity = getattr(os, "sched_getaffinity", None)
    cores = len(affinity(0)) if affinity is not None else os.cpu_count()
    return max(1, cores or 1)


def auto_workers(points: int) -> int:
    """Return the worker count ``--workers auto`` picks for a run over ``points`` points.

    Args:
        points: Points the run will read.

    Returns:
        1 (score in this process) below :data:`AUTO_WORKERS_FROM` points or on one
        core, else one worker per usable core.
    """
    return usable_cores() if points >= AUTO_WORKERS_FROM else 1


def _workers(text: str) -> int | None:
    if text == "auto":
        return None
    try:
        return _positive_int(text)
    except argparse.ArgumentTypeError:
        raise argparse.ArgumentTypeError(
            f"expected an integer >= 1 or 'auto', got {text!r}"
        ) from None


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected an integer >= 1, got {text!r}")
    return value


def _non_negative_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}") from None
    if value < 0:
        raise argparse.ArgumentTypeError(f"expected an integer >= 0, got {text!r}")
    return value


def _unit_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text!r}") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"expected a number in [0, 1], got {text!r}")
    return value


def _shard(text: str) -> Shard:
    try:
        return Shard.parse(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``backfill`` sub-command.

    Args:
        subparsers: The main parser's sub-parsers.
    """
    p = subparsers.add_parser(
        "backfill",
        help="score Qdrant collections and store one score per pattern",
        description=(
            "Scroll Qdrant collections page by page, score every pattern (default rubric "
            f"{DEFAULT_RUBRIC}) and upsert the scores into pattern_quality_metrics in batches. "
            "Re-runs update rows, never duplicate them. Exit codes: 0 all stored; "
            "1 some points failed (listed), the rest stored; 2 could not complete."
        ),
    )
    p.add_argument(
        "--collection",
        dest="collections",
        action="append",
        choices=CHOICES,
        help="collection to score (repeatable; default: code_patterns and execution_patterns); "
        "'all': every legacy collection that exists; '*' (quoted): every collection",
    )
    p.add_argument("--limit", type=_non_negative_int, metavar="N", help="read at most N points")
    p.add_argument(
        "--min-confidence",
        type=_unit_float,
        metavar="X",
        help="skip patterns whose confidence is below X (counted as skipped)",
    )
    p.add_argument(
        "--batch-size",
        type=_positive_int,
        default=DEFAULT_WRITE_BATCH,
        metavar="N",
        help=f"scores per database write (default: {DEFAULT_WRITE_BATCH})",
    )
    p.add_argument(
        "--page-size",
        type=_positive_int,
        metavar="N",
        help="points per Qdrant scroll call (default: 1000 for a server, 5000 for local mode)",
    )
    p.add_argument(
        "--shard",
        type=_shard,
        metavar="K/N",
        help="only score the K-th of N disjoint slices of the points (by pattern id; 1-based)",
    )
    p.add_argument(
        "--shard-count",
        type=_positive_int,
        metavar="N",
        help=f"score one of N shards: the one of --shard-index, else of ${JOB_COMPLETION_INDEX} "
        "(0-based, as a Kubernetes Indexed Job sets it; docs/scaling.md)",
    )
    p.add_argument(
        "--shard-index",
        type=_non_negative_int,
        metavar="I",
        help="with --shard-count N: the 0-based shard index, 0 to N-1",
    )
    p.add_argument(
        "--rubric",
        choices=available_rubrics(),
        default=DEFAULT_RUBRIC,
        help=f"rubric to score with (default: {DEFAULT_RUBRIC}; 1.0.0 is the legacy one)",
    )
    p.add_argument(
        "--changed-only",
        action="store_true",
        help="read each batch's stored rows first and skip the patterns whose row has the "
        "same content hash and rubric version (counted as unchanged)",
    )
    p.add_argument(
        "--workers",
        type=_workers,
        default=None,
        metavar="N|auto",
        help="processes that score; 1 scores in this process (default: auto, one per usable "
        f"core from {AUTO_WORKERS_FROM:,} points on, else 1)",
    )
    p.add_argument("--dry-run", action="store_true", help="score and report, write nothing")
    p.add_argument(
        "--project-to-qdrant",
        action="store_true",
        help="after each committed batch, write the scores into the points' Qdrant payloads "
        "(a batch whose projection fails stays stored, is listed, and the exit code is 1)",
    )
    p.add_argument(
        "--projection-key",
        default=DEFAULT_QUALITY_KEY,
        metavar="KEY",
        help=f"payload key of the projection (default: {DEFAULT_QUALITY_KEY})",
    )
    add_database_option(p)
    add_qdrant_options(p)
    add_json_option(p)
    p.add_argument(
        "-q", "--quiet", action="store_true", help="no progress bar and no summary (errors only)"
    )
    p.set_defaults(func=_run)


@contextmanager
def _progress(
    enabled: bool, total: int | None, label: str
) -> Iterator[Callable[[int], object] | None]:
    if not enabled:
        yield None
        return
    bar = ProgressBar(total, label)
    try:
        yield bar
    finally:
        bar.close()


def _open_store(args: argparse.Namespace) -> PostgresQualityStore:
    # A new, empty embedded database could only fail the schema check: never create one.
    from ..storage._pg import DEFAULT_CONNECT_TIMEOUT as STORE_DEFAULT
    from ..storage.postgres import PostgresQualityStore

    url = database_url(args, create=False)
    timeout = STORE_DEFAULT if DEFAULT_CONNECT_TIMEOUT is None else DEFAULT_CONNECT_TIMEOUT
    store = PostgresQualityStore(url, timeout=timeout)
    notice = f"connecting to PostgreSQL at {describe_dsn(url)} …"
    try:
        with slow_notice(notice, enabled=_notices(args)):
            store.open()  # fail fast (unreachable, schema missing) before reading Qdrant
    except BaseException:
        store.close()
        raise
    return store


def _run(args: argparse.Namespace) -> int:
    secret = qdrant_secret(args)
    try:
        return _backfill(args, secret)
    except PatternQualityError as exc:
        error(scrub(str(exc), secret))  # no message leaves with the API key in it
        cause = exc.__cause__ if getattr(args, "verbose", None) else None
        while cause is not None:  # -v: the detail, scrubbed (DriverError, ...)
            error(scrub(f"cause: {type(cause).__name__}: {cause}", secret), args.database_url)
            cause = cause.__cause__
        return EXIT_UNAVAILABLE


def _notices(args: argparse.Namespace) -> bool:
    # "connecting to ..." and the progress bar: for a person at a terminal only.
    return not args.quiet and tty()


def _shard_of(args: argparse.Namespace) -> Shard | None:
    try:
        return resolve_shard(args.shard, args.shard_count, args.shard_index, os.environ)
    except ValueError as exc:
        raise ConfigurationError(str(exc)) from None


def _qdrant_notice(target: tuple[str, str]) -> str:
    kind, where = target
    if kind == "path":
        return f"opening the local Qdrant in {where} (local mode reads every point first) …"
    return f"connecting to Qdrant at {describe_url(where)} …"


def _backfill(args: argparse.Namespace, secret: str | None) -> int:
    from ..backfill.runner import backfill  # psycopg and the rest: when the command runs

    if args.project_to_qdrant and args.dry_run:
        raise ConfigurationError("--project-to-qdrant writes Qdrant payloads: not with --dry-run")
    show_progress = _notices(args)
    shard = _shard_of(args)
    target = qdrant_target(args)  # configuration errors first, then the database, then Qdrant
    # A dry run writes nothing, but --changed-only still reads the stored rows.
    store = None if args.dry_run and not args.changed_only else _open_store(args)
    try:
        with ExitStack() as stack:
            total: int | None = None
            with slow_notice(_qdrant_notice(target), enabled=show_progress):
                source = stack.enter_context(
                    open_source(
                        target, secret, quiet=args.quiet, page_size=args.page_size, shard=shard
                    )
                )
                names = resolve_collections(source, args.collections, quiet=args.quiet)
                if show_progress or args.workers is None:
                    total = source.count(names)
            if total is not None:
                if shard is not None:
                    total = math.ceil(total / shard.count)
                if args.limit is not None:
                    total = min(total, args.limit)
            workers = auto_workers(total or 0) if args.workers is None else args.workers
            project = _projector(args, source)
            label = names[0] if names else "backfill"
            try:
                with _progress(show_progress, total, label) as progress:
                    report = backfill(
                        source,
                        store,
                        collections=names,
                        limit=args.limit,
                        min_confidence=args.min_confidence,
                        dry_run=args.dry_run,
                        changed_only=args.changed_only,
                        batch_size=args.batch_size,
                        workers=workers,
                        scorer=PatternQualityScorer(args.rubric, explain=False),
                        retry=DEFAULT_RETRY,
                        progress=progress,
                        project=project,
                    )
            except BackfillError as exc:
                _emit(args, exc.report, secret)
                error(scrub(str(exc), secret))
                return EXIT_UNAVAILABLE
    finally:
        if store is not None:
            store.close()
    _emit(args, report, secret)
    return EXIT_OK if report.ok else EXIT_FAILURES


def _projector(args: argparse.Namespace, source: QdrantPatternSource) -> QdrantProjector | bool:
    if not args.project_to_qdrant:
        return False
    try:
        return source.projector(key=args.projection_key)
    except ValueError as exc:
        raise ConfigurationError(f"--projection-key: {exc}") from None


def _emit(args: argparse.Namespace, report: BackfillReport, secret: str | None) -> None:
    from ._backfill_output import format_failures, format_report, format_unprojected

    if args.json:
        print_json(_scrubbed(report.to_dict(), secret))
        return
    if not args.quiet:
        print(scrub(format_report(report), secret))
    else:
        for text in (format_failures(report), format_unprojected(report)):
            if text:
                print(scrub(text, secret), file=sys.stderr)


def _scrubbed(value: Any, secret: str | None) -> Any:
    if isinstance(value, str):
        return scrub(value, secret)
    if isinstance(value, dict):
        return {k: _scrubbed(v, secret) for k, v in value.items()}
    if isinstance(value, list):
        return [_scrubbed(v, secret) for v in value]
    return value
