"""Degradation pairs on real code: a corpus pattern against a mutated twin.

Five mutations of Python patterns, each done on the tree-sitter syntax tree and
kept only when the twin still parses without an error node and differs from the
original:

- ``stub_bodies``: every function body (after its docstring) becomes ``...``,
  ``pass`` or ``raise NotImplementedError`` (one choice per pattern, seeded);
- ``strip_docstrings``: every module, class and function docstring removed (a
  body left empty gets ``pass``);
- ``strip_annotations``: every parameter and return annotation removed (class
  attribute annotations stay: they declare model fields);
- ``swallow_exception``: the largest function body wrapped in
  ``try: ... except Exception: pass`` (or ``return {}``);
- ``inject_io``: in a compute or reducer pattern, wall clock, randomness, a file
  read or a network call put at the start of the largest function body.

A function "has a body" when it holds more than a docstring, ``pass``, ``...`` or
``raise NotImplementedError``; one-line ``def f(): return x`` bodies are left
alone. Everything is deterministic for a given seed.
"""

from __future__ import annotations

import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from .cutting import _parser

KINDS = ("stub_bodies", "strip_docstrings", "strip_annotations", "swallow_exception", "inject_io")
STUBS = ("...", "pass", "raise NotImplementedError")
SWALLOWS = ("pass", "return {}")
INJECTIONS = {
    "clock": ("import time", "started_at = time.time()"),
    "randomness": ("import random", "jitter = random.random()"),
    "file": (
        'with open("state.json", encoding="utf-8") as handle:',
        "    cached_state = handle.read()",
    ),
    "network": (
        "import requests",
        'remote = requests.get("http://localhost:8080/state", timeout=5).json()',
    ),
}
PURE_KINDS = ("compute", "reducer")

Edit = tuple[int, int, bytes]  # replace source[start:end] with the bytes


@dataclass(frozen=True)
class Twin:
    """A mutated twin of a pattern: the mutation, its variant and the new code."""

    mutation: str
    variant: str
    code: str


def _tree(source: bytes) -> Any:
    return _parser().parse(source).root_node


def parses(code: str) -> bool:
    """True when tree-sitter-python reads ``code`` without an error node."""
    return not _tree(code.encode("utf-8")).has_error


def _walk(node: Any) -> Iterable[Any]:
    stack = [node]
    while stack:
        current = stack.pop()
        yield current
        stack.extend(reversed(current.children))


def _functions(root: Any) -> list[Any]:
    return [n for n in _walk(root) if n.type == "function_definition"]


def _outer_functions(root: Any) -> list[Any]:
    out = []
    for fn in _functions(root):
        parent = fn.parent
        while parent is not None and parent.type != "function_definition":
            parent = parent.parent
        if parent is None:
            out.append(fn)
    return out


def _is_docstring(node: Any) -> bool:
    return (
        node.type == "expression_statement"
        and bool(node.named_children)
        and node.named_children[0].type in ("string", "concatenated_string")
    )


def _statements(block: Any) -> list[Any]:
    return [c for c in block.named_children if c.type != "comment"]


def _is_trivial(node: Any) -> bool:
    text = node.text.decode("utf-8", "replace").strip()
    return (
        node.type == "pass_statement"
        or text == "..."
        or text.startswith("raise NotImplementedError")
        or _is_docstring(node)
    )


def _body(fn: Any) -> tuple[Any, list[Any]] | None:
    """The block and its statements after the docstring, when the body is on its own lines."""
    block = fn.child_by_field_name("body")
    if block is None or block.start_point[0] == fn.start_point[0]:
        return None
    statements = _statements(block)
    if statements and _is_docstring(statements[0]):
        statements = statements[1:]
    return block, statements


def _has_body(fn: Any) -> bool:
    found = _body(fn)
    return found is not None and any(not _is_trivial(s) for s in found[1])


def _indent(node: Any) -> str:
    column: int = node.start_point[1]
    return " " * column


def _apply(source: bytes, edits: list[Edit]) -> str:
    out = source
    for start, end, new in sorted(edits, key=lambda e: e[0], reverse=True):
        out = out[:start] + new + out[end:]
    return out.decode("utf-8")


def _line_start(source: bytes, offset: int) -> int:
    return source.rfind(b"\n", 0, offset) + 1


def _line_end(source: bytes, offset: int) -> int:
    end = source.find(b"\n", offset)
    return len(source) if end < 0 else end + 1


def stub_bodies(source: bytes, root: Any, rng: random.Random) -> tuple[str, list[Edit]]:
    """Every function with a body keeps its signature and docstring; the rest is a stub."""
    stub = rng.choice(STUBS)
    edits: list[Edit] = []
    for fn in _outer_functions(root):
        if not _has_body(fn):
            continue
        block, statements = _body(fn) or (fn, [])
        first = statements[0]
        start = _line_start(source, first.start_byte)
        edits.append((start, block.end_byte, f"{_indent(first)}{stub}".encode()))
    return stub, edits


def strip_docstrings(source: bytes, root: Any, rng: random.Random) -> tuple[str, list[Edit]]:
    """Remove the module's, every class's and every function's docstring."""
    del rng
    blocks = [root]
    for node in _walk(root):
        if node.type in ("class_definition", "function_definition"):
            body = node.child_by_field_name("body")
            if body is not None and body.start_point[0] != node.start_point[0]:
                blocks.append(body)
    edits: list[Edit] = []
    for block in blocks:
        statements = _statements(block)
        if not statements or not _is_docstring(statements[0]):
            continue
        doc = statements[0]
        start, end = _line_start(source, doc.start_byte), _line_end(source, doc.end_byte)
        if source[start : doc.start_byte].strip() or source[doc.end_byte : end].strip():
            continue  # something else shares its lines
        alone = len(statements) == 1 and block is not root
        edits.append((start, end, f"{_indent(doc)}pass\n".encode() if alone else b""))
    return "all", edits


