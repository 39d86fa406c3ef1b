"""``pattern-quality score``: score files or pattern JSON and explain the scores.

Each argument is one of:

* ``-``: JSON read from stdin (one pattern mapping or a list of them);
* a path to a ``.json`` file: one pattern mapping or a list of them;
* a path to any other file (``.py``, ``.ts``, ...): one pattern whose ``code``
  is the file's text (UTF-8, a BOM dropped), whose ``pattern_name`` is the file's
  stem and whose ``path`` key is the path given (rubric 3.0.0 reads the language
  from its extension);
* an inline JSON object (or a list of objects), e.g. ``'{"code": "pass"}'``.

An argument is scored whole or not at all: when it cannot be read or holds an
invalid pattern, one error line naming it goes to stderr and none of its
patterns is printed. The other arguments are still scored. Exit codes: 0 every
argument was scored; 2 at least one argument was missing or invalid (or the
usage was wrong).
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, Final

from ..errors import ArgumentError, PatternValidationError
from ..models import Pattern, QualityScore
from ..scoring import DEFAULT_RUBRIC, PatternQualityScorer, available_rubrics
from ._common import EXIT_OK, EXIT_UNAVAILABLE, error, print_json

__all__ = ["ArgumentError", "load_argument", "register", "run"]

#: The argument that reads JSON from stdin.
STDIN: Final = "-"
#: File names scored inside a directory argument when no ``--include`` is given.
DEFAULT_INCLUDE: Final = ("*.py",)
#: Longest argument shown in full in a message (inline JSON / paths).
_SHOWN_JSON: Final = 60
_SHOWN_PATH: Final = 200


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add the ``score`` sub-command.

    Args:
        subparsers: The ``pattern-quality`` sub-command collection.
    """
    parser = subparsers.add_parser(
        "score",
        help="score source files or pattern JSON and explain each score",
        description=(
            "Score each argument and print the composite, the tier and the findings "
            "behind every dimension. An argument is a source file (a pattern whose code "
            "is the file and whose name is the file stem), a .json file holding one "
            "pattern or a list of them, '-' for that JSON on stdin, or an inline JSON "
            "object. Nothing is stored. Exit codes: 0 all scored; 2 an argument was "
            "missing or invalid (named on stderr; the others are still scored)."
        ),
    )
    parser.add_argument(
        "inputs",
        nargs="+",
        metavar="PATH_OR_JSON",
        help="a source file, a directory (its files matching --include, recursively), "
        "a .json file, '-' (JSON on stdin) or an inline JSON object",
    )
    parser.add_argument(
        "--include",
        action="append",
        metavar="GLOB",
        help="file names scored in a directory argument (repeatable; default: "
        + " ".join(DEFAULT_INCLUDE)
        + "); hidden directories and __pycache__ are skipped",
    )
    parser.add_argument(
        "--rubric",
        choices=available_rubrics(),
        default=DEFAULT_RUBRIC,
        help="rubric version to score with (default: %(default)s)",
    )
    parser.add_argument(
        "--json",
        action="store_true",
        help="print a JSON list of the scores (every field, findings included)",
    )
    parser.set_defaults(func=run)


