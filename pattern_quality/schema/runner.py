# Generated from pattern_quality/schema/runner_async.py by tools/async_to_sync.py.
# Do not edit: change the async source and run `make generate`.
"""Apply, roll back, inspect and verify the SQL migrations of ``pattern_quality_metrics``.

Each function opens its own connection (``connect_timeout`` 10 s unless the DSN
sets one). ``migrate`` and ``rollback`` hold a PostgreSQL session advisory
lock (key :data:`~pattern_quality.schema.statements.ADVISORY_LOCK_KEY`) for the
whole run, so concurrent runners wait for each other and each file is applied
once. Each file runs in its own transaction together with its bookkeeping row in
``pattern_quality_schema_migrations``. Every decision is made in the I/O-free
:mod:`.bookkeeping`, :mod:`.files` and :mod:`.checks`; this module only runs
the statements of :mod:`.statements`.
"""

from __future__ import annotations

from typing import Any, Literal

import psycopg

from ..errors import PatternQualityError
from ..storage._connect import connect
from ..storage._pg import DEFAULT_CONNECT_TIMEOUT, describe_target, driver_error, translate_error
from . import bookkeeping as plan
from . import checks
from . import statements as q
from .checks import VerifyCheck, VerifyReport
from .files import Migration, MigrationsDir, load_migrations
from .reports import AppliedMigration, MigrationReport, MigrationStatus, StepResult

__all__ = ["migrate", "migration_status", "rollback", "verify"]

_Conn = psycopg.Connection[tuple[object, ...]]


def _read_state(conn: _Conn) -> tuple[bool, bool, tuple[AppliedMigration, ...]]:
    row = conn.execute(q.TABLES_SQL).fetchone()
    assert row is not None
    has_metrics, has_book = bool(row[0]), bool(row[1])
    applied: tuple[AppliedMigration, ...] = ()
    if has_book:
        applied = plan.applied_rows(conn.execute(q.SELECT_APPLIED_SQL).fetchall())
    return has_metrics, has_book, applied


def _run_steps(
    conn: _Conn, dsn: str, steps: tuple[Migration, ...], direction: Literal["up", "down"]
) -> list[StepResult]:
    notices: list[str] = []
    conn.add_notice_handler(plan.notice_collector(notices))
    results = []
    for mig in steps:
        notices.clear()
        try:
            with conn.transaction():
                if direction == "up":
                    conn.execute(mig.sql.encode())
                    conn.execute(q.INSERT_APPLIED_SQL, (mig.version, mig.name, mig.checksum))
                else:
                    conn.execute((mig.down_sql or "").encode())
                    conn.execute(q.DELETE_APPLIED_SQL, (mig.version,))
        except psycopg.Error as exc:
            raise plan.step_error(exc, mig, direction, dsn) from driver_error(exc, dsn)
        results.append(StepResult(mig.version, mig.name, direction, tuple(notices)))
    return results


def migrate(
    dsn: str,
    target: int | None = None,
    *,
    dry_run: bool = False,
    migrations_dir: MigrationsDir = None,
    connect_timeout: int | None = DEFAULT_CONNECT_TIMEOUT,
) -> MigrationReport:
    """Bring the database up to ``target`` (default: the latest migration).

    An empty database gets every migration. A database where the legacy files
    were applied by hand (table present, nothing recorded) runs them again, which
    is safe because every file is idempotent, and gets them recorded
    (``report.adopted_legacy``). When nothing is pending, nothing changes.

    Args:
        dsn: PostgreSQL connection string or URL.
        target: Highest version to apply; ``None`` applies all.
        dry_run: Only report what would run, and how many duplicate rows
            migration 014 would delete; change nothing.
        migrations_dir: Where the SQL files are (default: the ones shipped with
            the package); for tests and custom deployments.
        connect_timeout: Seconds to wait for the server unless ``dsn`` sets it.

    Returns:
        The report of what ran.

    Raises:
        MigrationError: An applied file was edited, ``target`` is unknown or below
            an applied version, or a file failed (its transaction was rolled back).
        DatabaseUnavailableError: The database cannot be reached.
        ConfigurationError: ``dsn`` does not parse.
    """
    migrations = load_migrations(migrations_dir)
    with connect(dsn, action="migrate", connect_timeout=connect_timeout) as conn:
        try:
            conn.execute(q.LOCK_SQL, (q.ADVISORY_LOCK_KEY,))
            has_metrics, has_book, applied = _read_state(conn)
            steps = plan.plan_up(migrations, applied, target)
            adopted = has_metrics and not applied
            if dry_run:
                duplicates = None
                if plan.collapses(steps):
                    row: tuple[Any, ...] | None = (0, 0)
                    if has_metrics:
                        row = conn.execute(q.COLLAPSE_COUNT_SQL).fetchone()
                    assert row is not None
                    duplicates = (int(row[0]), int(row[1]))
                return plan.build_report(
                    dsn, "up", True, applied, steps, [], adopted_legacy=adopted,
                    duplicates=duplicates,
                )  # fmt: skip
            if not has_book:
                conn.execute(q.CREATE_BOOKKEEPING_SQL)
            results = _run_steps(conn, dsn, steps, "up")
        except PatternQualityError:
            raise
        except psycopg.Error as exc:
            raise translate_error(exc, dsn, "migrate") from driver_error(exc, dsn)
    return plan.build_report(dsn, "up", False, applied, steps, results, adopted_legacy=adopted)


