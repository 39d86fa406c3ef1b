"""Facts of TypeScript, TSX and JavaScript code from their tree-sitter trees."""

from __future__ import annotations

import re
from typing import Final

import tree_sitter

from .common import (
    ENTRY_POINTS,
    IO_CALL,
    MARKER,
    STUB_OK,
    add_complexity,
    function_owner,
    io_kind,
    is_doc_comment,
    ordered,
)
from .facts import Facts, Function, Issue
from .languages import grammar

__all__ = ["javascript_facts"]

_BASE: Final = """
[(function_declaration) (method_definition) (arrow_function) (function_expression)
 (generator_function_declaration)] @func
(class_declaration) @class
[(if_statement) (for_statement) (for_in_statement) (while_statement) (do_statement)
 (switch_case) (catch_clause) (ternary_expression)] @decision
(binary_expression operator: ["&&" "||" "??"]) @decision
[(if_statement) (for_statement) (for_in_statement) (while_statement) (do_statement)
 (try_statement) (switch_statement)] @nest
(comment) @comment
(import_statement) @import
(catch_clause) @catch
(call_expression function: [(identifier) (member_expression)] @callee)
(ERROR) @error
(statement_block) @block
"""
_TYPED: Final = """
(predefined_type) @predefined
[(interface_declaration) (type_alias_declaration) (enum_declaration)] @type_decl
"""

_queries: dict[str, tree_sitter.Query] = {}
_NOT_IN_BLOCK: Final = frozenset({"comment", "empty_statement", "ERROR"})
_DECL_IN_BLOCK: Final = frozenset({"function_declaration", "class_declaration"})
_NOT_TOP: Final = _NOT_IN_BLOCK | _DECL_IN_BLOCK | {"import_statement"}


def _query(language: str) -> tree_sitter.Query:
    q = _queries.get(language)
    if q is None:
        text = _BASE + (_TYPED if language != "javascript" else "")
        q = _queries[language] = tree_sitter.Query(grammar(language), text)
    return q


_WRAPPERS: Final = frozenset(
    {"variable_declarator", "lexical_declaration", "variable_declaration", "export_statement"}
)
_SUCCESS: Final = re.compile(r"\b(?:success|ok)\s*[:=]\s*true\b|return\s+true\b")


def _text(node: tree_sitter.Node) -> str:
    raw = node.text
    return raw.decode("utf-8", "replace") if raw is not None else ""


def _declaration(node: tree_sitter.Node) -> tuple[str, tree_sitter.Node, bool]:
    """``(name, outermost declaration node, named)`` of a function node."""
    name_node = node.child_by_field_name("name")
    outer = node
    name = _text(name_node) if name_node is not None else ""
    parent = node.parent
    while parent is not None and parent.type in _WRAPPERS:
        if parent.type == "variable_declarator" and not name:
            n = parent.child_by_field_name("name")
            name = _text(n) if n is not None else ""
        outer = parent
        parent = parent.parent
    return name, outer, bool(name)


def _is_jsdoc(node: tree_sitter.Node) -> bool:
    prev = node.prev_named_sibling
    return prev is not None and prev.type == "comment" and (prev.text or b"").startswith(b"/**")


