"""The ``pattern-quality`` parser: global options anywhere, did-you-mean suggestions.

``--database-url`` and ``--data-dir`` are accepted before or after the command
name (``pattern-quality --database-url X verify`` and ``pattern-quality verify
--database-url X`` are the same). Both the main parser and every sub-command
parser know them, with ``argparse.SUPPRESS`` as the default so that a value
given before the command is not overwritten by the sub-command's default;
:func:`fill_global_defaults` sets the ones not given to ``None`` afterwards.

A mistyped command, option or choice gets the closest known spelling in the
error line (``did you mean 'verify'?``).
"""

from __future__ import annotations

import argparse
import difflib
import re
from collections.abc import Iterator
from typing import Final, NoReturn

from ._common import MaskingArgumentParser

__all__ = ["GLOBAL_OPTIONS", "CommandLineParser", "fill_global_defaults", "suggestion"]

#: Destinations of the options accepted before or after the command name.
GLOBAL_OPTIONS: Final = ("database_url", "data_dir", "verbose")

_INVALID_CHOICE = re.compile(r"invalid choice: '?(?P<value>[^'\s]+)'?")
_UNRECOGNIZED = re.compile(r"unrecognized arguments: (?P<args>.+)")


def _parsers(parser: argparse.ArgumentParser) -> Iterator[argparse.ArgumentParser]:
    yield parser
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for sub in dict.fromkeys(action.choices.values()):
                yield from _parsers(sub)


def _known_words(parser: argparse.ArgumentParser) -> tuple[list[str], list[str]]:
    """Return (every choice of every argument, every option string) of the parser tree."""
    choices: list[str] = []
    options: list[str] = []
    for each in _parsers(parser):
        for action in each._actions:
            if action.choices is not None:
                choices.extend(str(c) for c in action.choices)
            options.extend(s for s in action.option_strings if s.startswith("--"))
    return list(dict.fromkeys(choices)), list(dict.fromkeys(options))


def suggestion(parser: argparse.ArgumentParser, message: str) -> str | None:
    """Return ``did you mean ...?`` for an argparse error message, if a close match exists.

    Args:
        parser: The parser that reports the error (its sub-command parsers are searched too).
        message: argparse's message (``invalid choice: 'verfy' ...`` or
            ``unrecognized arguments: --databse-url ...``).

    Returns:
        The suggestion text, or ``None`` when nothing is close.
    """
    choices, options = _known_words(parser)
    match = _INVALID_CHOICE.search(message)
    if match is not None:
        close = difflib.get_close_matches(match["value"], choices, n=1, cutoff=0.6)
        return f"did you mean '{close[0]}'?" if close else None
    match = _UNRECOGNIZED.search(message)
    if match is not None:
        for word in match["args"].split():
            if word.startswith("--"):
                close = difflib.get_close_matches(word.split("=", 1)[0], options, n=1)
                if close:
                    return f"did you mean '{close[0]}'?"
    return None


class CommandLineParser(MaskingArgumentParser):
    """The parser class of ``pattern-quality`` and its sub-commands (passwords masked)."""

    def error(self, message: str) -> NoReturn:
        """Print the usage and the masked message, with a did-you-mean hint, and exit with 2.

        Args:
            message: argparse's message.
        """
        hint = suggestion(self, message)
        super().error(f"{message}; {hint}" if hint else message)


def fill_global_defaults(args: argparse.Namespace) -> argparse.Namespace:
    """Set the global options that were not given (see the module docstring) to ``None``.

    Args:
        args: The parsed arguments.

    Returns:
        The same namespace.
    """
    for name in GLOBAL_OPTIONS:
        if not hasattr(args, name):
            setattr(args, name, None)
    return args
