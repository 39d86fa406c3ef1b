"""Cutting real source files into patterns: one per class, function group, module or file.

The rules (docs/rubric.md, "Evidence"):

- Python (read with tree-sitter-python, so 3.12 syntax parses on any interpreter):
  one pattern per top-level class (kind from its name and bases: ``handler``,
  ``node``, ``model``, ``enum``, ``protocol``, ``exception``, else ``class``); in a
  module with classes, one ``function`` pattern per run of top-level functions not
  interrupted by a class; a module with functions but no class is one ``module``
  pattern; a module with neither is one ``module`` pattern only when it holds more
  than imports, ``__all__`` and a docstring.
- Every other file kept (YAML, TOML, SQL, Markdown, shell, TypeScript/JavaScript) is
  one pattern: ``contract`` (a YAML with ``node_type`` and ``contract_version``),
  ``config``, ``migration`` (SQL under a ``migrations`` directory), ``sql``, ``doc``,
  ``shell``, ``typescript``, ``javascript``.
- Generated files (a "do not edit" / "@generated" marker in their first lines) and
  empty ones are skipped; a pattern longer than :data:`MAX_LINES` is cut at the
  statement (or blank-line) boundaries before the limit.
"""

from __future__ import annotations

import ast
import inspect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from pathlib import PurePosixPath
from typing import Any

MAX_LINES = 400
GENERATED = re.compile(r"(?i)(do not (hand[- ]?)?edit|@generated|\bauto-?generated\b)")
NODE_BASES = frozenset({"NodeEffect", "NodeCompute", "NodeReducer", "NodeOrchestrator"})
ENUM_BASES = frozenset({"Enum", "StrEnum", "IntEnum", "Flag", "IntFlag"})
LANGUAGES = {
    ".py": "python",
    ".yaml": "yaml",
    ".yml": "yaml",
    ".toml": "toml",
    ".sql": "sql",
    ".md": "markdown",
    ".mdc": "markdown",
    ".sh": "bash",
    ".bash": "bash",
    ".ts": "typescript",
    ".tsx": "typescript",
    ".js": "javascript",
    ".mjs": "javascript",
}


@dataclass(frozen=True)
class Piece:
    """One pattern cut from a file: 1-based inclusive line range and what it is."""

    start_line: int
    end_line: int
    kind: str
    pattern_name: str
    text: str = ""
    part: str = ""
    bases: tuple[str, ...] = field(default=())


def language_of(path: str) -> str | None:
    """The language of a file kept in the corpus, or ``None`` for files not kept."""
    return LANGUAGES.get(PurePosixPath(path).suffix.lower())


def is_generated(text: str) -> bool:
    """True when the first ten lines carry a generated-file marker."""
    return any(GENERATED.search(line) for line in text.splitlines()[:10])


@cache
def _parser() -> Any:
    import tree_sitter_python
    from tree_sitter import Language, Parser

    return Parser(Language(tree_sitter_python.language()))


def _text(node: Any) -> str:
    raw: bytes = node.text
    return raw.decode("utf-8", "replace")


def _docstring(block: Any) -> str:
    """The docstring opening ``block`` (a module or a class body), or ``""``."""
    for child in block.named_children:
        if child.type == "comment":
            continue
        if child.type == "expression_statement" and child.named_children:
            first = child.named_children[0]
            if first.type in ("string", "concatenated_string"):
                try:
                    value = ast.literal_eval(_text(first))
                except (ValueError, SyntaxError):
                    return _text(first).strip("\"' \n")
                return inspect.cleandoc(value) if isinstance(value, str) else ""
        return ""
    return ""


def _base_names(cls: Any) -> tuple[str, ...]:
    supers = cls.child_by_field_name("superclasses")
    if supers is None:
        return ()
    names = []
    for arg in supers.named_children:
        if arg.type == "keyword_argument":
            continue
        name = _text(arg).split("[", 1)[0].strip()
        names.append(name.rsplit(".", 1)[-1])
    return tuple(names)


def class_kind(name: str, bases: Iterable[str]) -> str:
    """The kind of a top-level class from its name and base-class names."""
    bases = tuple(bases)
    if any(b.endswith(("Error", "Exception")) for b in bases) or name.endswith(
        ("Error", "Exception")
    ):
        return "exception"
    if any(b in ENUM_BASES or b.startswith("Enum") for b in bases):
        return "enum"
    if "Protocol" in bases or (name.startswith("Protocol") and any("Protocol" in b for b in bases)):
        return "protocol"
    if any(b in NODE_BASES for b in bases) or (
        name.startswith("Node") and any(b.startswith("Node") for b in bases)
    ):
        return "node"
    if name.startswith("Handler") or any(b.startswith("Handler") for b in bases):
        return "handler"
    if name.startswith("Model") or any(b in ("BaseModel", "RootModel", "TypedDict") for b in bases):
        return "model"
    return "class"


def _definition(node: Any) -> Any:
    if node.type == "decorated_definition":
        return node.child_by_field_name("definition")
    return node


