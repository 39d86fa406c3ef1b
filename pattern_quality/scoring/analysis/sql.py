"""Facts of SQL code: tree-sitter-sql for comments and statements, lexical checks per statement.

DDL is idempotent when it says ``IF [NOT] EXISTS`` or ``OR REPLACE``; ``COMMENT ON``
documents a schema object; ``DELETE`` / ``UPDATE`` without ``WHERE`` write every row.
"""

from __future__ import annotations

import re
from typing import Final

import tree_sitter

from .common import MARKER, is_doc_comment, ordered
from .facts import Facts, Function, Issue
from .languages import grammar

__all__ = ["sql_facts"]

_QUERY: Final = "[(comment) (marginalia)] @comment (statement) @stmt (ERROR) @error"
_query: tree_sitter.Query | None = None

_DDL: Final = re.compile(r"^\s*(create|drop|alter)\b", re.IGNORECASE)
#: ALTER changes that fail when re-run without IF [NOT] EXISTS.
_ALTER_RISKY: Final = re.compile(
    r"\b(?:add\s+column|drop\s+column|drop\s+constraint)\b(?!\s+if\b)", re.IGNORECASE
)
_IDEMPOTENT: Final = re.compile(r"\bif\s+(?:not\s+)?exists\b|\bor\s+replace\b", re.IGNORECASE)
_UNBOUNDED: Final = re.compile(r"^\s*delete\s+from\b(?![\s\S]*\bwhere\b)", re.IGNORECASE)
_COMMENT_ON: Final = re.compile(r"^\s*comment\s+on\b", re.IGNORECASE)
_FUNCTION: Final = re.compile(
    r"^\s*create\s+(?:or\s+replace\s+)?(?:function|procedure)\s+([\w.\"]+)", re.IGNORECASE
)
_BRANCH: Final = re.compile(r"\b(?:when|if|elsif|loop|while|and|or)\b", re.IGNORECASE)
_SELECT_STAR: Final = re.compile(r"\bselect\s+\*", re.IGNORECASE)
_TRANSACTION: Final = re.compile(r"^\s*(?:begin|commit|start\s+transaction)\b", re.IGNORECASE)


def sql_facts(source: bytes, tree: tree_sitter.Tree) -> Facts:
    """Read the facts of SQL code.

    Args:
        source: The bytes that were parsed.
        tree: Their tree.

    Returns:
        The facts; :attr:`Facts.signals` holds ``ddl``, ``idempotent_ddl``,
        ``comment_on`` and ``transaction``.
    """
    global _query
    if _query is None:
        _query = tree_sitter.Query(grammar("sql"), _QUERY)
    facts = Facts("sql")
    caps = tree_sitter.QueryCursor(_query).captures(tree.root_node)
    facts.errors = len(caps.get("error", ()))
    for c in ordered(caps, "comment"):
        text = (c.text or b"").decode("utf-8", "replace")
        mark = MARKER.search(text)
        if mark is not None:
            facts.markers.append((c.start_point[0] + 1, mark.group(1)))
        if is_doc_comment(text):
            facts.comment_lines += text.count("\n") + 1
    statements = [
        (s.start_point[0] + 1, (s.text or b"").decode("utf-8", "replace"))
        for s in ordered(caps, "stmt")
        if s.parent is not None and s.parent.type == "program"
    ]
    if not statements or facts.errors:  # the grammar lost its way: split on ';'
        statements = _split(source.decode("utf-8", "replace"))
    ddl = idempotent = comment_on = transaction = 0
    for line, text in statements:
        facts.statements += 1
        if _COMMENT_ON.match(text):
            comment_on += 1
            continue
        if _TRANSACTION.match(text):
            transaction += 1
        if _DDL.match(text):
            ddl += 1
            alter = text.lstrip()[:5].lower() == "alter"
            if (alter and not _ALTER_RISKY.search(text)) or (
                not alter and _IDEMPOTENT.search(text)
            ):
                idempotent += 1
            else:
                verb = text.split(None, 2)[:2]
                facts.issues.append(
                    Issue("non_idempotent_ddl", line, f"{' '.join(verb).upper()} without IF EXISTS")
                )
        if _UNBOUNDED.match(text):
            facts.issues.append(Issue("unbounded_write", line, "DELETE without WHERE"))
        if _SELECT_STAR.search(text):
            facts.issues.append(Issue("select_star", line, "SELECT * depends on column order"))
        m = _FUNCTION.match(text)
        if m is not None:
            f = Function(m.group(1), line, line + text.count("\n"))
            f.cc = 1 + len(_BRANCH.findall(text))
            f.statements = max(1, text.count(";"))
            facts.functions.append(f)
    facts.behaviour = facts.statements - comment_on
    facts.signals.update(
        ddl=ddl, idempotent_ddl=idempotent, comment_on=comment_on, transaction=transaction
    )
    facts.issues.sort(key=lambda i: (i.line, i.rule, i.detail))
    facts.doc_total = max(1, ddl)
    documented = min(facts.doc_total, comment_on + (1 if facts.comment_lines else 0))
    facts.doc_missing = [(1, "schema object")] * (facts.doc_total - documented)
    return facts


_STRIP: Final = re.compile(r"--[^\n]*|/\*[\s\S]*?\*/|'(?:[^']|'')*'|\$\$[\s\S]*?\$\$")


def _split(text: str) -> list[tuple[int, str]]:
    """Lexical statements: comments and strings masked, split on ``;``."""
    masked = _STRIP.sub(
        lambda m: " " * len(m.group(0)) if m.group(0)[0] in "-/" else m.group(0), text
    )
    out = []
    start = 0
    for part in masked.split(";"):
        if part.strip():
            lead = len(part) - len(part.lstrip())
            out.append((text.count("\n", 0, start + lead) + 1, part.strip()))
        start += len(part) + 1
    return out
