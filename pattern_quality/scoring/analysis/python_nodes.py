"""Small readers of Python tree-sitter nodes: docstrings, empty bodies, except handlers."""

from __future__ import annotations

import re
from typing import Final

import tree_sitter

from .facts import Facts, Issue, Shape
from .languages import grammar

__all__ = [
    "IGNORE",
    "body_statements",
    "interfaces",
    "loose_types",
    "is_docstring",
    "no_behaviour",
    "read_except",
    "read_shape",
    "text_of",
]

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


_ENUM_BASES: Final = re.compile(r"(?:^|\.)(?:\w*Enum|Flag|IntFlag)$")
_INTERFACE_BASES: Final = frozenset({"Protocol", "ABC"})
_CONSTRAINT: Final = re.compile(
    r"\b(?:ge|gt|le|lt|min_length|max_length|pattern|regex|multiple_of|min_items|max_items"
    r"|max_digits|decimal_places)\s*=|\bLiteral\[|\bAnnotated\[|\bcon(?:int|float|str|list)\("
)
_FROZEN: Final = re.compile(r"\bfrozen\s*=\s*True\b")
_NOT_FIELDS: Final = frozenset({"model_config", "__slots__", "__all__"})


def read_shape(cls: tree_sitter.Node, line: int, name: str, bases: tuple[str, ...]) -> Shape | None:
    """The members a class declares (see :class:`~.facts.Shape`); ``None`` for none.

    Interface methods are added by the caller, once the functions are read.
    """
    short = [b.rsplit(".", 1)[-1] for b in bases]
    if any(_ENUM_BASES.search(b) for b in bases):
        kind = "enum"
    elif any(b in _INTERFACE_BASES for b in short):
        kind = "interface"
    else:
        kind = "model"
    shape = Shape(line, name, kind)
    head = text_of(cls.child_by_field_name("superclasses") or cls)
    parent = cls.parent
    if parent is not None and parent.type == "decorated_definition":
        head += " ".join(text_of(c) for c in parent.named_children if c.type == "decorator")
    shape.frozen = _FROZEN.search(head) is not None
    block = cls.child_by_field_name("body")
    children = list(block.named_children) if block is not None else []
    for i, child in enumerate(children):
        if child.type != "expression_statement" or child.named_child_count != 1:
            continue
        a = child.named_children[0]
        if a.type != "assignment":
            continue
        left = a.child_by_field_name("left")
        if left is None or left.type != "identifier":
            continue
        target = text_of(left)
        if target in _NOT_FIELDS:
            if target == "model_config" and _FROZEN.search(text_of(a)):
                shape.frozen = True
            continue
        ann = a.child_by_field_name("type")
        ann_text = text_of(ann) if ann is not None else ""
        if target.startswith("_") or "ClassVar" in ann_text:
            continue
        if (kind == "enum") != (ann is None):
            continue  # enums have plain members, models and interfaces annotated fields
        shape.members += 1
        value = a.child_by_field_name("right")
        value_text = text_of(value) if value is not None else ""
        end = child.end_point[0]
        after = children[i + 1] if i + 1 < len(children) else None
        before = children[i - 1] if i else None
        if (
            "description=" in value_text
            or (after is not None and is_docstring(after))
            or (after is not None and after.type == "comment" and after.start_point[0] == end)
            or (
                before is not None
                and before.type == "comment"
                and before.end_point[0] == child.start_point[0] - 1
            )
        ):
            shape.documented += 1
        if kind == "model" and _CONSTRAINT.search(ann_text + " " + value_text):
            shape.constrained += 1
    if shape.members == 0 and kind != "interface":
        return None
    return shape


IGNORE: Final = re.compile(r"#\s*type:\s*ignore\b")
ANY_WORD: Final = re.compile(r"\bAny\b")


def interfaces(facts: Facts) -> None:
    """Interface shapes: their signature-only methods are their members."""
    by_name = {s.name: s for s in facts.shapes if s.kind == "interface"}
    for f in facts.functions:
        shape = by_name.get(f.owner)
        if shape is not None and f.interface and not f.name.startswith("__"):
            shape.members += 1
            shape.documented += f.documented
    facts.shapes = [s for s in facts.shapes if s.members]


_type_query: tree_sitter.Query | None = None


def loose_types(tree: tree_sitter.Tree, text: str, facts: Facts) -> None:
    """One ``loose_type`` issue per line whose annotations mention ``Any``, except the
    lines already flagged ``any_in_signature`` (a bare ``Any`` in a public signature).

    The annotations are read (one more query) only when the code mentions ``Any``.
    """
    global _type_query
    if "Any" not in text:
        return
    if _type_query is None:
        _type_query = tree_sitter.Query(grammar("python"), "(type) @type")
    types = tree_sitter.QueryCursor(_type_query).captures(tree.root_node).get("type", [])
    flagged = {i.line for i in facts.issues if i.rule == "any_in_signature"}
    lines: dict[int, str] = {}
    for t in types:
        line = t.start_point[0] + 1
        if line in flagged or line in lines:
            continue
        annotation = text_of(t)
        if ANY_WORD.search(annotation) is not None:
            lines[line] = annotation
    for line, annotation in lines.items():
        facts.issues.append(Issue("loose_type", line, f"annotation {annotation[:40]} says little"))