def _split(start: int, end: int, breaks: Iterable[int]) -> list[tuple[int, int]]:
    """Cut ``start..end`` into spans of at most MAX_LINES lines, at ``breaks`` when possible."""
    candidates = sorted(b for b in set(breaks) if start < b <= end)
    spans = []
    while end - start + 1 > MAX_LINES:
        limit = start + MAX_LINES  # the first line that may not be in this span
        usable = [b for b in candidates if b <= limit]
        cut = usable[-1] if usable and usable[-1] > start else limit
        spans.append((start, cut - 1))
        start = cut
    spans.append((start, end))
    return spans


def _parts(piece: Piece, breaks: Iterable[int]) -> list[Piece]:
    spans = _split(piece.start_line, piece.end_line, breaks)
    if len(spans) == 1:
        return [piece]
    return [
        Piece(s, e, piece.kind, piece.pattern_name, piece.text, f"{i}/{len(spans)}", piece.bases)
        for i, (s, e) in enumerate(spans, 1)
    ]


def _is_boilerplate(node: Any) -> bool:
    if node.type in ("import_statement", "import_from_statement", "future_import_statement"):
        return True
    if node.type in ("comment", "pass_statement"):
        return True
    if node.type == "expression_statement" and node.named_children:
        first = node.named_children[0]
        if first.type == "string":
            return True
        if first.type == "assignment":
            target = first.child_by_field_name("left")
            return target is not None and _text(target) == "__all__"
    return False


def cut_python(source: str, module_name: str) -> list[Piece]:
    """Cut a Python module into patterns (see the module docstring for the rules).

    Args:
        source: The module's text.
        module_name: The module's name (its file stem), for module and function patterns.

    Returns:
        The pieces in file order; ``[]`` for a module with nothing but boilerplate.
    """
    root = _parser().parse(source.encode("utf-8")).root_node
    top = list(root.named_children)
    classes = [
        n for n in top if _definition(n) is not None and _definition(n).type == "class_definition"
    ]
    functions = [
        n
        for n in top
        if _definition(n) is not None and _definition(n).type == "function_definition"
    ]
    last_line = len(source.splitlines())
    breaks = [n.start_point[0] + 1 for n in top]
    if not classes:
        if not functions and all(_is_boilerplate(n) for n in top):
            return []
        if not top:
            return []
        module = Piece(1, last_line, "module", module_name, _docstring(root))
        return _parts(module, breaks)
    pieces: list[Piece] = []
    for node in classes:
        cls = _definition(node)
        name = _text(cls.child_by_field_name("name"))
        bases = _base_names(cls)
        body = cls.child_by_field_name("body")
        piece = Piece(
            node.start_point[0] + 1,
            node.end_point[0] + 1,
            class_kind(name, bases),
            name,
            _docstring(body) if body is not None else "",
            bases=bases,
        )
        inner = [c.start_point[0] + 1 for c in body.named_children] if body is not None else []
        pieces.extend(_parts(piece, inner))
    class_lines = [n.start_point[0] for n in classes]
    run: list[Any] = []
    for node in [*functions, None]:
        if run and (
            node is None or any(run[-1].end_point[0] < c < node.start_point[0] for c in class_lines)
        ):
            names = [_text(_definition(f).child_by_field_name("name")) for f in run]
            label = f"{module_name}: {', '.join(names[:4])}{', ...' if len(names) > 4 else ''}"
            piece = Piece(run[0].start_point[0] + 1, run[-1].end_point[0] + 1, "function", label)
            pieces.extend(_parts(piece, breaks))
            run = []
        if node is not None:
            run.append(node)
    return sorted(pieces, key=lambda p: p.start_line)


def file_kind(path: str, language: str, parsed: Any) -> str:
    """The kind of a non-Python file from its path, language and (for YAML) content."""
    parts = PurePosixPath(path).parts
    if language == "yaml":
        is_contract = isinstance(parsed, dict) and "node_type" in parsed
        return "contract" if is_contract and "contract_version" in parsed else "config"
    if language == "toml":
        return "config"
    if language == "sql":
        return "migration" if any(p == "migrations" for p in parts[:-1]) else "sql"
    if language == "markdown":
        return "doc"
    return {"bash": "shell"}.get(language, language)


def cut_text_file(text: str, kind: str, pattern_name: str, summary: str = "") -> list[Piece]:
    """One pattern for a whole non-Python file, cut at blank lines when it is too long.

    Args:
        text: The file's text.
        kind: Its kind (:func:`file_kind`).
        pattern_name: The pattern's name.
        summary: A one-paragraph description for the pattern's ``text``.

    Returns:
        One piece, or several when the file is longer than :data:`MAX_LINES`; ``[]``
        for a file with fewer than two non-blank lines.
    """
    lines = text.splitlines()
    if sum(1 for line in lines if line.strip()) < 2:
        return []
    breaks = [i + 1 for i, line in enumerate(lines) if i and not lines[i - 1].strip()]
    return _parts(Piece(1, len(lines), kind, pattern_name, summary), breaks)