def rollback(
    dsn: str,
    to_version: int,
    *,
    dry_run: bool = False,
    migrations_dir: MigrationsDir = None,
    connect_timeout: int | None = DEFAULT_CONNECT_TIMEOUT,
) -> MigrationReport:
    """Run the down-files of every applied migration above ``to_version``, newest first.

    Rolling back below 014 keeps the rows (duplicates it deleted stay deleted);
    rolling back below 012 (``to_version`` 0 to 11) DROPS THE TABLE AND ITS DATA.

    Args:
        dsn: PostgreSQL connection string or URL.
        to_version: The version to end at (migrations up to it stay applied).
        dry_run: Only report what would run.
        migrations_dir: Where the SQL files are (default: the shipped ones).
        connect_timeout: Seconds to wait for the server unless ``dsn`` sets it.

    Returns:
        The report of what ran (``direction == "down"``).

    Raises:
        MigrationError: Nothing is recorded although the table exists (run
            ``migrate`` first), an applied file was edited, a down-file is
            missing, or a down-file failed (its transaction was rolled back).
        DatabaseUnavailableError: The database cannot be reached.
        ConfigurationError: ``dsn`` does not parse.
    """
    migrations = load_migrations(migrations_dir)
    action = "roll back migrations"
    with connect(dsn, action=action, connect_timeout=connect_timeout) as conn:
        try:
            conn.execute(q.LOCK_SQL, (q.ADVISORY_LOCK_KEY,))
            has_metrics, _, applied = _read_state(conn)
            steps = plan.plan_down(migrations, applied, to_version, has_metrics)
            results = [] if dry_run else _run_steps(conn, dsn, steps, "down")
        except PatternQualityError:
            raise
        except psycopg.Error as exc:
            raise translate_error(exc, dsn, action) from driver_error(exc, dsn)
    return plan.build_report(dsn, "down", dry_run, applied, steps, results)


def migration_status(
    dsn: str,
    *,
    migrations_dir: MigrationsDir = None,
    connect_timeout: int | None = DEFAULT_CONNECT_TIMEOUT,
) -> MigrationStatus:
    """Return which migrations are applied, pending, modified or unknown. Read-only.

    Args:
        dsn: PostgreSQL connection string or URL.
        migrations_dir: Where the SQL files are (default: the shipped ones).
        connect_timeout: Seconds to wait for the server unless ``dsn`` sets it.

    Returns:
        The status.

    Raises:
        DatabaseUnavailableError: The database cannot be reached.
        ConfigurationError: ``dsn`` does not parse.
    """
    migrations = load_migrations(migrations_dir)
    action = "read the migration status"
    with connect(dsn, action=action, connect_timeout=connect_timeout) as conn:
        try:
            has_metrics, _, applied = _read_state(conn)
        except psycopg.Error as exc:
            raise translate_error(exc, dsn, action) from driver_error(exc, dsn)
    return plan.build_status(dsn, migrations, has_metrics, applied)


def verify(
    dsn: str,
    *,
    migrations_dir: MigrationsDir = None,
    connect_timeout: int | None = DEFAULT_CONNECT_TIMEOUT,
) -> VerifyReport:
    """Check that the database holds a sound ``pattern_quality_metrics``. Read-only.

    Checks: the table exists; ``pattern_quality_metrics_pattern_id_unique UNIQUE
    (pattern_id)`` exists; no foreign key is left; no pattern_id has more than one
    row; ``quality_score``, ``confidence`` and the dimension scores present in
    ``metadata`` are numbers in [0, 1]. Pending or edited migrations are notes,
    not failures.

    Args:
        dsn: PostgreSQL connection string or URL.
        migrations_dir: Where the SQL files are (default: the shipped ones).
        connect_timeout: Seconds to wait for the server unless ``dsn`` sets it.

    Returns:
        The report; ``report.ok`` is False when any check failed.

    Raises:
        DatabaseUnavailableError: The database cannot be reached.
        ConfigurationError: ``dsn`` does not parse.
    """
    migrations = load_migrations(migrations_dir)
    action = "verify the schema"
    with connect(dsn, action=action, connect_timeout=connect_timeout) as conn:
        try:
            has_metrics, _, applied = _read_state(conn)
            found: list[VerifyCheck] = [checks.table_check(has_metrics)]
            total = None
            legacy: tuple[Any, ...] | None = None
            if has_metrics:
                constraints = conn.execute(q.CONSTRAINTS_SQL).fetchall()
                found += checks.constraint_checks(constraints)
                duplicates = conn.execute(q.DUPLICATE_IDS_SQL).fetchone()
                found.append(checks.duplicates_check(duplicates))
                ranges = conn.execute(q.RANGES_SQL).fetchone()
                total, ranges_found = checks.ranges_check(ranges)
                found.append(ranges_found)
                legacy = conn.execute(q.LEGACY_ROWS_SQL).fetchone()
        except psycopg.Error as exc:
            raise translate_error(exc, dsn, action) from driver_error(exc, dsn)
    notes = plan.status_notes(plan.build_status(dsn, migrations, has_metrics, applied))
    if has_metrics and legacy and int(legacy[0]):
        notes = (*notes, checks.legacy_rows_note(int(legacy[0])))
    return VerifyReport(describe_target(dsn), tuple(found), total, notes)
