"""Builds the argument parser from the command modules and runs one command."""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence
from typing import Final

from .._version import __version__
from ._common import EXIT_INTERRUPTED, EXIT_OK, add_database_option, run_command
from ._parser import CommandLineParser, fill_global_defaults

__all__ = ["build_parser", "main"]

# Each module defines ``register(subparsers)``, which adds its sub-command(s) and
# sets ``func(args) -> int`` on them. Add a module here to add a command.
_COMMAND_MODULES: tuple[str, ...] = ("migrate", "backfill", "report", "demo", "score")

#: Exit status when stdout is closed early (``pattern-quality score ... | head -1``):
#: 128 + SIGPIPE, what a shell shows for a program killed by a broken pipe.
EXIT_BROKEN_PIPE: Final = 141


def build_parser() -> argparse.ArgumentParser:
    """Return the ``pattern-quality`` parser with every sub-command registered.

    Returns:
        The parser.
    """
    parser = CommandLineParser(
        prog="pattern-quality",
        description="Score code patterns for quality and keep one current score per pattern.",
        epilog="--database-url and --data-dir may also be given before the command.",
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    add_database_option(parser)
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in _COMMAND_MODULES:
        module = importlib.import_module(f"{__package__}.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line.

    Args:
        argv: Arguments without the program name (defaults to ``sys.argv[1:]``).

    Returns:
        The exit code: 0 on success (also for ``--help`` and ``--version``); each
        command documents its others. Usage errors and expected errors print one
        line to stderr (passwords masked) and return 2; a closed stdout (``| head``)
        ends the command quietly with 141.
    """
    try:
        code = _main(argv)
        sys.stdout.flush()  # a closed pipe shows here rather than at interpreter exit
    except BrokenPipeError:
        _silence_stdout()
        return EXIT_BROKEN_PIPE
    return code


def _silence_stdout() -> None:
    # The reader went away (``| head``): point stdout at /dev/null so that the
    # interpreter's final flush does not print "Exception ignored ... BrokenPipeError".
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a real file (e.g. captured in tests)
        pass


def _main(argv: Sequence[str] | None) -> int:
    parser = build_parser()
    try:
        args = fill_global_defaults(parser.parse_args(argv))
    except SystemExit as exc:  # --help, --version (0) and usage errors (2) return, not exit
        return exc.code if isinstance(exc.code, int) else EXIT_OK if exc.code is None else 2
    if getattr(args, "func", None) is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        return run_command(args)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
