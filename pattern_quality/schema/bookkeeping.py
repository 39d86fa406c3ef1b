"""The I/O-free half of the migration runner, shared by ``migrate`` and ``amigrate``.

Deciding what to run (:func:`plan_up`, :func:`plan_down`) and building the
status and the reports (:mod:`.reports`) happen here; the runner
(:mod:`.runner_async` and the generated :mod:`.runner`) only executes what this
module decides, with the statements of :mod:`.statements`. Reading the files is
:mod:`.files`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Final, Literal

import psycopg

from .._config import scrub_secrets
from ..errors import AuthenticationError, DatabaseUnavailableError, MigrationError
from ..storage._pg import classify, describe_target, translate_error
from .files import Migration
from .reports import AppliedMigration, MigrationReport, MigrationStatus, StatusEntry, StepResult
from .statements import SET_CHECKSUM_SQL

__all__ = [
    "COLLAPSING_VERSION",
    "applied_rows",
    "build_report",
    "build_status",
    "collapses",
    "check_checksums",
    "plan_down",
    "plan_up",
    "notice_collector",
    "status_entries",
    "status_notes",
    "step_error",
]

#: The version whose up-file collapses duplicates (reported by dry runs).
COLLAPSING_VERSION: Final = 14


# --- planning -----------------------------------------------------------------


def check_checksums(available: Iterable[Migration], applied: Iterable[AppliedMigration]) -> None:
    """Refuse to go on when an applied migration's file was edited afterwards.

    Args:
        available: The migration files.
        applied: The bookkeeping rows.

    Raises:
        MigrationError: Naming every edited file and saying how to proceed.
    """
    files = {m.version: m for m in available}
    edited = [
        (files[row.version], row)
        for row in applied
        if row.version in files and files[row.version].checksum != row.checksum
    ]
    if not edited:
        return
    lines = [
        f"{m.filename} was applied with checksum {row.checksum[:12]}… but the file now has "
        f"{m.checksum[:12]}…"
        for m, row in edited
    ]
    fixes = "; ".join(
        SET_CHECKSUM_SQL.format(checksum=m.checksum, version=m.version) for m, _ in edited
    )
    raise MigrationError(
        "applied migration files were edited: "
        + "; ".join(lines)
        + ". An applied migration must not change: restore the original file and put "
        "the change into a new migration with a higher number. If the edit changes "
        "nothing in the database (a comment, say), record the new checksum with: " + fixes
    )


def plan_up(
    available: tuple[Migration, ...],
    applied: tuple[AppliedMigration, ...],
    target: int | None,
) -> tuple[Migration, ...]:
    """Return the migrations to apply, in order, after checking the applied ones.

    Args:
        available: The migration files, by version.
        applied: The bookkeeping rows.
        target: Apply up to and including this version; ``None`` means all.

    Returns:
        The pending migrations with ``version <= target``, ascending.

    Raises:
        MigrationError: An applied file was edited, ``target`` is not a known
            version, or it is below a recorded version (rolling back is
            ``rollback`` / ``--down``).
    """
    check_checksums(available, applied)
    done = {a.version for a in applied}
    if target is not None:
        known = [m.version for m in available]
        if target not in known:
            raise MigrationError(f"unknown target version {target}; known versions: {known}")
        above = sorted(v for v in done if v > target)
        if above:
            raise MigrationError(
                f"target version {target} is below the applied version(s) {above}; "
                f"to roll back, use `pattern-quality migrate --down {target}`"
            )
    return tuple(
        m for m in available if m.version not in done and (target is None or m.version <= target)
    )


def plan_down(
    available: tuple[Migration, ...],
    applied: tuple[AppliedMigration, ...],
    to_version: int,
    has_metrics: bool,
) -> tuple[Migration, ...]:
    """Return the migrations to roll back, newest first, after checking the applied ones.

    Args:
        available: The migration files, by version.
        applied: The bookkeeping rows.
        to_version: Keep migrations up to and including this version; 0 rolls
            back everything (and drops the table, with its data).
        has_metrics: Whether ``pattern_quality_metrics`` exists.

    Returns:
        The applied migrations with ``version > to_version``, descending.

    Raises:
        MigrationError: The table exists but nothing is recorded (a hand-made
            schema: run ``migrate`` first), an applied file was edited,
            ``to_version`` is negative, or an applied migration to roll back has
            no file or no down-file here.
    """
    if has_metrics and not applied:
        raise MigrationError(
            "pattern_quality_metrics exists but no migration is recorded (it was created "
            "by hand); run `pattern-quality migrate` first, which records its versions"
        )
    check_checksums(available, applied)
    if to_version < 0:
        raise MigrationError(f"cannot roll back to version {to_version}: use 0 or more")
    files = {m.version: m for m in available}
    steps: list[Migration] = []
    for version in sorted((a.version for a in applied if a.version > to_version), reverse=True):
        m = files.get(version)
        if m is None:
            raise MigrationError(
                f"cannot roll back migration {version}: this version of pattern_quality "
                "has no file for it (the database was migrated by a newer version)"
            )
        if m.down_sql is None:
            raise MigrationError(f"cannot roll back {m.filename}: there is no {m.down_filename}")
        steps.append(m)
    return tuple(steps)


def status_entries(
    available: tuple[Migration, ...], applied: Iterable[AppliedMigration]
) -> tuple[StatusEntry, ...]:
    """Merge the files and the bookkeeping rows into status lines, by version.

    Args:
        available: The migration files.
        applied: The bookkeeping rows.

    Returns:
        One entry per version found in either.
    """
    files = {m.version: m for m in available}
    rows = {row.version: row for row in applied}
    entries: list[StatusEntry] = []
    for version in sorted(set(files) | set(rows)):
        m, row = files.get(version), rows.get(version)
        if row is None:
            assert m is not None
            entries.append(StatusEntry(version, m.name, "pending", None))
        elif m is None:
            entries.append(StatusEntry(version, row.name, "unknown", row.applied_at))
        else:
            state: Literal["applied", "modified"] = (
                "applied" if m.checksum == row.checksum else "modified"
            )
            entries.append(StatusEntry(version, m.name, state, row.applied_at))
    return tuple(entries)


# --- glue shared by the sync and async executors --------------------------------


def applied_rows(rows: Iterable[tuple[object, ...]]) -> tuple[AppliedMigration, ...]:
    """Map bookkeeping rows (version, name, checksum, applied_at) to objects."""
    return tuple(
        AppliedMigration(int(v), str(n), str(c), a)  # type: ignore[call-overload, arg-type]
        for v, n, c, a in rows
    )


def collapses(plan: Iterable[Migration]) -> bool:
    """True when the plan includes the migration that collapses duplicates."""
    return any(p.version == COLLAPSING_VERSION for p in plan)


def step_error(exc: psycopg.Error, mig: Migration, direction: str, dsn: str) -> Exception:
    """Return the exception to raise when running a migration file failed.

    A lost connection becomes :class:`DatabaseUnavailableError`; anything else a
    :class:`MigrationError` naming the file (its transaction was rolled back).
    Raise it from :func:`~pattern_quality.storage._pg.driver_error`, never from ``exc``.
    """
    if classify(exc) in (DatabaseUnavailableError, AuthenticationError):
        return translate_error(exc, dsn, f"apply {mig.filename}")
    name = mig.filename if direction == "up" else mig.down_filename
    detail = scrub_secrets(str(exc).strip(), dsn) or type(exc).__name__
    return MigrationError(f"{name} failed and was rolled back, nothing of it was applied: {detail}")


def notice_collector(sink: list[str]) -> Callable[[psycopg.errors.Diagnostic], None]:
    """Return a notice handler that appends each notice's message to ``sink``."""

    def collect(diag: psycopg.errors.Diagnostic) -> None:
        if diag.message_primary:
            sink.append(diag.message_primary)

    return collect


