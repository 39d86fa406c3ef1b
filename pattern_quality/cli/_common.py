"""Helpers every command shares: database URL option, error reporting, exit codes."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Final, NoReturn

from .._config import DATABASE_URL_ENV_VARS, mask_dsn, resolve_database_url
from ..embedded import (
    DATA_DIR_ENV,
    LEGACY_DATA_DIR,
    EmbeddedServices,
    database_exists,
    resolve_data_dir,
    start_embedded,
)
from ..errors import ConfigurationError, PatternQualityError

__all__ = [
    "EMBEDDED_ENV",
    "EXIT_FAILURES",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_UNAVAILABLE",
    "MaskingArgumentParser",
    "add_database_option",
    "add_json_option",
    "database_url",
    "embedded_enabled",
    "embedded_qdrant_path",
    "embedded_services",
    "error",
    "print_json",
    "run_command",
]

#: Everything worked.
EXIT_OK: Final = 0
#: The command ran, but found or produced failures (listed in its output).
EXIT_FAILURES: Final = 1
#: The command could not run: configuration, database or Qdrant unavailable, schema missing.
EXIT_UNAVAILABLE: Final = 2
#: Interrupted with Ctrl-C.
EXIT_INTERRUPTED: Final = 130

#: Set to ``0`` to turn the embedded default off (then a URL is required).
EMBEDDED_ENV: Final = "PATTERN_QUALITY_EMBEDDED"

# Embedded services started by this process, by data directory.
_EMBEDDED: dict[Path, EmbeddedServices] = {}


class MaskingArgumentParser(argparse.ArgumentParser):
    """An ``ArgumentParser`` whose usage errors never show a password.

    ``unrecognized arguments: --database-url postgresql://user:pw@...`` would
    otherwise print the password; sub-command parsers inherit the class.
    """

    def error(self, message: str) -> NoReturn:
        """Print the usage and the masked message to stderr and exit with 2.

        Args:
            message: argparse's message.
        """
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {mask_dsn(message)}\n")


def add_database_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--database-url`` and ``--data-dir`` to a sub-command parser.

    Args:
        parser: The sub-command's parser.
    """
    env = ", then ".join(f"${name}" for name in DATABASE_URL_ENV_VARS)
    parser.add_argument(
        "--database-url",
        metavar="URL",
        default=argparse.SUPPRESS,  # also accepted before the command (cli/_parser.py)
        help=f"PostgreSQL URL (default: {env}, else the embedded PostgreSQL)",
    )
    add_data_dir_option(parser)


