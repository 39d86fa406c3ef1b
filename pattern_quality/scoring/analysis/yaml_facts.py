"""Facts of YAML documents (contracts, workflows, configuration) from the tree-sitter tree."""

from __future__ import annotations

from typing import Final

import tree_sitter

from .common import is_doc_comment, ordered
from .facts import Facts, Issue
from .languages import grammar

__all__ = ["yaml_facts"]

_QUERY: Final = """
(comment) @comment
(block_mapping_pair key: (_) @key)
(flow_pair key: (_) @key)
(ERROR) @error
"""
_query: tree_sitter.Query | None = None


def yaml_facts(source: bytes, tree: tree_sitter.Tree) -> Facts:
    """Read the facts of a YAML document.

    Args:
        source: The bytes that were parsed.
        tree: Their tree.

    Returns:
        The facts: ``signals["keys"]``, ``signals["depth"]``, and in
        :attr:`Facts.fields` the top-level keys with their scalar values (``""``
        for nested ones), which a contract's metadata is read from.
    """
    global _query
    if _query is None:
        _query = tree_sitter.Query(grammar("yaml"), _QUERY)
    facts = Facts("yaml")
    caps = tree_sitter.QueryCursor(_query).captures(tree.root_node)
    facts.errors = len(caps.get("error", ()))
    for c in ordered(caps, "comment"):
        if is_doc_comment((c.text or b"").decode("utf-8", "replace")):
            facts.comment_lines += 1
    keys = ordered(caps, "key")
    facts.statements = len(keys)
    top = facts.fields
    seen: dict[tuple[int, str], int] = {}
    depth = 0
    for k in keys:
        pair = k.parent
        mapping = pair.parent if pair is not None else None
        name = (k.text or b"").decode("utf-8", "replace").strip("\"'")
        if mapping is not None:
            where = (mapping.start_byte, name)
            if where in seen:
                facts.issues.append(
                    Issue("duplicate_key", k.start_point[0] + 1, f"key '{name}' repeated")
                )
            seen[where] = 1
        level = k.start_point[1] // 2
        depth = max(depth, level)
        if k.start_point[1] == 0 and pair is not None:
            value = pair.child_by_field_name("value")
            scalar = value is not None and value.type == "flow_node"
            text = (value.text or b"").decode("utf-8", "replace") if scalar and value else ""
            top[name] = text.strip("\"'")
    facts.signals["keys"] = len(keys)
    facts.signals["depth"] = depth
    facts.doc_total = 1
    if not facts.comment_lines and not top.get("description"):
        facts.doc_missing.append((1, "<document>"))
    return facts
