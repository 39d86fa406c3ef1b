"""``pattern-quality migrate`` and ``pattern-quality verify``.

Exit codes: 0 success; 1 ``verify`` found problems (with ``--qdrant``, also
points whose quality payload is missing, stale or ahead of the database); 2 the
command could not run (no database URL, database unreachable, an applied
migration file was edited, a migration failed and was rolled back, a destructive
``--down`` was not confirmed; with ``--qdrant``, Qdrant unreachable).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:  # the schema (and psycopg) load when a command runs, not for --help
    from ..schema import MigrationReport, MigrationStatus

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
from .project import add_check_options, check_projection, format_check

__all__ = ["register"]

#: The migration whose down-file drops the table with every stored score.
TABLE_VERSION: Final = 12


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``migrate`` and ``verify`` sub-commands.

    Args:
        subparsers: The main parser's sub-parsers.
    """
    mig = subparsers.add_parser(
        "migrate",
        help="create or bring pattern_quality_metrics up to date",
        description=(
            "Apply the pending SQL migrations (or roll back with --down). Safe to run "
            "concurrently and repeatedly; a database set up by hand with the legacy "
            "files is recognised and recorded."
        ),
    )
    add_database_option(mig)
    action = mig.add_mutually_exclusive_group()
    action.add_argument("--to", type=int, metavar="N", help="apply migrations up to version N")
    action.add_argument(
        "--down",
        type=int,
        metavar="N",
        help="roll back every applied migration above version N (below 12 drops the table)",
    )
    action.add_argument(
        "--status", action="store_true", help="list applied and pending migrations, change nothing"
    )
    mig.add_argument(
        "--dry-run",
        action="store_true",
        help="print what would run (and how many duplicate rows 014 would collapse)",
    )
    mig.add_argument(
        "-y",
        "--yes",
        action="store_true",
        help="confirm a destructive --down (below 12 drops the table and every score) "
        "without being asked; required when stdin is not a terminal",
    )
    mig.set_defaults(func=_migrate)

    ver = subparsers.add_parser(
        "verify",
        help="check the pattern_quality_metrics schema and data",
        description=(
            "Check that pattern_quality_metrics and its unique constraint exist, that "
            "the legacy foreign key is gone, that no pattern has more than one row and "
            "that every score is in [0, 1]; with --qdrant, also that every Qdrant point's "
            "quality payload matches its stored row. Exits 1 if anything is wrong."
        ),
    )
    add_database_option(ver)
    add_check_options(ver)
    add_json_option(ver)
    ver.set_defaults(func=_verify)


def _migrate(args: argparse.Namespace) -> int:
    from ..schema import migrate, migration_status, rollback

    # Only applying migrations may create the embedded database; --status, --dry-run
    # and --down read (or roll back) what exists.
    read_only = args.status or args.dry_run or args.down is not None
    url = database_url(args, create=not read_only)
    if args.status:
        if args.dry_run:
            print("--status changes nothing; --dry-run is ignored")
        _print_status(migration_status(url))
        return EXIT_OK
    if args.down is not None:
        if not args.dry_run and not _confirmed(url, args.down, args.yes):
            return EXIT_UNAVAILABLE
        report = rollback(url, args.down, dry_run=args.dry_run)
    else:
        report = migrate(url, args.to, dry_run=args.dry_run)
    _print_report(report)
    return EXIT_OK


def _stored_rows(url: str) -> int | None:
    import psycopg

    from ..errors import PatternQualityError
    from ..schema.statements import TABLE_ROWS_SQL
    from ..storage._connect import connect

    try:
        with connect(url, action="count the stored scores") as conn:
            row = conn.execute(TABLE_ROWS_SQL).fetchone()
    except (PatternQualityError, psycopg.Error):
        return None  # the rollback itself reports a database that cannot be used
    return None if row is None else int(row[0])


def _confirmed(url: str, to_version: int, yes: bool) -> bool:
    """Ask before a rollback that drops the table (on a terminal), or require ``--yes``."""
    from ..schema import rollback

    plan = rollback(url, to_version, dry_run=True)
    if not any(step.version == TABLE_VERSION for step in plan.steps) or yes:
        return True
    rows = _stored_rows(url)
    what = "every stored score" if rows is None else f"its {rows:,} stored score(s)"
    danger = (
        f"migrate --down {to_version} drops pattern_quality_metrics and {what} ({plan.database})"
    )
    if not sys.stdin.isatty():
        error(f"{danger}: pass --yes to confirm; nothing was changed")
        return False
    print(f"{danger}.", file=sys.stderr)
    print("Type 'yes' to drop it: ", end="", file=sys.stderr, flush=True)
    try:
        answer = sys.stdin.readline().strip().lower()
    except (OSError, ValueError):
        answer = ""
    if answer in {"yes", "y"}:
        return True
    print("pattern-quality: cancelled; nothing was changed", file=sys.stderr)
    return False


def _version(version: int | None) -> str:
    return "none" if version is None else f"{version:03d}"


def _print_report(report: MigrationReport) -> None:
    print(f"database: {report.database}")
    if report.adopted_legacy:
        print(
            "found pattern_quality_metrics without migration records (set up by hand): "
            + ("it would be checked and recorded" if report.dry_run else "checked and recorded")
        )
    verb = {("up", False): "applied", ("up", True): "would apply"}.get(
        (report.direction, report.dry_run), "would roll back" if report.dry_run else "rolled back"
    )
    for step in report.steps:
        print(f"{verb} {step.version:03d}_{step.name}")
        for notice in step.notices:
            print(f"  {notice}")
    if report.duplicate_rows is not None:
        print(
            f"014 would collapse {report.duplicate_rows} duplicate row(s) of "
            f"{report.duplicate_groups} pattern_id(s), keeping the latest measurement of each"
        )
    if not report.steps:
        print(f"nothing to do: schema is at version {_version(report.version_after)}")
    elif report.dry_run:
        print(
            f"dry run, nothing changed: version {_version(report.version_before)} "
            f"would become {_version(report.version_after)}"
        )
    else:
        print(f"schema is at version {_version(report.version_after)}")


def _print_status(status: MigrationStatus) -> None:
    print(f"database: {status.database}")
    if status.legacy_unrecorded:
        print(
            "pattern_quality_metrics exists but no migration is recorded (set up by hand); "
            "`pattern-quality migrate` checks and records it"
        )
    for entry in status.entries:
        when = entry.applied_at.isoformat(timespec="seconds") if entry.applied_at else ""
        print(f"{entry.version:03d}  {entry.state:<8}  {entry.name}  {when}".rstrip())
    print(f"current version: {_version(status.current_version)}; pending: {len(status.pending)}")


def _verify(args: argparse.Namespace) -> int:
    from ..schema import verify

    report = verify(database_url(args, create=False))
    projection = check_projection(args) if args.qdrant and report.ok else None
    if args.json:
        out = report.as_dict()
        if args.qdrant:
            out["qdrant"] = None if projection is None else projection.to_dict()
            out["ok"] = report.ok and projection is not None and projection.ok
        print_json(out)
    else:
        print(f"database: {report.database}")
        for check in report.checks:
            print(f"{'ok  ' if check.ok else 'FAIL'}  {check.name}: {check.detail}")
        for note in report.notes:
            print(f"note  {note}")
        failed = len(report.failures)
        print("verify: all checks passed" if not failed else f"verify: {failed} check(s) failed")
        if projection is not None:
            print(format_check(projection))
        elif args.qdrant:
            print("verify --qdrant: skipped, the schema checks failed")
    return EXIT_OK if report.ok and (projection is None or projection.ok) else EXIT_FAILURES
