"""The migration files this release ships, as the migration tests see them."""

from __future__ import annotations

import shutil
from pathlib import Path

from pattern_quality.schema import files as migration_files

SHIPPED = migration_files.load_migrations()
VERSIONS = [m.version for m in SHIPPED]
LATEST = VERSIONS[-1]
CORE = [12, 13, 14]


def _copy_migrations(tmp_path: Path) -> Path:
    target = tmp_path / "migrations"
    shutil.copytree(Path(str(migration_files.default_migrations_dir())), target)
    return target
