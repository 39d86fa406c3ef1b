"""The schema of ``pattern_quality_metrics``: the migration runner, its bookkeeping, verify.

The SQL files themselves stay in the repository's ``migrations/`` directory,
which the wheel ships as ``pattern_quality/migrations`` (see :mod:`.files`).
"""

from __future__ import annotations

from .checks import VerifyReport
from .reports import MigrationReport, MigrationStatus
from .runner import migrate, migration_status, rollback, verify
from .runner_async import amigrate, amigration_status, arollback, averify

__all__ = [
    "MigrationReport",
    "MigrationStatus",
    "VerifyReport",
    "amigrate",
    "amigration_status",
    "arollback",
    "averify",
    "migrate",
    "migration_status",
    "rollback",
    "verify",
]
