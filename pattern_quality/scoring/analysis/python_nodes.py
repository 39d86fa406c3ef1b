"""Small readers of Python tree-sitter nodes: docstrings, empty bodies, except handlers."""

from __future__ import annotations

import re
from typing import Final

import tree_sitter

from .facts import Facts, Issue

__all__ = ["body_statements", "is_docstring", "no_behaviour", "read_except", "text_of"]

_SUCCESS: Final = re.compile(
    r"\b(?:success|succeeded|ok)\s*[=:]\s*True\b|[\"'](?:success|ok)[\"']\s*:\s*True\b"
    r"|^\s*return\s+True\b|status\s*=\s*[\"'](?:success|ok)[\"']",
    re.MULTILINE,
)
_BROAD: Final = frozenset({"Exception", "BaseException"})


def text_of(node: tree_sitter.Node) -> str:
    raw = node.text
    return raw.decode("utf-8", "replace") if raw is not None else ""


def is_docstring(node: tree_sitter.Node) -> bool:
    return (
        node.type == "expression_statement"
        and node.named_child_count == 1
        and (node.named_children[0].type in ("string", "concatenated_string"))
    )


def body_statements(block: tree_sitter.Node | None) -> list[tree_sitter.Node]:
    if block is None:
        return []
    return [c for c in block.named_children if c.type != "comment"]


def no_behaviour(stmts: list[tree_sitter.Node]) -> bool:
    """Only ``pass``, ``...``, ``raise NotImplementedError`` or a bare ``return``."""
    for s in stmts:
        t = s.type
        if t == "pass_statement":
            continue
        if t == "expression_statement" and s.named_child_count == 1:
            child = s.named_children[0]
            if child.type == "ellipsis":
                continue
        if t == "raise_statement" and b"NotImplementedError" in (s.text or b""):
            continue
        if t == "return_statement" and (
            s.named_child_count == 0 or s.named_children[0].type == "none"
        ):
            continue
        return False
    return True


_EMPTY_VALUES: Final = frozenset({"none", "false", "true", "integer"})


def _returns_empty(stmt: tree_sitter.Node) -> bool:
    """``return``, ``return None`` / ``False`` / ``0`` / ``{}`` / ``[]`` / ``""`` / ``()``."""
    if stmt.type != "return_statement":
        return False
    if stmt.named_child_count == 0:
        return True
    value = stmt.named_children[0]
    if value.type in _EMPTY_VALUES:
        return True
    if value.type in ("dictionary", "list", "tuple", "set"):
        return value.named_child_count == 0
    return value.type == "string" and len(value.text or b"") <= 2


_DROPS: Final = frozenset({"continue_statement", "break_statement", "pass_statement"})
_LOG_CALL: Final = re.compile(rb"^(?:\w+\.)*(?:log(?:ger)?|logging|warnings)\.\w+\(|^print\(")


def _logs(stmt: tree_sitter.Node) -> bool:
    """A statement that only logs (``logger.warning(...)``, ``print(...)``)."""
    return stmt.type == "expression_statement" and _LOG_CALL.match(stmt.text or b"") is not None


def read_except(node: tree_sitter.Node, facts: Facts) -> None:
    line = node.start_point[0] + 1
    named = [c for c in node.named_children if c.type != "comment"]
    block = named[-1] if named and named[-1].type == "block" else None
    caught = [c for c in named if c is not block]
    body = body_statements(block)
    raises = block is not None and b"raise" in (block.text or b"")
    if not caught:
        facts.issues.append(Issue("bare_except", line, "bare 'except:' catches everything"))
        broad = True
    else:
        text = text_of(caught[0])
        names = {w.strip() for w in text.split(" as ")[0].strip("()").split(",")}
        broad = bool(names & _BROAD)
    if broad and not raises:
        empty = no_behaviour(body) or all(
            s.type in ("continue_statement", "break_statement") or _returns_empty(s) for s in body
        )
        if empty:
            what = " ".join(text_of(s) for s in body)[:40] or "nothing"
            facts.issues.append(Issue("swallowed_exception", line, f"broad except does {what}"))
        elif body and all(_logs(s) or _returns_empty(s) or s.type in _DROPS for s in body):
            facts.issues.append(
                Issue("logged_and_dropped", line, "broad except only logs, then carries on")
            )
    if block is not None and _SUCCESS.search(text_of(block)):
        facts.issues.append(Issue("success_after_failure", line, "reports success in an except"))
