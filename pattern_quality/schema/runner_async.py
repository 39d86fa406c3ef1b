"""Async twins of :mod:`pattern_quality.migrate` (import them from there).

Same arguments, results and exceptions as the sync functions; the sequence of
statements is identical, every decision is made in :mod:`._migrations`.
"""

from __future__ import annotations

from typing import Literal

import psycopg

from ..errors import PatternQualityError
from ..storage._connect_async import aconnect
from ..storage._pg import DEFAULT_CONNECT_TIMEOUT, describe_target, translate_error
from . import bookkeeping as m
from . import checks as v
from .bookkeeping import AppliedMigration, MigrationReport, MigrationStatus, StepResult
from .checks import VerifyCheck, VerifyReport
from .files import Migration, MigrationsDir, load_migrations

__all__ = ["amigrate", "amigration_status", "arollback", "averify"]

_AConn = psycopg.AsyncConnection[tuple[object, ...]]


async def _read_state(conn: _AConn) -> tuple[bool, bool, tuple[AppliedMigration, ...]]:
    row = await (await conn.execute(m.TABLES_SQL)).fetchone()
    assert row is not None
    has_metrics, has_book = bool(row[0]), bool(row[1])
    applied: tuple[AppliedMigration, ...] = ()
    if has_book:
        applied = m.applied_rows(await (await conn.execute(m.SELECT_APPLIED_SQL)).fetchall())
    return has_metrics, has_book, applied


async def _run_steps(
    conn: _AConn, dsn: str, plan: tuple[Migration, ...], direction: Literal["up", "down"]
) -> list[StepResult]:
    notices: list[str] = []
    conn.add_notice_handler(m.notice_collector(notices))
    results = []
    for mig in plan:
        notices.clear()
        try:
            async with conn.transaction():
                if direction == "up":
                    await conn.execute(mig.sql.encode())
                    await conn.execute(m.INSERT_APPLIED_SQL, (mig.version, mig.name, mig.checksum))
                else:
                    await conn.execute((mig.down_sql or "").encode())
                    await conn.execute(m.DELETE_APPLIED_SQL, (mig.version,))
        except psycopg.Error as exc:
            raise m.step_error(exc, mig, direction, dsn) from exc
        results.append(StepResult(mig.version, mig.name, direction, tuple(notices)))
    return results


async def amigrate(
    dsn: str,
    target: int | None = None,
    *,
    dry_run: bool = False,
    migrations_dir: MigrationsDir = None,
    connect_timeout: int | None = DEFAULT_CONNECT_TIMEOUT,
) -> MigrationReport:
    """Async twin of :func:`pattern_quality.migrate.migrate`.

    Args:
        dsn: PostgreSQL connection string or URL.
        target: Highest version to apply; ``None`` applies all.
        dry_run: Only report what would run; change nothing.
        migrations_dir: Where the SQL files are (default: the shipped ones).
        connect_timeout: Seconds to wait for the server unless ``dsn`` sets it.

    Returns:
        The report of what ran.

    Raises:
        MigrationError: As the sync ``migrate``.
        DatabaseUnavailableError: The database cannot be reached.
        ConfigurationError: ``dsn`` does not parse.
    """
    migrations = load_migrations(migrations_dir)
    async with await aconnect(dsn, action="migrate", connect_timeout=connect_timeout) as conn:
        try:
            await conn.execute(m.LOCK_SQL, (m.ADVISORY_LOCK_KEY,))
            has_metrics, has_book, applied = await _read_state(conn)
            plan = m.up_plan(migrations, applied, target)
            adopted = has_metrics and not applied
            if dry_run:
                duplicates = None
                if m.collapses(plan):
                    row = (
                        await (await conn.execute(m.DUPLICATES_SQL)).fetchone()
                        if has_metrics
                        else (0, 0)
                    )
                    assert row is not None
                    duplicates = (int(row[0]), int(row[1]))
                return m.build_report(
                    dsn, "up", True, applied, plan, [], adopted_legacy=adopted,
                    duplicates=duplicates,
                )  # fmt: skip
            if not has_book:
                await conn.execute(m.CREATE_TABLE_SQL)
            steps = await _run_steps(conn, dsn, plan, "up")
        except PatternQualityError:
            raise
        except psycopg.Error as exc:
            raise translate_error(exc, dsn, "migrate") from exc
    return m.build_report(dsn, "up", False, applied, plan, steps, adopted_legacy=adopted)


