"""Rubric 2.0.0's fallback for code that does not parse as Python.

Another language, a truncated preview, a fragment: the code is first masked by
:func:`mask_generic` (strings emptied, ``#`` / ``//`` / ``/* */`` comments
blanked, newlines kept), then read line by line with word-boundary regular
expressions. So the substring traps of rubric 1.0.0 stay closed: ``password``
is not ``pass``, ``Callable[..., T]`` is not a stub (only a line that is *just*
``pass`` or ``...`` is), and keywords or ``TODO`` inside strings never count.
Every expression here is linear in the length of the input.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Final

from .facts import CodeFacts
from .lexer import mask_generic

__all__ = ["fallback_facts"]

_DEF: Final = re.compile(
    r"^[ \t]*(?:(?:export|public|private|protected|static|pub|async|override)\s+)*"
    r"(?:(def|function|func|fn)\s+(?:\([^)\n]*\)\s*)?(\w+)|(class|struct|interface)\s+(\w+))",
    re.MULTILINE,
)
_STUB_LINE: Final = re.compile(
    r"^[ \t]*(?:pass|\.\.\.)[ \t]*;?[ \t]*$"
    r"|\braise\s+NotImplementedError\b|\bNotImplementedException\b"
    r"|\b(?:unimplemented|todo)!\s*\(",
    re.MULTILINE,
)
_STRUCTURE: Final = re.compile(
    r"\b(?:if|for|while|switch|match|try|def|class|function|func|fn|struct|interface)\b"
)
_IMPORT: Final = re.compile(
    r"^[ \t]*(?:import\b|from\s+[\w.]+\s+import\b|using\b|use\b|#include\b|require\b)"
    r"|\brequire\s*\(",
    re.MULTILINE,
)
_DECISION: Final = re.compile(r"\b(?:if|elif|for|while|except|catch|case|and|or)\b|&&|\|\|")
_ANNOTATED: Final = re.compile(r"[(,]\s*\w+\s*:\s*[\w\[]|\)\s*(?:->\s*)?:?\s*\w[\w.\[\]]*\s*[{:]")
_PY_SIGNATURE: Final = re.compile(r"[ \t]*(?:async\s+)?def\s+\w+\s*\((.*)\)\s*(->)?[^:()]*:")
_PARAM_ANNOTATED: Final = re.compile(r"\*{0,2}\w+\s*:")
_PY_ANNOTATED: Final = re.compile(r"[(,]\s*\*{0,2}\w+\s*:\s*[\w\[]|\)\s*->\s*\w")
_ASYNC_EXECUTE: Final = re.compile(r"^([ \t]*)(async\s+)?(?:def|function)\s+(execute_\w+)", re.M)
_NON_BLANK: Final = re.compile(r"\S[^\n]*")
_NEWLINE: Final = re.compile(r"\n")


def fallback_facts(code: str, reason: str) -> CodeFacts:
    """Gather the facts of code that does not parse, from its masked text.

    Args:
        code: The code (already capped in size by the caller).
        reason: Why the AST was not used; kept in :attr:`CodeFacts.notes`.

    Returns:
        The facts, with ``parsed`` false.
    """
    facts = CodeFacts(parsed=False)
    facts.notes.append(reason)
    masked, comments = mask_generic(code)
    facts.comments = comments
    lines = masked.split("\n")
    original = code.split("\n")
    facts.code_lines = facts.statements = sum(1 for _ in _NON_BLANK.finditer(masked))
    facts.structure = _STRUCTURE.search(masked) is not None
    facts.imports = _IMPORT.search(masked) is not None
    comment_end_lines = {line + text.count("\n") for line, text, _ in comments}

    newlines = [m.start() for m in _NEWLINE.finditer(masked)]

    def line_of(pos: int) -> int:
        return bisect_right(newlines, pos - 1) + 1

    definitions: list[tuple[int, str, bool]] = []  # (line, name, is_class)
    for m in _DEF.finditer(masked):
        name = m.group(2) or m.group(4)
        definitions.append((line_of(m.start()), name, m.group(4) is not None))
    functions = [d for d in definitions if not d[2]]
    facts.has_class = any(d[2] for d in definitions)

    function_lines = [d[0] for d in functions]
    for m in _STUB_LINE.finditer(masked):
        line = line_of(m.start())
        owner = bisect_right(function_lines, line)
        facts.stubs.append((line, functions[owner - 1][1] if owner else "<code>"))
    facts.candidates = max(len(functions), len(facts.stubs))

    public = [d for d in definitions if not d[1].startswith("_")]
    for line, name, _ in public:
        if not _documented(line, lines, original, comment_end_lines):
            facts.doc_missing.append((line, name))
    facts.doc_total = len(public)
    if not public:
        facts.doc_total = 1
        first = next((i for i, text in enumerate(original, 1) if text.strip()), 0)
        documented = first > 0 and (
            any(c[0] == first for c in comments)
            or original[first - 1].lstrip()[:3] in ('"""', "'''")
        )
        if not documented:
            facts.doc_missing.append((1, "<module>"))

    for line, _, _ in functions:
        total, done = _annotation_slots(lines[line - 1])
        facts.ann_total += total
        facts.ann_done += done

    for m in _ASYNC_EXECUTE.finditer(masked):
        in_class = bool(m.group(1)) and facts.has_class
        facts.executes.append((line_of(m.start()), m.group(3), m.group(2) is not None, in_class))

    facts.max_cc = 1 + sum(1 for _ in _DECISION.finditer(masked))
    facts.max_cc_name = "<code>"
    return facts


def _annotation_slots(line: str) -> tuple[int, int]:
    """``(slots, annotated)`` of one masked definition line.

    A one-line Python signature counts its parameters (``self`` / ``cls`` excluded)
    and its return, like the AST path; any other definition line is one slot,
    annotated when it shows a ``name: Type`` parameter or a return type.
    """
    m = _PY_SIGNATURE.match(line)
    if m is None:
        return 1, int(bool(_PY_ANNOTATED.search(line) or _ANNOTATED.search(line)))
    params: list[str] = []
    depth = 0
    current: list[str] = []
    for ch in m.group(1) + ",":
        if ch in "([{":
            depth += 1
        elif ch in ")]}":
            depth -= 1
        elif ch == "," and depth == 0:
            param = "".join(current).strip()
            current = []
            if param and param not in ("*", "/"):
                params.append(param)
            continue
        current.append(ch)
    if params and params[0] in ("self", "cls"):
        params = params[1:]
    annotated = sum(1 for p in params if _PARAM_ANNOTATED.match(p))
    return len(params) + 1, annotated + (m.group(2) is not None)


def _documented(line: int, masked: list[str], original: list[str], comment_ends: set[int]) -> bool:
    """A definition is documented when a comment ends on the non-blank line above it
    or a triple-quoted string opens the first non-blank line below it."""
    above = line - 1
    while above >= 1 and not original[above - 1].strip():
        above -= 1
    if above >= 1 and above in comment_ends and not masked[above - 1].strip():
        return True
    below = line + 1
    while below <= len(original) and not original[below - 1].strip():
        below += 1
    return below <= len(original) and original[below - 1].lstrip()[:3] in ('"""', "'''")