def build_report(
    dsn: str,
    direction: Literal["up", "down"],
    dry_run: bool,
    applied: tuple[AppliedMigration, ...],
    plan: tuple[Migration, ...],
    steps: Iterable[StepResult],
    *,
    adopted_legacy: bool = False,
    duplicates: tuple[int, int] | None = None,
) -> MigrationReport:
    """Assemble the :class:`MigrationReport` of a run (or, with ``dry_run``, of a plan)."""
    before = {a.version for a in applied}
    planned = {p.version for p in plan}
    after = before | planned if direction == "up" else before - planned
    if dry_run:
        steps = [StepResult(p.version, p.name, direction) for p in plan]
    return MigrationReport(
        database=describe_target(dsn),
        direction=direction,
        dry_run=dry_run,
        steps=tuple(steps),
        version_before=max(before, default=None),
        version_after=max(after, default=None),
        adopted_legacy=adopted_legacy,
        duplicate_rows=None if duplicates is None else duplicates[0],
        duplicate_groups=None if duplicates is None else duplicates[1],
    )


def build_status(
    dsn: str,
    migrations: tuple[Migration, ...],
    has_metrics: bool,
    applied: tuple[AppliedMigration, ...],
) -> MigrationStatus:
    """Assemble the :class:`MigrationStatus` of a database."""
    return MigrationStatus(
        database=describe_target(dsn),
        entries=status_entries(migrations, applied),
        legacy_unrecorded=has_metrics and not applied,
    )


def status_notes(status: MigrationStatus) -> tuple[str, ...]:
    """Return the lines ``verify`` adds about the migrations (pending, edited, unrecorded)."""
    if status.legacy_unrecorded:
        return (
            "no migration is recorded (schema applied by hand); "
            "`pattern-quality migrate` checks and records it",
        )
    notes = []
    if status.pending:
        notes.append(f"pending migrations: {', '.join(f'{p:03d}' for p in status.pending)}")
    modified = [f"{e.version:03d}" for e in status.entries if e.state == "modified"]
    if modified:
        notes.append(f"applied migration files edited since: {', '.join(modified)}")
    return tuple(notes)
