"""Finding and reading the migration SQL files, and their checksums (no database I/O)."""

from __future__ import annotations

import hashlib
import re
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Final

import attrs

from ..errors import MigrationError

__all__ = [
    "Migration",
    "MigrationsDir",
    "checksum",
    "default_migrations_dir",
    "load_migrations",
]

#: Where to read the SQL files from: ``None`` means the ones shipped with the package.
MigrationsDir = Traversable | Path | str | None

_FILE_RE: Final = re.compile(
    r"^(?P<version>\d{3,})_(?P<name>[A-Za-z0-9_]+?)(?P<down>\.down)?\.sql$"
)


@attrs.frozen
class Migration:
    """One migration: ``NNN_name.sql`` and, when it exists, ``NNN_name.down.sql``.

    Attributes:
        version: The number ``NNN``.
        name: The part of the file name after ``NNN_``.
        filename: The up-file's name.
        sql: The up-file's text.
        checksum: sha256 (hex) of the up-file's text with line endings normalised.
        down_sql: The down-file's text, or ``None`` when there is none.
    """

    version: int
    name: str
    filename: str
    sql: str = attrs.field(repr=False)
    checksum: str
    down_sql: str | None = attrs.field(default=None, repr=False)

    @property
    def down_filename(self) -> str:
        """The name of the down-file (which may not exist)."""
        return self.filename.removesuffix(".sql") + ".down.sql"


def default_migrations_dir() -> Traversable:
    """Return the directory holding the SQL files of this installation.

    In a wheel they are ``pattern_quality/migrations``; in a source checkout or
    an editable install they are the top-level ``migrations/`` next to the package.

    Returns:
        The directory.

    Raises:
        MigrationError: Neither exists (a broken installation).
    """
    packaged = resources.files("pattern_quality") / "migrations"
    if packaged.is_dir():
        return packaged
    checkout = Path(__file__).resolve().parents[2]
    if (checkout / "pyproject.toml").is_file() and (checkout / "migrations").is_dir():
        return checkout / "migrations"
    raise MigrationError(
        "the migration SQL files are missing from this installation of pattern_quality "
        "(expected pattern_quality/migrations); reinstall the package"
    )


def checksum(text: str) -> str:
    """Return the sha256 (hex) of a migration's text, with CRLF/CR normalised to LF.

    Args:
        text: The file's text.

    Returns:
        64 hex digits.
    """
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    return hashlib.sha256(normalised.encode("utf-8")).hexdigest()


def load_migrations(directory: MigrationsDir = None) -> tuple[Migration, ...]:
    """Read every ``NNN_name.sql`` (and its ``.down.sql``) of a directory.

    Args:
        directory: Where the files are; defaults to :func:`default_migrations_dir`.

    Returns:
        The migrations, by ascending version.

    Raises:
        MigrationError: The directory is missing or empty, two files share a
            version, or a down-file has no up-file.
    """
    root: Traversable = (
        default_migrations_dir() if directory is None else _as_traversable(directory)
    )
    if not root.is_dir():
        raise MigrationError(f"migrations directory {root} does not exist")
    ups: dict[int, tuple[str, str, str]] = {}
    downs: dict[int, tuple[str, str]] = {}
    for entry in root.iterdir():
        match = _FILE_RE.match(entry.name)
        if match is None or not entry.is_file():
            continue
        version, name = int(match["version"]), match["name"]
        text = entry.read_text(encoding="utf-8")
        if version in (downs if match["down"] else ups):
            raise MigrationError(f"two migration files have version {version}: {entry.name}")
        if match["down"]:
            downs[version] = (name, text)
        else:
            ups[version] = (name, entry.name, text)
    if not ups:
        raise MigrationError(f"no migration files (NNN_name.sql) in {root}")
    orphans = sorted(set(downs) - set(ups))
    if orphans:
        raise MigrationError(f"down-files without an up-file for version(s) {orphans} in {root}")
    return tuple(
        Migration(
            version=v,
            name=name,
            filename=filename,
            sql=text,
            checksum=checksum(text),
            down_sql=downs[v][1] if v in downs else None,
        )
        for v, (name, filename, text) in sorted(ups.items())
    )


def _as_traversable(directory: Traversable | Path | str) -> Traversable:
    return Path(directory) if isinstance(directory, str) else directory
