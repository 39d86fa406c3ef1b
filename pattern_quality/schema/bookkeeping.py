"""The I/O-free half of the migrations runner, shared by ``migrate`` and ``amigrate``.

Deciding what to run (the plan), the bookkeeping SQL and the report objects live
here; :mod:`pattern_quality.migrate` and its async twin only execute what this
module decides. Reading the files is :mod:`._migration_files`.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import Final, Literal

import attrs
import psycopg
from psycopg import errors as pg_errors

from ..errors import MigrationError
from ..storage._pg import describe_target, translate_error
from .files import Migration

__all__ = [
    "ADVISORY_LOCK_KEY",
    "MIGRATIONS_TABLE",
    "AppliedMigration",
    "MigrationReport",
    "MigrationStatus",
    "StatusEntry",
    "StepResult",
    "build_report",
    "check_checksums",
    "down_plan",
    "plan_down",
    "plan_up",
    "status_entries",
    "status_notes",
    "step_error",
    "up_plan",
]

#: The bookkeeping table: one row per applied migration.
MIGRATIONS_TABLE: Final = "pattern_quality_schema_migrations"

#: Key of the PostgreSQL session advisory lock held while migrating: the first
#: 8 bytes (signed, big-endian) of sha256("pattern_quality.migrate").
ADVISORY_LOCK_KEY: Final = int.from_bytes(
    hashlib.sha256(b"pattern_quality.migrate").digest()[:8], "big", signed=True
)

# --- SQL run by the executors (no I/O here, only text) ------------------------

LOCK_SQL: Final = "SELECT pg_advisory_lock(%s)"
UNLOCK_SQL: Final = "SELECT pg_advisory_unlock(%s)"
TABLES_SQL: Final = (
    "SELECT to_regclass('pattern_quality_metrics') IS NOT NULL,"
    f" to_regclass('{MIGRATIONS_TABLE}') IS NOT NULL"
)
CREATE_TABLE_SQL: Final = f"""
CREATE TABLE IF NOT EXISTS {MIGRATIONS_TABLE} (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
)
"""
SELECT_APPLIED_SQL: Final = (
    f"SELECT version, name, checksum, applied_at FROM {MIGRATIONS_TABLE} ORDER BY version"
)
INSERT_APPLIED_SQL: Final = (
    f"INSERT INTO {MIGRATIONS_TABLE} (version, name, checksum) VALUES (%s, %s, %s)"
)
DELETE_APPLIED_SQL: Final = f"DELETE FROM {MIGRATIONS_TABLE} WHERE version = %s"
#: Rows 014 would delete, and the pattern_ids that have more than one row.
DUPLICATES_SQL: Final = """
SELECT coalesce(sum(n - 1), 0)::bigint, count(*)::bigint
FROM (
    SELECT count(*) AS n FROM pattern_quality_metrics GROUP BY pattern_id HAVING count(*) > 1
) AS groups
"""
#: The version whose up-file collapses duplicates (reported by dry runs).
COLLAPSING_VERSION: Final = 14


# --- value objects ------------------------------------------------------------


@attrs.frozen
class AppliedMigration:
    """A row of the bookkeeping table."""

    version: int
    name: str
    checksum: str
    applied_at: datetime


@attrs.frozen
class StepResult:
    """One migration file that was run (or, in a dry run, would be run).

    Attributes:
        version: The migration's number.
        name: The migration's name.
        direction: ``"up"`` or ``"down"``.
        notices: The messages the SQL raised with ``RAISE NOTICE`` (empty in a dry run).
    """

    version: int
    name: str
    direction: Literal["up", "down"]
    notices: tuple[str, ...] = ()


@attrs.frozen
class MigrationReport:
    """What :func:`~pattern_quality.migrate.migrate` or ``rollback`` did.

    Attributes:
        database: The database, password masked.
        direction: ``"up"`` (migrate) or ``"down"`` (rollback).
        dry_run: True when nothing was changed and ``steps`` is only the plan.
        steps: The files run (or to run), in order.
        version_before: Highest recorded version before the run (``None``: none).
        version_after: Highest recorded version after it (in a dry run, the one it would reach).
        adopted_legacy: True when ``pattern_quality_metrics`` existed without any
            bookkeeping (created by hand) and its versions were checked and recorded.
        duplicate_rows: Rows migration 014 deletes when it collapses duplicates:
            counted before it runs in a dry run, ``None`` when 014 is not part of
            the plan (after a real run, see the notices of its step).
        duplicate_groups: pattern_ids with more than one row (same rules).
    """

    database: str
    direction: Literal["up", "down"]
    dry_run: bool
    steps: tuple[StepResult, ...]
    version_before: int | None
    version_after: int | None
    adopted_legacy: bool = False
    duplicate_rows: int | None = None
    duplicate_groups: int | None = None

    @property
    def changed(self) -> bool:
        """True when at least one file was run (never in a dry run)."""
        return bool(self.steps) and not self.dry_run


@attrs.frozen
class StatusEntry:
    """One line of :class:`MigrationStatus`.

    Attributes:
        version: The migration's number.
        name: The migration's name.
        state: ``"applied"``, ``"pending"``, ``"modified"`` (applied, but the file
            changed since) or ``"unknown"`` (recorded, but no such file here: the
            database was migrated by a newer version of pattern_quality).
        applied_at: When it was recorded, or ``None`` if pending.
    """

    version: int
    name: str
    state: Literal["applied", "pending", "modified", "unknown"]
    applied_at: datetime | None


@attrs.frozen
class MigrationStatus:
    """The state of a database's migrations, from :func:`migration_status`.

    Attributes:
        database: The database, password masked.
        entries: One per known or recorded migration, by version.
        legacy_unrecorded: True when ``pattern_quality_metrics`` exists but no
            migration is recorded (applied by hand); ``migrate`` adopts it.
    """

    database: str
    entries: tuple[StatusEntry, ...]
    legacy_unrecorded: bool

    @property
    def pending(self) -> tuple[int, ...]:
        """Versions not applied yet."""
        return tuple(e.version for e in self.entries if e.state == "pending")

    @property
    def current_version(self) -> int | None:
        """Highest recorded version, or ``None``."""
        done = [e.version for e in self.entries if e.state != "pending"]
        return max(done) if done else None


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
        f"UPDATE {MIGRATIONS_TABLE} SET checksum = '{m.checksum}' WHERE version = {m.version}"
        for m, _ in edited
    )
    raise MigrationError(
        "applied migration files were edited: "
        + "; ".join(lines)
        + ". An applied migration must not change: restore the original file and put "
        "the change into a new migration with a higher number. If the edit changes "
        "nothing in the database (a comment, say), record the new checksum with: " + fixes
    )


def plan_up(
    available: tuple[Migration, ...], applied: Iterable[int], target: int | None
) -> tuple[Migration, ...]:
    """Return the migrations to apply, in order.

    Args:
        available: The migration files, by version.
        applied: The recorded versions.
        target: Apply up to and including this version; ``None`` means all.

    Returns:
        The pending migrations with ``version <= target``, ascending.

    Raises:
        MigrationError: ``target`` is not a known version, or is below a recorded
            version (rolling back is ``rollback`` / ``--down``).
    """
    done = set(applied)
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
    available: tuple[Migration, ...], applied: Iterable[int], to_version: int
) -> tuple[Migration, ...]:
    """Return the migrations to roll back, newest first.

    Args:
        available: The migration files, by version.
        applied: The recorded versions.
        to_version: Keep migrations up to and including this version; 0 rolls
            back everything (and drops the table, with its data).

    Returns:
        The applied migrations with ``version > to_version``, descending.

    Raises:
        MigrationError: ``to_version`` is negative, or an applied migration to
            roll back has no file or no down-file here.
    """
    if to_version < 0:
        raise MigrationError(f"cannot roll back to version {to_version}: use 0 or more")
    files = {m.version: m for m in available}
    steps: list[Migration] = []
    for version in sorted((v for v in applied if v > to_version), reverse=True):
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


def up_plan(
    migrations: tuple[Migration, ...],
    applied: tuple[AppliedMigration, ...],
    target: int | None,
) -> tuple[Migration, ...]:
    """Check the checksums, then return :func:`plan_up`."""
    check_checksums(migrations, applied)
    return plan_up(migrations, (a.version for a in applied), target)


def down_plan(
    migrations: tuple[Migration, ...],
    applied: tuple[AppliedMigration, ...],
    to_version: int,
    has_metrics: bool,
) -> tuple[Migration, ...]:
    """Refuse an unrecorded hand-made schema, check the checksums, return :func:`plan_down`."""
    if has_metrics and not applied:
        raise MigrationError(
            "pattern_quality_metrics exists but no migration is recorded (it was created "
            "by hand); run `pattern-quality migrate` first, which records its versions"
        )
    check_checksums(migrations, applied)
    return plan_down(migrations, (a.version for a in applied), to_version)


def collapses(plan: Iterable[Migration]) -> bool:
    """True when the plan includes the migration that collapses duplicates."""
    return any(p.version == COLLAPSING_VERSION for p in plan)


def step_error(exc: psycopg.Error, mig: Migration, direction: str, dsn: str) -> Exception:
    """Return the exception to raise when running a migration file failed.

    A lost connection becomes :class:`DatabaseUnavailableError`; anything else a
    :class:`MigrationError` naming the file (its transaction was rolled back).
    """
    if isinstance(exc, psycopg.OperationalError | psycopg.InterfaceError) and not isinstance(
        exc, pg_errors.LockNotAvailable | pg_errors.QueryCanceled
    ):
        return translate_error(exc, dsn, f"apply {mig.filename}")
    name = mig.filename if direction == "up" else mig.down_filename
    detail = str(exc).strip() or type(exc).__name__
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
