"""The value objects of the migration runner: what ran, and the state of a database.

Built by :mod:`.bookkeeping`; returned by ``migrate``, ``rollback`` and
``migration_status`` (and their async twins).
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

import attrs

__all__ = ["AppliedMigration", "MigrationReport", "MigrationStatus", "StatusEntry", "StepResult"]


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
    """What :func:`~pattern_quality.schema.migrate` or ``rollback`` did.

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
