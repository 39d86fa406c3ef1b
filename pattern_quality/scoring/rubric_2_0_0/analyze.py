"""Turn a pattern's code into :class:`CodeFacts`: one AST parse, one comment scan.

Bounds (so that no input can crash the scorer or stall it):

* only the first :data:`MAX_SOURCE_CHARS` characters of the code are read, and
  code longer than that is not parsed (the fallback reads that first part), with
  a note saying how much was skipped; parsing 250,000 characters of dense code
  takes well under a second, and real patterns are a few kilobytes;
* ``ast.parse`` failures of every kind (``SyntaxError`` including too-deep
  nesting, ``ValueError`` for null bytes, ``RecursionError`` and ``MemoryError``
  while the tree is built) switch to the fallback, with a note naming the cause;
* the walk over the tree is iterative, so tree depth cannot exhaust the stack.

Parse-time warnings (invalid escape sequences, a number run into a keyword as
in ``1if x else y``) are silenced so that the same code gets the same score
under any warning filter (with warnings turned into errors, ``ast.parse`` would
otherwise reject such code): one ``ignore`` filter is pushed in front of the
filters for the parse and popped after it. The cyclic garbage
collector is paused while a tree is built and walked: an AST holds no reference
cycles (reference counting frees it), and on large inputs the collector's
repeated full passes over the growing tree double the cost of the parse.
"""

from __future__ import annotations

import ast
import contextlib
import gc
import re
import textwrap
import warnings
from collections.abc import Callable
from typing import Any, Final, cast

from .facts import CodeFacts
from .fallback import fallback_facts
from .lexer import scan_python
from .python_facts import python_facts

__all__ = ["MAX_SOURCE_CHARS", "analyze"]

#: Only this many characters of code are read; longer code is not parsed.
MAX_SOURCE_CHARS: Final = 250_000

_NON_BLANK: Final = re.compile(r"\S[^\n]*")
#: The filter that silences parse-time warnings, put first while a tree is built.
_IGNORE_ALL: Final = ("ignore", None, Warning, None, 0)
#: Tells the C warnings module that the filter list changed (CPython 3.11-3.13).
_filters_mutated: Final[Callable[[], None] | None] = getattr(warnings, "_filters_mutated", None)


def _parse(code: str) -> ast.Module:
    """``ast.parse`` with every warning ignored, whatever the process's filters.

    ``warnings.catch_warnings()`` copies and restores the whole filter list
    (about 5 % of a typical pattern's parse); pushing one ``ignore`` filter in
    front and popping it again does the same job for a fraction of that.
    """
    mutated = _filters_mutated
    if mutated is None:  # another interpreter: the public, slower way
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(code)
    filters = cast("list[Any]", warnings.filters)  # a list at run time
    filters.insert(0, _IGNORE_ALL)
    mutated()
    try:
        return ast.parse(code)
    finally:
        if filters and filters[0] is _IGNORE_ALL:
            del filters[0]
        else:  # the list was changed meanwhile (another thread): drop ours anyway
            with contextlib.suppress(ValueError):
                filters.remove(_IGNORE_ALL)
        mutated()


def _why(exc: BaseException) -> str:
    if isinstance(exc, SyntaxError):
        where = f"line {exc.lineno}: " if exc.lineno else ""
        return f"{where}{exc.msg}"
    if isinstance(exc, RecursionError):
        return "nested too deeply for the Python parser"
    if isinstance(exc, MemoryError):
        return "too large or too deeply nested for the Python parser"
    return str(exc) or type(exc).__name__


def analyze(code: str, complexity: bool = True) -> CodeFacts:
    """Gather the facts of non-blank code, through the AST when it parses.

    Args:
        code: The pattern's code (not empty, not only whitespace).
        complexity: Measure the cyclomatic complexity; when false (it would not
            change any score), :attr:`CodeFacts.max_cc` is left at 0 on the AST path.

    Returns:
        The facts; :attr:`CodeFacts.notes` says what was skipped, if anything.
    """
    if len(code) > MAX_SOURCE_CHARS:
        note = (
            f"code is {len(code):,} characters: not parsed, and the "
            f"{len(code) - MAX_SOURCE_CHARS:,} after the first {MAX_SOURCE_CHARS:,} "
            "were skipped: fallback rules"
        )
        return fallback_facts(code[:MAX_SOURCE_CHARS], note)
    source = code
    dedented = False
    enabled = gc.isenabled()
    if enabled:
        gc.disable()
    try:
        try:
            tree = _parse(source)
        except SyntaxError as exc:
            # A method or block cut out of its class: indented as a whole.
            stripped = source.lstrip("\r\n")
            if not (stripped[:1] in (" ", "\t") and isinstance(exc, IndentationError)):
                raise
            source = textwrap.dedent(source)
            tree = _parse(source)
            dedented = True
        if complexity or "#" in source:
            comments, decisions = scan_python(source, complexity)
        else:  # no keywords wanted and no '#' at all: nothing to scan for
            comments, decisions = [], []
        facts = python_facts(tree, decisions)
        if not complexity:
            facts.max_cc = 0
        del tree
    except (SyntaxError, ValueError, RecursionError, MemoryError, OverflowError) as exc:
        return fallback_facts(code, f"not parsed as Python ({_why(exc)}): fallback rules")
    finally:
        if enabled:
            gc.enable()
    if dedented:
        facts.notes.append("the code was indented as a whole: parsed after dedenting")
    facts.comments = comments
    if comments:  # code lines only scale the comment target
        own_lines = sum(1 for c in comments if c[2])
        facts.code_lines = len(_NON_BLANK.findall(source)) - own_lines
    return facts