def strip_annotations(source: bytes, root: Any, rng: random.Random) -> tuple[str, list[Edit]]:
    """Remove parameter and return annotations of every function."""
    del rng
    edits: list[Edit] = []
    for fn in _functions(root):
        params = fn.child_by_field_name("parameters")
        returns = fn.child_by_field_name("return_type")
        if params is not None and returns is not None:
            edits.append((params.end_byte, returns.end_byte, b""))
        for param in params.named_children if params is not None else []:
            if param.type == "typed_parameter":
                name = param.named_children[0]
                edits.append((param.start_byte, param.end_byte, name.text))
            elif param.type == "typed_default_parameter":
                name, value = param.child_by_field_name("name"), param.child_by_field_name("value")
                edits.append((param.start_byte, param.end_byte, name.text + b"=" + value.text))
    return "all", edits


def _largest(root: Any) -> Any | None:
    candidates = [fn for fn in _functions(root) if _has_body(fn)]
    if not candidates:
        return None
    return max(candidates, key=lambda fn: (fn.end_byte - fn.start_byte, -fn.start_byte))


def swallow_exception(source: bytes, root: Any, rng: random.Random) -> tuple[str, list[Edit]]:
    """Wrap the largest function body in ``try: ... except Exception: pass`` / ``return {}``."""
    handler = rng.choice(SWALLOWS)
    fn = _largest(root)
    if fn is None:
        return handler, []
    block, statements = _body(fn) or (fn, [])
    first = statements[0]
    indent = _indent(first)
    start = _line_start(source, first.start_byte)
    end = _line_end(source, block.end_byte)
    lines = source[start:end].decode("utf-8").splitlines()
    inner = "\n".join(f"    {line}" if line.strip() else line for line in lines)
    new = f"{indent}try:\n{inner}\n{indent}except Exception:\n{indent}    {handler}\n"
    return handler, [(start, end, new.encode())]


def _pure(item: dict[str, Any]) -> bool:
    node_type = str(item.get("node_type") or "").lower()
    name = str(item.get("pattern_name") or "")
    bases = item.get("metadata", {}).get("bases", [])
    return (
        node_type.startswith(PURE_KINDS)
        or name.endswith(("Compute", "Reducer"))
        or any(b in ("NodeCompute", "NodeReducer") for b in bases)
    )


def inject_io(source: bytes, root: Any, rng: random.Random) -> tuple[str, list[Edit]]:
    """Put a clock, randomness, file or network call at the start of the largest body."""
    variant = rng.choice(sorted(INJECTIONS))
    lines = INJECTIONS[variant]
    fn = _largest(root)
    if fn is None:
        return variant, []
    _, statements = _body(fn) or (fn, [])
    first = statements[0]
    start = _line_start(source, first.start_byte)
    new = "".join(f"{_indent(first)}{line}\n" for line in lines)
    return variant, [(start, start, new.encode())]


MUTATIONS: dict[str, Callable[[bytes, Any, random.Random], tuple[str, list[Edit]]]] = {
    "stub_bodies": stub_bodies,
    "strip_docstrings": strip_docstrings,
    "strip_annotations": strip_annotations,
    "swallow_exception": swallow_exception,
    "inject_io": inject_io,
}


def mutate(item: dict[str, Any], mutation: str, seed: str = "") -> Twin | None:
    """One mutated twin of a corpus item, or ``None`` when the mutation does not apply.

    Args:
        item: A corpus item (``code``, ``language``, ``node_type``, ``pattern_name``...).
        mutation: One of :data:`KINDS`.
        seed: Mixed with the item's key into the seed of the mutation's choices.

    Returns:
        The twin when the item is Python that parses, the mutation changes it and
        the result still parses; else ``None``.

    Raises:
        KeyError: ``mutation`` is not one of :data:`KINDS`.
    """
    function = MUTATIONS[mutation]
    if item.get("language") != "python" or (mutation == "inject_io" and not _pure(item)):
        return None
    source = item["code"].encode("utf-8")
    root = _tree(source)
    if root.has_error:
        return None
    rng = random.Random(f"{seed}|{mutation}|{item.get('key', '')}")
    variant, edits = function(source, root, rng)
    if not edits:
        return None
    code = _apply(source, edits)
    if code == item["code"] or not parses(code):
        return None
    return Twin(mutation, variant, code)


def pairs(
    items: list[dict[str, Any]], per_kind: int = 250, seed: str = "evidence pairs 1"
) -> list[dict[str, Any]]:
    """Degradation pairs from the corpus: up to ``per_kind`` per mutation, seeded.

    Args:
        items: Corpus items.
        per_kind: The most pairs drawn per mutation.
        seed: The seed of the draw and of the mutations' choices.

    Returns:
        ``[{"key", "mutation", "variant", "code"}, ...]``: ``key`` is the original's.
    """
    python = sorted((i for i in items if i.get("language") == "python"), key=lambda i: i["key"])
    out: list[dict[str, Any]] = []
    for mutation in KINDS:
        order = list(python)
        random.Random(f"{seed}|{mutation}").shuffle(order)
        found = 0
        for item in order:
            if found >= per_kind:
                break
            twin = mutate(item, mutation, seed)
            if twin is not None:
                out.append(
                    {
                        "key": item["key"],
                        "mutation": mutation,
                        "variant": twin.variant,
                        "code": twin.code,
                    }
                )
                found += 1
    return out