def _shown(argument: str, limit: int) -> str:
    text = " ".join(argument.split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _patterns_from_json(text: str, where: str) -> list[Pattern]:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ArgumentError(f"{where}: invalid JSON: {exc}") from None
    except RecursionError:
        raise ArgumentError(f"{where}: invalid JSON: nested too deeply") from None
    if isinstance(document, Mapping):
        items, many = [document], False
    elif isinstance(document, list):
        items, many = document, True
    else:
        raise ArgumentError(
            f"{where}: expected a pattern object or a list of them, "
            f"got a JSON {type(document).__name__}"
        )
    patterns = []
    for index, item in enumerate(items):
        label = f"{where} item {index}" if many else where
        if not isinstance(item, Mapping):
            raise ArgumentError(
                f"{label}: expected a pattern object, got a JSON {type(item).__name__}"
            )
        try:
            patterns.append(Pattern.from_mapping(item))
        except PatternValidationError as exc:
            raise ArgumentError(f"{label}: {exc}") from None
    return patterns


def _read_text(path: Path, where: str) -> str:
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ArgumentError(f"{where}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except IsADirectoryError:
        raise ArgumentError(f"{where}: is a directory, not a file") from None
    except OSError as exc:
        raise ArgumentError(f"{where}: cannot read: {exc.strerror or exc}") from None


def _path_of(pattern: Pattern) -> str | None:
    path = pattern.extra.get("path")
    return path if isinstance(path, str) else None


def _is_file(argument: str) -> bool:
    try:
        return Path(argument).exists()
    except (OSError, ValueError):  # too long for a path, or holds a NUL character
        return False


def load_argument(argument: str, stdin: str | None = None) -> list[Pattern]:
    """Turn one ``score`` argument into the patterns it holds.

    Args:
        argument: ``-``, a file path, or an inline JSON object or list.
        stdin: The text of stdin, for ``-`` (read by the caller, once).

    Returns:
        The validated patterns, in the order given (possibly empty for ``[]``).

    Raises:
        ArgumentError: The file does not exist or cannot be read, the JSON is
            invalid or not a pattern object or list of them, or a pattern has a
            wrong type; the message names the argument (and the list index).
    """
    if argument == STDIN:
        return _patterns_from_json(stdin or "", "<stdin>")
    if _is_file(argument):
        path = Path(argument)
        text = _read_text(path, argument)
        if path.suffix.lower() == ".json":
            return _patterns_from_json(text, argument)
        return [Pattern(pattern_name=path.stem, code=text, extra={"path": argument})]
    if argument.lstrip().startswith(("{", "[")):
        return _patterns_from_json(argument, f"inline JSON '{_shown(argument, _SHOWN_JSON)}'")
    shown = _shown(argument, _SHOWN_PATH)
    raise ArgumentError(f"{shown}: no such file (nor an inline JSON object)")


def directory_files(directory: Path, include: Sequence[str]) -> list[Path]:
    """Return the files under ``directory`` whose name matches a pattern, sorted.

    Args:
        directory: The directory to walk (recursively).
        include: ``fnmatch`` patterns matched against file names.

    Returns:
        The paths, in sorted order; hidden directories (``.git``, ``.venv``, ...)
        and ``__pycache__`` are not entered.
    """
    found: list[Path] = []
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d != "__pycache__")
        found.extend(
            Path(root, name)
            for name in files
            if any(fnmatch.fnmatchcase(name, pattern) for pattern in include)
        )
    return sorted(found)


def _expanded(inputs: Sequence[str], include: Sequence[str]) -> Iterator[str | ArgumentError]:
    for argument in inputs:
        if argument != STDIN and _is_dir(argument):
            files = directory_files(Path(argument), include)
            if not files:
                yield ArgumentError(
                    f"{argument}: is a directory without files matching {' '.join(include)} "
                    "(see --include)"
                )
            yield from (str(f) for f in files)
        else:
            yield argument


def _is_dir(argument: str) -> bool:
    try:
        return Path(argument).is_dir()
    except (OSError, ValueError):
        return False


def run(args: argparse.Namespace) -> int:
    """Score every argument and print the explanations (or ``--json``).

    Args:
        args: Parsed arguments (``inputs``, ``rubric``, ``json``).

    Returns:
        0 when every argument was scored, 2 when at least one was missing or invalid.
    """
    scorer = PatternQualityScorer(args.rubric, explain=True, content_hash=True)
    stdin = sys.stdin.read() if STDIN in args.inputs else None
    scores: list[QualityScore] = []
    paths: list[str | None] = []
    failed = 0
    for argument in _expanded(args.inputs, args.include or DEFAULT_INCLUDE):
        try:
            if isinstance(argument, ArgumentError):
                raise argument
            patterns = load_argument(argument, stdin)
        except ArgumentError as exc:
            error(str(exc))
            failed += 1
            continue
        batch = [scorer.score_pattern(p) for p in patterns]
        paths.extend(_path_of(p) for p in patterns)
        if not args.json:  # text as it comes, one block per pattern, blank line between
            for score in batch:
                print(("\n" if scores else "") + score.explain(), flush=True)
                scores.append(score)
        else:
            scores.extend(batch)
    if args.json:
        document: list[dict[str, Any]] = [
            {"path": path, **s.to_dict()} for path, s in zip(paths, scores, strict=True)
        ]
        print_json(document)
    return EXIT_UNAVAILABLE if failed else EXIT_OK