def add_data_dir_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--data-dir`` (where the embedded services keep their data), once.

    Args:
        parser: The sub-command's parser.
    """
    if any("--data-dir" in action.option_strings for action in parser._actions):
        return
    parser.add_argument(
        "--data-dir",
        metavar="DIR",
        default=argparse.SUPPRESS,  # also accepted before the command (cli/_parser.py)
        help=f"data directory of the embedded PostgreSQL and local Qdrant used when no "
        f"URL is configured (default: ${DATA_DIR_ENV}, else the per-user data directory, "
        "e.g. ~/.local/share/pattern-quality)",
    )


def embedded_enabled() -> bool:
    """Tell whether the embedded default may be used (``PATTERN_QUALITY_EMBEDDED`` not off).

    Returns:
        ``False`` when the variable is ``0``, ``false``, ``no`` or ``off``.
    """
    return os.environ.get(EMBEDDED_ENV, "1").strip().lower() not in {"0", "false", "no", "off"}


def embedded_qdrant_path(args: argparse.Namespace) -> Path | None:
    """Return the local Qdrant of the embedded default, if it is enabled and exists.

    Says so in one line on stderr when it is used.

    Args:
        args: Parsed arguments, optionally with ``data_dir``.

    Returns:
        ``DATA_DIR/qdrant`` when the embedded default is on and that directory
        exists (``pattern-quality demo`` creates it), else ``None``.
    """
    if not embedded_enabled():
        return None
    path = resolve_data_dir(getattr(args, "data_dir", None)) / "qdrant"
    if not path.is_dir():
        return None
    print(
        f"pattern-quality: no Qdrant configured; using the local Qdrant in {path}", file=sys.stderr
    )
    return path


def embedded_services(args: argparse.Namespace, *, create: bool = True) -> EmbeddedServices:
    """Start (once per process) the embedded services and say so in one line on stderr.

    Args:
        args: Parsed arguments, optionally with ``data_dir``.
        create: Create the embedded database when the data directory has none.
            Read-only commands pass ``False``: an empty new database would only
            make the data look lost.

    Returns:
        The running services.

    Raises:
        ConfigurationError: The embedded default is turned off
            (``PATTERN_QUALITY_EMBEDDED=0``), not installed, or cannot start; or
            ``create`` is false and there is no embedded database yet (the
            message says where the command looked).
    """
    if not embedded_enabled():
        raise ConfigurationError(
            "no database URL configured and the embedded default is off "
            f"({EMBEDDED_ENV}=0): pass one explicitly (--database-url) or set "
            + " or ".join(DATABASE_URL_ENV_VARS)
        )
    root = resolve_data_dir(getattr(args, "data_dir", None))
    services = _EMBEDDED.get(root)
    if services is None and not create and not database_exists(root):
        raise ConfigurationError(_no_embedded_database(root))
    if services is None:
        services = _EMBEDDED[root] = start_embedded(root)
        print(
            f"pattern-quality: no database URL configured; using the embedded PostgreSQL "
            f"and local Qdrant in {root} (kept between runs)",
            file=sys.stderr,
        )
    return services


def _no_embedded_database(root: Path) -> str:
    message = (
        f"no database URL configured, and there is no embedded database in {root} yet "
        "(nothing was created): run `pattern-quality migrate` (or `pattern-quality demo`) "
        "to create it, pass --data-dir DIR for another one, or --database-url URL"
    )
    legacy = Path.cwd() / LEGACY_DATA_DIR
    if legacy.resolve() != root and database_exists(legacy):
        message += (
            f"; {legacy} holds an embedded database of an earlier version (which kept it in "
            f"the working directory): use it with --data-dir {legacy}"
        )
    return message


def add_json_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--json`` (print one JSON document instead of text) to a sub-command parser.

    Args:
        parser: The sub-command's parser.
    """
    parser.add_argument("--json", action="store_true", help="print the result as JSON")


def print_json(document: Any) -> None:
    """Print ``document`` as indented JSON on stdout (dates and the like via ``str``).

    Args:
        document: A JSON-ready value.
    """
    print(json.dumps(document, indent=2, sort_keys=False, default=str))


def database_url(args: argparse.Namespace, *, create: bool = True) -> str:
    """Return the database URL for a parsed command line.

    The single place where commands resolve their database: ``--database-url``,
    else ``$PATTERN_QUALITY_DATABASE_URL``, else ``$DATABASE_URL``, else the
    embedded PostgreSQL in ``--data-dir`` (see :func:`embedded_services`).

    Args:
        args: Parsed arguments with a ``database_url`` attribute.
        create: Whether the embedded database may be created (``False`` for
            read-only commands, see :func:`embedded_services`).

    Returns:
        The configured URL, or the embedded server's.

    Raises:
        ConfigurationError: No URL is configured and the embedded default is off,
            not installed, or cannot start (the message says what to do).
    """
    try:
        return resolve_database_url(getattr(args, "database_url", None))
    except ConfigurationError:
        return embedded_services(args, create=create).database_url


def error(message: str) -> None:
    """Print one error line to stderr, with any password masked.

    Args:
        message: The message (line breaks in it, e.g. from libpq, become spaces).
    """
    print(f"pattern-quality: error: {' '.join(mask_dsn(message).split())}", file=sys.stderr)


def run_command(args: argparse.Namespace) -> int:
    """Run ``args.func(args)``, turning expected errors into one line and exit code 2.

    Args:
        args: Parsed arguments whose ``func`` is the command.

    Returns:
        The command's exit code, or :data:`EXIT_UNAVAILABLE` for a
        :class:`PatternQualityError`.
    """
    try:
        code: int = args.func(args)
    except PatternQualityError as exc:
        error(str(exc))
        return EXIT_UNAVAILABLE
    return code
