"""Helpers every command shares: database URL option, error reporting, exit codes."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any, Final, NoReturn

from .._config import DATABASE_URL_ENV_VARS, mask_dsn, resolve_database_url
from ..errors import PatternQualityError

__all__ = [
    "EXIT_FAILURES",
    "EXIT_INTERRUPTED",
    "EXIT_OK",
    "EXIT_UNAVAILABLE",
    "MaskingArgumentParser",
    "add_database_option",
    "add_json_option",
    "database_url",
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
    """Add ``--database-url`` to a sub-command parser.

    Args:
        parser: The sub-command's parser.
    """
    env = ", then ".join(f"${name}" for name in DATABASE_URL_ENV_VARS)
    parser.add_argument(
        "--database-url",
        metavar="URL",
        help=f"PostgreSQL URL (default: {env})",
    )


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


def database_url(args: argparse.Namespace) -> str:
    """Return the database URL for a parsed command line.

    The single place where commands resolve their database: ``--database-url``,
    else ``$PATTERN_QUALITY_DATABASE_URL``, else ``$DATABASE_URL``.

    Args:
        args: Parsed arguments with a ``database_url`` attribute.

    Returns:
        The URL from ``--database-url`` or the environment.

    Raises:
        ConfigurationError: No URL is configured (the message names all three).
    """
    return resolve_database_url(getattr(args, "database_url", None))


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
