"""The migration functions' former home, kept so that ``pattern_quality.migrate`` imports work.

Everything here lives in :mod:`pattern_quality.schema`. Note that
``pattern_quality.migrate`` as an attribute of the package is the
:func:`~pattern_quality.schema.migrate` function.
"""

from __future__ import annotations

from .schema import (
    MigrationReport,
    MigrationStatus,
    VerifyReport,
    amigrate,
    amigration_status,
    arollback,
    averify,
    migrate,
    migration_status,
    rollback,
    verify,
)

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