def javascript_facts(source: bytes, tree: tree_sitter.Tree, language: str) -> Facts:
    """Read the facts of TypeScript / TSX / JavaScript code.

    Args:
        source: The bytes that were parsed.
        tree: Their tree.
        language: ``"typescript"``, ``"tsx"`` or ``"javascript"``.

    Returns:
        The facts.
    """
    facts = Facts(language)
    caps = tree_sitter.QueryCursor(_query(language)).captures(tree.root_node)
    facts.errors = len(caps.get("error", ()))
    stub_ok: dict[int, str] = {}
    jsdoc = 0
    for c in ordered(caps, "comment"):
        t = _text(c)
        m = STUB_OK.search(t)
        if m is not None:
            stub_ok[c.start_point[0] + 1] = m.group(1).strip()
        mark = MARKER.search(t)
        if mark is not None:
            facts.markers.append((c.start_point[0] + 1, mark.group(1)))
        if is_doc_comment(t):
            facts.comment_lines += t.count("\n") + 1
            jsdoc += t.startswith("/**")
    facts.signals["jsdoc"] = jsdoc
    facts.imports = len(caps.get("import", ()))
    for cls in ordered(caps, "class"):
        n = cls.child_by_field_name("name")
        name = _text(n) if n is not None else "<class>"
        outer = (
            cls.parent if cls.parent is not None and cls.parent.type == "export_statement" else cls
        )
        doc = _is_jsdoc(outer)
        facts.classes.append((cls.start_point[0] + 1, name, (), doc, not name.startswith("_")))
        facts.doc_total += 1
        if not doc:
            facts.doc_missing.append((cls.start_point[0] + 1, name))
    funcs = ordered(caps, "func")
    for node in funcs:
        name, outer, named = _declaration(node)
        f = Function(name or "<anonymous>", node.start_point[0] + 1, node.end_point[0] + 1)
        f.is_async = node.child_count > 0 and node.children[0].type == "async"
        method = node.type == "method_definition"
        top = outer.parent is not None and outer.parent.type in ("program", "class_body")
        f.public = named and top and not name.startswith(("_", "#"))
        f.documented = _is_jsdoc(outer)
        body = node.child_by_field_name("body")
        stmts = (
            [c for c in body.named_children if c.type != "comment"]
            if body is not None and body.type == "statement_block"
            else None
        )
        f.statements = len(stmts) if stmts is not None else 1
        if stmts is not None and len(stmts) == 1 and stmts[0].type == "return_statement":
            f.trivial = stmts[0].named_child_count == 0 or stmts[0].named_children[0].type in (
                "string",
                "number",
                "true",
                "false",
                "null",
                "identifier",
                "member_expression",
            )
        if (
            stmts is not None
            and (not stmts or all(s.type == "throw_statement" for s in stmts))
            and named
        ):
            reason = next((stub_ok[ln] for ln in stub_ok if f.line - 1 <= ln <= f.end_line), None)
            if name == "constructor" or node.parent is None:
                f.stub = "exempt"
            elif reason is not None:
                f.stub, f.stub_reason = "stub_ok", reason
            else:
                f.stub = "stub"
        if method and name in ENTRY_POINTS:
            facts.entry_points.append((f.line, name, f.is_async))
        if language != "javascript" and named and name != "constructor":
            params = node.child_by_field_name("parameters")
            for p in params.named_children if params is not None else ():
                if p.type in ("required_parameter", "optional_parameter"):
                    facts.ann_total += 1
                    facts.ann_done += p.child_by_field_name("type") is not None
            facts.ann_total += 1
            facts.ann_done += node.child_by_field_name("return_type") is not None
        facts.functions.append(f)
        if f.public and not f.trivial and f.stub != "exempt":
            facts.doc_total += 1
            if not f.documented:
                facts.doc_missing.append((f.line, f.name))
    owner_of = function_owner(funcs)
    add_complexity(caps, owner_of, facts.functions)
    for c in caps.get("catch", ()):
        body = c.child_by_field_name("body")
        stmts = [s for s in body.named_children if s.type != "comment"] if body is not None else []
        line = c.start_point[0] + 1
        empty = all(
            s.type == "return_statement"
            and (
                s.named_child_count == 0
                or (
                    s.named_children[0].type in ("null", "undefined", "false", "object", "array")
                    and s.named_children[0].named_child_count == 0
                )
            )
            for s in stmts
        )
        if empty and b"throw" not in (body.text or b"" if body is not None else b""):
            facts.issues.append(Issue("swallowed_exception", line, "catch block drops the error"))
        if body is not None and _SUCCESS.search(_text(body)):
            facts.issues.append(Issue("success_after_failure", line, "reports success in a catch"))
    for p in caps.get("predefined", ()):
        if p.text == b"any":
            facts.issues.append(Issue("any_in_signature", p.start_point[0] + 1, "type 'any'"))
    for callee in caps.get("callee", ()):
        name = _text(callee)
        if IO_CALL.search(name) is not None and io_kind(name):
            facts.io_calls.append((callee.start_point[0] + 1, f"{name} ({io_kind(name)})"))
    # Statements per block; what is not one is picked out of each block's children
    # in Python (cheaper than query patterns for it) and no Node.parent calls.
    root = tree.root_node
    statements = behaviour = 0
    if root.type == "program":
        top_children = root.named_children
        statements = len(top_children) - sum(1 for c in top_children if c.type in _NOT_TOP)
    for blk in caps.get("block", ()):
        children = blk.named_children
        not_stmts = [c for c in children if c.type in _NOT_IN_BLOCK]
        statements += len(children) - len(not_stmts)
        statements -= sum(1 for c in children if c.type in _DECL_IN_BLOCK)
        if owner_of(blk.start_byte) >= 0:
            behaviour += len(children)
        behaviour -= sum(1 for n in not_stmts if owner_of(n.start_byte) >= 0)
    facts.statements = statements + len(caps.get("type_decl", ()))
    facts.behaviour = behaviour
    if facts.doc_total == 0:
        facts.doc_total = 1
        first = tree.root_node.named_children[:1]
        if not (first and first[0].type == "comment" and is_doc_comment(_text(first[0]))):
            facts.doc_missing.append((1, "<module>"))
    facts.issues.sort(key=lambda i: (i.line, i.rule, i.detail))
    facts.io_calls.sort()
    return facts
