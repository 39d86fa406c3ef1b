"""Helpers every command shares: database URL option, error reporting, exit codes."""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from pathlib import Path
from typing import Any, Final, NoReturn

from .._config import DATABASE_URL_ENV_VARS, mask_dsn, resolve_database_url, scrub_secrets
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

    _argv: tuple[str, ...] = ()

    def parse_known_args(  # type: ignore[override]
        self, args: Any = None, namespace: Any = None
    ) -> tuple[argparse.Namespace, list[str]]:
        """Parse as argparse does, remembering the words to scrub from errors.

        Args:
            args: The words (default: ``sys.argv[1:]``).
            namespace: Where to store the values.

        Returns:
            argparse's namespace and the words left over.
        """
        words = sys.argv[1:] if args is None else list(args)
        MaskingArgumentParser._argv = tuple(str(w) for w in words)
        return super().parse_known_args(args, namespace)

    def error(self, message: str) -> NoReturn:
        """Print the usage and the masked message to stderr and exit with 2.

        Every password any word of the command line may hold is removed first,
        well-formed or not (``scrub_secrets``), then URL passwords are masked.

        Args:
            message: argparse's message.
        """
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {mask_dsn(scrub_secrets(message, *self._argv))}\n")


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
    parser.add_argument(
        "-v",
        "--verbose",
        action="count",
        default=argparse.SUPPRESS,  # also accepted before the command (cli/_parser.py)
        help="on failure, print the cause too; show the warnings of the libraries "
        "(psycopg, qdrant-client); -vv also their debug messages (passwords masked)",
    )


class _Masking(logging.Filter):
    """Masks every password of the command line's connection strings in log records."""

    def __init__(self, dsns: tuple[str | None, ...]) -> None:
        super().__init__()
        self._dsns = dsns

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = mask_dsn(scrub_secrets(record.getMessage(), *self._dsns))
        record.args = None
        return True


_HANDLER: logging.Handler | None = None


def configure_output(verbose: int, *dsns: str | None, quiet: bool = False) -> None:
    """Route the libraries' log records and warnings for one command (the CLI's choice).

    The library never configures logging; the command line does, once per
    command: without ``-v`` the records of psycopg, psycopg_pool, qdrant-client
    and pattern_quality are dropped, so a failure is the one line :func:`error`
    prints; with ``-v`` records of level WARNING go to stderr (``-vv``: DEBUG).
    Warnings (``warnings.warn``) become one plain ``pattern-quality: warning:``
    line each, once, without a source line: the ones addressed to the user
    (``UserWarning``, e.g. qdrant-client's "Local mode is not recommended ...")
    unless ``quiet``; with ``-v`` every category. Every password is masked.

    Args:
        verbose: How many ``-v`` were given.
        *dsns: Connection strings whose passwords must never be printed.
        quiet: The command's ``--quiet``: no warnings (unless ``-v``).
    """
    from ._feedback import plain_warnings

    global _HANDLER
    root = logging.getLogger()
    if _HANDLER is not None:
        root.removeHandler(_HANDLER)
    if verbose:
        handler: logging.Handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(
            logging.Formatter("pattern-quality: %(levelname)s: %(name)s: %(message)s")
        )
        handler.setLevel(logging.DEBUG if verbose > 1 else logging.WARNING)
        if verbose > 1:
            root.setLevel(logging.DEBUG)
    else:
        handler = logging.NullHandler()  # found in the hierarchy: no "last resort" printing
    env = [os.environ.get(name) for name in DATABASE_URL_ENV_VARS]
    plain_warnings(every=bool(verbose), quiet=quiet, dsns=(*dsns, *env))
    handler.addFilter(_Masking((*dsns, *env)))
    root.addHandler(handler)
    _HANDLER = handler


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


def error(message: str, *dsns: str | None) -> None:
    """Print one error line to stderr, with any password masked.

    Args:
        message: The message (line breaks in it, e.g. from libpq, become spaces).
        *dsns: Connection strings in use, whose every password spelling is removed.
    """
    env = [os.environ.get(name) for name in DATABASE_URL_ENV_VARS]
    text = mask_dsn(scrub_secrets(message, *dsns, *env))
    print(f"pattern-quality: error: {' '.join(text.split())}", file=sys.stderr)


def run_command(args: argparse.Namespace) -> int:
    """Run ``args.func(args)``, turning expected errors into one line and exit code 2.

    Args:
        args: Parsed arguments whose ``func`` is the command.

    Returns:
        The command's exit code, or :data:`EXIT_UNAVAILABLE` for a
        :class:`PatternQualityError`.
    """
    dsn = getattr(args, "database_url", None)
    verbose = getattr(args, "verbose", None) or 0
    configure_output(verbose, dsn, quiet=bool(getattr(args, "quiet", False)))
    try:
        code: int = args.func(args)
    except PatternQualityError as exc:
        error(str(exc), dsn)
        if verbose:
            cause = exc.__cause__
            while cause is not None:  # the detail: scrubbed causes (DriverError, ...)
                error(f"cause: {type(cause).__name__}: {cause}", dsn)
                cause = cause.__cause__
        return EXIT_UNAVAILABLE
    return code
