"""Facts of Bash / POSIX shell code from the tree-sitter-bash tree."""

from __future__ import annotations

import re
from bisect import bisect_right
from typing import Final

import tree_sitter

from .common import MARKER, STUB_OK, is_doc_comment, ordered
from .facts import Facts, Function, Issue
from .languages import grammar

__all__ = ["bash_facts"]

_QUERY: Final = """
(function_definition) @func
[(if_statement) (elif_clause) (for_statement) (c_style_for_statement) (while_statement)
 (case_item) (list)] @decision
[(if_statement) (for_statement) (c_style_for_statement) (while_statement) (case_statement)] @nest
(comment) @comment
(command) @command
(command argument: [(simple_expansion) (expansion)] @unquoted)
(ERROR) @error
"""
_query: tree_sitter.Query | None = None
_SET: Final = re.compile(r"^set\s+(.*)$", re.DOTALL)


def bash_facts(source: bytes, tree: tree_sitter.Tree) -> Facts:
    """Read the facts of shell code.

    Args:
        source: The bytes that were parsed.
        tree: Their tree.

    Returns:
        The facts; :attr:`Facts.signals` holds ``strict_mode`` (how many of
        ``-e``, ``-u``, ``-o pipefail`` a ``set`` turns on) and ``commands``.
    """
    global _query
    if _query is None:
        _query = tree_sitter.Query(grammar("bash"), _QUERY)
    facts = Facts("bash")
    caps = tree_sitter.QueryCursor(_query).captures(tree.root_node)
    facts.errors = len(caps.get("error", ()))
    comment_rows: set[int] = set()
    for c in ordered(caps, "comment"):
        text = (c.text or b"").decode("utf-8", "replace")
        mark = MARKER.search(text)
        if mark is not None:
            facts.markers.append((c.start_point[0] + 1, mark.group(1)))
        comment_rows.add(c.end_point[0])
        if is_doc_comment(text) and not STUB_OK.search(text):
            facts.comment_lines += 1
    flags: set[str] = set()
    commands = caps.get("command", ())
    for cmd in commands:
        m = _SET.match((cmd.text or b"").decode("utf-8", "replace"))
        if m is not None:
            args = m.group(1)
            for opt in re.findall(r"(?:^|\s)-([a-zA-Z]+)", args):
                flags.update(ch for ch in opt if ch in "eu")
            if "pipefail" in args:
                flags.add("pipefail")
    facts.signals["strict_mode"] = len(flags)
    facts.signals["commands"] = len(commands)
    facts.statements = facts.behaviour = len(commands)
    for u in caps.get("unquoted", ()):
        name = (u.text or b"").decode("utf-8", "replace")
        if name not in ("$#", "$?", "$$", "$!"):
            facts.issues.append(
                Issue("unquoted_expansion", u.start_point[0] + 1, f"{name} unquoted")
            )
    funcs = ordered(caps, "func")
    for node in funcs:
        n = node.child_by_field_name("name")
        name = (n.text or b"").decode("utf-8", "replace") if n is not None else "<function>"
        f = Function(name, node.start_point[0] + 1, node.end_point[0] + 1)
        f.documented = (node.start_point[0] - 1) in comment_rows
        facts.functions.append(f)
        if f.public:
            facts.doc_total += 1
            if not f.documented:
                facts.doc_missing.append((f.line, name))
    starts = [n.start_byte for n in funcs]
    ends = [n.end_byte for n in funcs]
    for d in caps.get("decision", ()):
        i = bisect_right(starts, d.start_byte) - 1
        while i >= 0 and ends[i] < d.start_byte:
            i -= 1
        if i >= 0:
            facts.functions[i].cc += 1
    facts.issues.sort(key=lambda i: (i.line, i.rule, i.detail))
    if facts.doc_total == 0:
        facts.doc_total = 1
        if not facts.comment_lines:
            facts.doc_missing.append((1, "<script>"))
    return facts
