"""Helpers every command shares: database URL option, error reporting, exit codes."""

from __future__ import annotations

import argparse
import sys
from typing import Final

from .._config import DATABASE_URL_ENV_VARS, mask_dsn, resolve_database_url
from ..errors import PatternQualityError

__all__ = [
    "EXIT_FAILURES",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_UNAVAILABLE",
    "add_database_option",
    "database_url",
    "error",
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


def add_database_option(parser: argparse.ArgumentParser) -> None:
    """Add ``--database-url`` to a sub-command parser.

    Args:
        parser: The sub-command's parser.
    """
    env = ", then ".join(DATABASE_URL_ENV_VARS)
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help=f"PostgreSQL URL (default: ${env})",
    )


def database_url(args: argparse.Namespace) -> str:
    """Return the database URL for a parsed command line.

    Args:
        args: Parsed arguments with a ``database_url`` attribute.

    Returns:
        The URL from ``--database-url`` or the environment.

    Raises:
        ConfigurationError: No URL is configured.
    """
    return resolve_database_url(getattr(args, "database_url", None))


def error(message: str) -> None:
    """Print one error line to stderr, with any password masked.

    Args:
        message: The message.
    """
    print(f"pattern-quality: error: {mask_dsn(message)}", file=sys.stderr)


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
