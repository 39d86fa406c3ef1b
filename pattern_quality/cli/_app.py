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

__all__ = ["COMMANDS", "build_parser", "chosen_command", "main"]

#: Every command: its module in this package (whose ``register(subparsers)`` adds
#: it and sets ``func(args) -> int``) and its one-line help. Only the module of
#: the command being run is imported, so ``--help`` and ``--version`` stay fast;
#: tests/test_cli_startup.py checks that the help here is the module's.
COMMANDS: Final[dict[str, tuple[str, str]]] = {
    "migrate": ("migrate", "create or bring pattern_quality_metrics up to date"),
    "verify": ("migrate", "check the pattern_quality_metrics schema and data"),
    "backfill": ("backfill", "score Qdrant collections and store one score per pattern"),
    "project": (
        "project",
        "write every stored score into its Qdrant points' payloads (no re-scoring)",
    ),
    "report": ("report", "print the distribution of the stored quality scores"),
    "demo": ("demo", "run the whole product on the bundled sample with the embedded default"),
    "score": ("score", "score source files or pattern JSON and explain each score"),
    "completion": ("completion", "print a shell completion script (bash or zsh)"),
}

#: Exit status when stdout is closed early (``pattern-quality score ... | head -1``):
#: 128 + SIGPIPE, what a shell shows for a program killed by a broken pipe.
EXIT_BROKEN_PIPE: Final = 141

# Options of the main parser that take a value (the value is not the command name).
_VALUED_OPTIONS: Final = frozenset({"--database-url", "--data-dir"})


def chosen_command(argv: Sequence[str]) -> str | None:
    """Return the command name in ``argv`` (the first word that is not an option).

    Args:
        argv: Arguments without the program name.

    Returns:
        The word, known or not, or ``None`` when there is none.
    """
    words = iter(argv)
    for word in words:
        if word == "--":
            return next(words, None)
        if word.startswith("--") and any(o.startswith(word) for o in _VALUED_OPTIONS):
            next(words, None)  # argparse also takes unambiguous prefixes (--database)
        elif not word.startswith("-"):
            return word
    return None


def build_parser(argv: Sequence[str] | None = None) -> argparse.ArgumentParser:
    """Return the ``pattern-quality`` parser.

    Args:
        argv: The arguments about to be parsed. When given, only the module of
            the command they name is imported and registered in full; the other
            commands get a placeholder with their help, which is all that
            ``--help``, ``--version`` and a mistyped command need. ``None``
            registers every command in full.

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
    chosen = None if argv is None else chosen_command(argv)
    wanted = {module for name, (module, _) in COMMANDS.items() if argv is None or name == chosen}
    registered: set[str] = set()
    for name, (module, help_text) in COMMANDS.items():
        if module in wanted:
            if module not in registered:
                importlib.import_module(f"{__package__}.{module}").register(subparsers)
                registered.add(module)
        else:
            subparsers.add_parser(name, help=help_text)
    return _ordered(parser)


def _ordered(parser: argparse.ArgumentParser) -> argparse.ArgumentParser:
    # Keep the commands in the order of COMMANDS whichever were registered in full.
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            order = list(COMMANDS)
            action.choices = dict(sorted(action.choices.items(), key=lambda i: order.index(i[0])))
            action._choices_actions.sort(key=lambda a: order.index(a.dest))
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
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        args = fill_global_defaults(build_parser(argv).parse_args(argv))
        if getattr(args, "func", None) is None and args.command is not None:
            # A placeholder was chosen after all (an unusual spelling): parse in full.
            args = fill_global_defaults(build_parser().parse_args(argv))
    except SystemExit as exc:  # --help, --version (0) and usage errors (2) return, not exit
        return exc.code if isinstance(exc.code, int) else EXIT_OK if exc.code is None else 2
    if getattr(args, "func", None) is None:
        build_parser(argv).print_help(sys.stderr)
        return 2
    try:
        return run_command(args)
    except KeyboardInterrupt as exc:
        print(f"pattern-quality: {interrupted_message(exc)}", file=sys.stderr)
        return EXIT_INTERRUPTED


def interrupted_message(exc: KeyboardInterrupt) -> str:
    """Return the one line printed for Ctrl-C: what was committed and how to resume.

    Args:
        exc: The interrupt; a :class:`~pattern_quality.errors.BackfillInterrupted`
            carries the backfill's partial report.

    Returns:
        The line (without the program name).
    """
    report = getattr(exc, "report", None)
    if report is None:
        return "interrupted"
    return (
        f"interrupted: {report.stored:,} rows from {report.batches:,} batches were committed "
        "and stay stored; to resume, run the same command with --changed-only (patterns "
        "already stored unchanged are skipped)"
    )
