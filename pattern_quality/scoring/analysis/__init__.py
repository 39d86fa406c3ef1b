"""The language-aware analysis layer of rubric 3.0.0, on tree-sitter.

:func:`detect` finds a pattern's language, :func:`~.languages.parse` parses it
(any interpreter version, BOM stripped, error nodes tolerated) and
:func:`analyze` turns the tree into :class:`~.facts.Facts`, one reader per
language (:mod:`.python`, :mod:`.javascript`, :mod:`.sql`, :mod:`.bash`,
:mod:`.yaml_facts`). Each reader runs one tree-sitter query (in C) and a short
pass over what it captured.
"""

from __future__ import annotations

from typing import Final

from .common import line_facts
from .facts import Facts, Function, Issue
from .languages import LANGUAGES, OTHER, detect, language_of_path, normalise, parse

__all__ = [
    "LANGUAGES",
    "MAX_SOURCE_CHARS",
    "OTHER",
    "Facts",
    "Function",
    "Issue",
    "analyze",
    "detect",
    "language_of_path",
    "normalise",
    "parse",
]

#: Only this many characters of code are analysed; the rest is skipped with a note.
MAX_SOURCE_CHARS: Final = 250_000

_COMMENT_PREFIXES: Final = {
    "python": ("#",),
    "bash": ("#",),
    "yaml": ("#",),
    "sql": ("--", "/*", "*"),
}
_C_COMMENTS: Final = ("//", "/*", "*")


def analyze(code: str, language: str) -> Facts:
    """Analyse code in a language with rules (one of :data:`LANGUAGES`).

    Args:
        code: The code (any text; a leading BOM is ignored).
        language: One of :data:`LANGUAGES`.

    Returns:
        The facts; :attr:`Facts.notes` says what was skipped, if anything.

    Raises:
        ValueError: ``language`` is not one of :data:`LANGUAGES`.
    """
    if language not in LANGUAGES:
        raise ValueError(f"no rules for language {language!r}; known: {', '.join(LANGUAGES)}")
    note = ""
    if len(code) > MAX_SOURCE_CHARS:
        note = (
            f"code is {len(code):,} characters: the {len(code) - MAX_SOURCE_CHARS:,} "
            f"after the first {MAX_SOURCE_CHARS:,} were not analysed"
        )
        code = code[:MAX_SOURCE_CHARS]
    tree, source = parse(code, language)
    text = code[1:] if code.startswith("\ufeff") else code
    facts: Facts
    if language == "python":
        from .python import python_facts

        facts = python_facts(source, tree, text)
    elif language == "sql":
        from .sql import sql_facts

        facts = sql_facts(source, tree)
    elif language == "bash":
        from .bash import bash_facts

        facts = bash_facts(source, tree)
    elif language == "yaml":
        from .yaml_facts import yaml_facts

        facts = yaml_facts(source, tree)
    else:
        from .javascript import javascript_facts

        facts = javascript_facts(source, tree, language)
    if facts.errors == 0 and tree.root_node.has_error:
        facts.errors = 1  # only missing nodes, which no query captures
    if note:
        facts.notes.append(note)
    if facts.errors:
        facts.notes.append(f"{facts.errors} syntax error node(s): read as far as it parses")
    prefixes = _COMMENT_PREFIXES.get(language, _C_COMMENTS)
    non_blank, comment_only, facts.repetition = line_facts(text, prefixes)
    facts.lines = non_blank
    facts.code_lines = max(0, non_blank - comment_only - facts.docstring_lines)
    return facts