async def arollback(
    dsn: str,
    to_version: int,
    *,
    dry_run: bool = False,
    migrations_dir: MigrationsDir = None,
    connect_timeout: int | None = DEFAULT_CONNECT_TIMEOUT,
) -> MigrationReport:
    """Async twin of :func:`pattern_quality.migrate.rollback`.

    Args:
        dsn: PostgreSQL connection string or URL.
        to_version: The version to end at (migrations up to it stay applied).
        dry_run: Only report what would run.
        migrations_dir: Where the SQL files are (default: the shipped ones).
        connect_timeout: Seconds to wait for the server unless ``dsn`` sets it.

    Returns:
        The report of what ran (``direction == "down"``).

    Raises:
        MigrationError: As the sync ``rollback``.
        DatabaseUnavailableError: The database cannot be reached.
        ConfigurationError: ``dsn`` does not parse.
    """
    migrations = load_migrations(migrations_dir)
    action = "roll back migrations"
    async with await aconnect(dsn, action=action, connect_timeout=connect_timeout) as conn:
        try:
            await conn.execute(m.LOCK_SQL, (m.ADVISORY_LOCK_KEY,))
            has_metrics, _, applied = await _read_state(conn)
            plan = m.down_plan(migrations, applied, to_version, has_metrics)
            steps = [] if dry_run else await _run_steps(conn, dsn, plan, "down")
        except PatternQualityError:
            raise
        except psycopg.Error as exc:
            raise translate_error(exc, dsn, action) from exc
    return m.build_report(dsn, "down", dry_run, applied, plan, steps)


async def amigration_status(
    dsn: str,
    *,
    migrations_dir: MigrationsDir = None,
    connect_timeout: int | None = DEFAULT_CONNECT_TIMEOUT,
) -> MigrationStatus:
    """Async twin of :func:`pattern_quality.migrate.migration_status`.

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
    async with await aconnect(dsn, action=action, connect_timeout=connect_timeout) as conn:
        try:
            has_metrics, _, applied = await _read_state(conn)
        except psycopg.Error as exc:
            raise translate_error(exc, dsn, action) from exc
    return m.build_status(dsn, migrations, has_metrics, applied)


async def averify(
    dsn: str,
    *,
    migrations_dir: MigrationsDir = None,
    connect_timeout: int | None = DEFAULT_CONNECT_TIMEOUT,
) -> VerifyReport:
    """Async twin of :func:`pattern_quality.migrate.verify`.

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
    async with await aconnect(dsn, action=action, connect_timeout=connect_timeout) as conn:
        try:
            has_metrics, _, applied = await _read_state(conn)
            checks: list[VerifyCheck] = [v.table_check(has_metrics)]
            total = None
            if has_metrics:
                constraints = await (await conn.execute(v.CONSTRAINTS_SQL)).fetchall()
                checks += v.constraint_checks(constraints)
                dup = await (await conn.execute(v.DUPLICATES_SQL)).fetchone()
                checks.append(v.duplicates_check(dup))
                total, ranges = v.ranges_check(await (await conn.execute(v.RANGES_SQL)).fetchone())
                checks.append(ranges)
        except psycopg.Error as exc:
            raise translate_error(exc, dsn, action) from exc
    notes = m.status_notes(m.build_status(dsn, migrations, has_metrics, applied))
    return VerifyReport(describe_target(dsn), tuple(checks), total, notes)
