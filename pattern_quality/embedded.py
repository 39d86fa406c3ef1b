"""The embedded default: a PostgreSQL (pgserver) and a local-mode Qdrant for one user.

Used by the command line when no database URL is configured, so that the whole
product runs with zero servers to install. Data lives in one per-user data
directory (:func:`default_data_dir`, e.g. ``~/.local/share/pattern-quality``),
the same from every working directory, and is kept between runs.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Mapping
from pathlib import Path
from typing import Any, Final

import attrs

from .errors import ConfigurationError

__all__ = [
    "APP_DIR_NAME",
    "DATA_DIR_ENV",
    "LEGACY_DATA_DIR",
    "EmbeddedServices",
    "database_exists",
    "default_data_dir",
    "resolve_data_dir",
    "start_embedded",
]

#: Environment variable naming the data directory of the embedded services.
DATA_DIR_ENV: Final = "PATTERN_QUALITY_DATA_DIR"
#: Name of the per-user data directory (inside the platform's data directory).
APP_DIR_NAME: Final = "pattern-quality"
#: The default of earlier versions, relative to the working directory.
LEGACY_DATA_DIR: Final = ".pattern_quality"

_HOW_TO_USE_A_SERVER = (
    "point at a real server instead with --database-url URL or the "
    "PATTERN_QUALITY_DATABASE_URL / HOST_DATABASE_URL / DATABASE_URL environment variable"
)


@attrs.frozen
class EmbeddedServices:
    """A running embedded PostgreSQL and the path of the local Qdrant beside it.

    Attributes:
        data_dir: The directory holding both.
        database_url: URL of the embedded PostgreSQL (Unix socket, no password).
        qdrant_path: Directory for ``QdrantClient(path=...)``.
    """

    data_dir: Path
    database_url: str
    qdrant_path: Path
    _server: Any = attrs.field(repr=False, alias="server")

    def stop(self) -> None:
        """Stop the embedded PostgreSQL if this process started it (data is kept)."""
        self._server.cleanup()


def default_data_dir(environ: Mapping[str, str] | None = None) -> Path:
    """Return the per-user data directory of the embedded services.

    Args:
        environ: The environment to read (defaults to ``os.environ``).

    Returns:
        ``pattern-quality`` inside the platform's per-user data directory:
        ``$XDG_DATA_HOME`` (else ``~/.local/share``) on Linux and other Unix
        systems, ``~/Library/Application Support`` on macOS,
        ``%LOCALAPPDATA%`` (else ``~/AppData/Local``) on Windows.
    """
    env = os.environ if environ is None else environ
    home = Path(env.get("HOME") or Path.home())
    if sys.platform == "win32":
        base = Path(env.get("LOCALAPPDATA") or home / "AppData" / "Local")
    elif sys.platform == "darwin":
        base = home / "Library" / "Application Support"
    else:
        xdg = env.get("XDG_DATA_HOME", "")
        base = Path(xdg) if os.path.isabs(xdg) else home / ".local" / "share"
    return base / APP_DIR_NAME


def resolve_data_dir(
    explicit: str | os.PathLike[str] | None = None, environ: Mapping[str, str] | None = None
) -> Path:
    """Return the data directory of the embedded services.

    Args:
        explicit: A directory given by the caller (``--data-dir``); wins when set.
        environ: The environment to read (defaults to ``os.environ``).

    Returns:
        ``explicit``, else ``$PATTERN_QUALITY_DATA_DIR``, else
        :func:`default_data_dir`, as an absolute path.
    """
    env = os.environ if environ is None else environ
    chosen = explicit or env.get(DATA_DIR_ENV) or default_data_dir(env)
    return Path(chosen).expanduser().resolve()


def database_exists(data_dir: str | os.PathLike[str]) -> bool:
    """Tell whether ``data_dir`` holds an embedded PostgreSQL database already.

    Args:
        data_dir: A data directory (see :func:`resolve_data_dir`).

    Returns:
        ``True`` when ``data_dir/postgres`` is an initialised PostgreSQL data
        directory (it has a ``PG_VERSION`` file).
    """
    return (Path(data_dir) / "postgres" / "PG_VERSION").is_file()


def start_embedded(data_dir: str | os.PathLike[str] | None = None) -> EmbeddedServices:
    """Start (or attach to) the embedded PostgreSQL in ``data_dir``.

    The server's data is kept in ``data_dir/postgres`` between runs; the server
    stops when the last process using it exits.

    Args:
        data_dir: The data directory (see :func:`resolve_data_dir`).

    Returns:
        The running services.

    Raises:
        ConfigurationError: The ``embedded`` extra (pgserver) is not installed, or
            the server could not start; the message says why and how to point at a
            real server instead.
    """
    root = resolve_data_dir(data_dir)
    # platformdirs (under pgserver) warns on import and at exit when XDG_RUNTIME_DIR
    # is unset, as in CI and containers; harmless, and noise for a person.
    warnings.filterwarnings("ignore", message="XDG_RUNTIME_DIR", category=UserWarning)
    try:
        import pgserver
    except ImportError as exc:
        raise ConfigurationError(
            "no database URL is configured and the embedded PostgreSQL is not installed "
            f"(pip install 'pattern-quality[embedded]'); or {_HOW_TO_USE_A_SERVER}"
        ) from exc
    try:
        pg_dir = root / "postgres"
        pg_dir.mkdir(parents=True, exist_ok=True)
        server = pgserver.get_server(pg_dir, cleanup_mode="stop")  # type: ignore[attr-defined]
        url = server.get_uri()
    except Exception as exc:  # pgserver raises plain exceptions of several kinds
        raise ConfigurationError(
            f"could not start the embedded PostgreSQL in {root} ({type(exc).__name__}: "
            f"{exc}); {_HOW_TO_USE_A_SERVER}"
        ) from exc
    return EmbeddedServices(
        data_dir=root, database_url=url, qdrant_path=root / "qdrant", server=server
    )
