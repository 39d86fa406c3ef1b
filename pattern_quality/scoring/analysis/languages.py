"""Which language a pattern is written in, and its tree-sitter parse.

Detection, in order (documented in docs/rubric.md#how-the-language-is-found):

1. an explicit language: the pattern's ``language`` key or ``metadata["language"]``;
2. the extension of a known path: the pattern's ``path`` key, ``metadata["path"]``
   or the path the caller passes (the ``score`` command's file);
3. content sniffing (shebang, SQL keywords, YAML shape, JS/TS syntax); Python
   when nothing else fits, as every earlier rubric assumed.

A name or extension that is not one of :data:`LANGUAGES` gives ``"other"``: the
rubric then says so in a finding instead of scoring the code as Python.
Grammars are loaded on first use and cached; parsing strips one leading BOM
and never raises on bad code (tree-sitter keeps error nodes).
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable, Mapping
from typing import Any, Final

import tree_sitter

from ...models import Pattern

__all__ = ["LANGUAGES", "OTHER", "detect", "language_of_path", "normalise", "parse", "parser"]

#: Languages with rules of their own (``tsx`` is TypeScript with JSX).
LANGUAGES: Final = ("python", "typescript", "tsx", "javascript", "sql", "bash", "yaml")
#: A language the rubric has no rules for.
OTHER: Final = "other"

_ALIASES: Final[Mapping[str, str]] = {
    "python": "python",
    "py": "python",
    "python3": "python",
    "typescript": "typescript",
    "ts": "typescript",
    "tsx": "tsx",
    "javascript": "javascript",
    "js": "javascript",
    "jsx": "javascript",
    "node": "javascript",
    "sql": "sql",
    "postgresql": "sql",
    "postgres": "sql",
    "plpgsql": "sql",
    "bash": "bash",
    "sh": "bash",
    "shell": "bash",
    "zsh": "bash",
    "yaml": "yaml",
    "yml": "yaml",
}

_EXTENSIONS: Final[Mapping[str, str]] = {
    ".py": "python",
    ".pyi": "python",
    ".ts": "typescript",
    ".mts": "typescript",
    ".cts": "typescript",
    ".tsx": "tsx",
    ".js": "javascript",
    ".mjs": "javascript",
    ".cjs": "javascript",
    ".jsx": "javascript",
    ".sql": "sql",
    ".sh": "bash",
    ".bash": "bash",
    ".yaml": "yaml",
    ".yml": "yaml",
}


def normalise(name: object) -> str | None:
    """Map a language name to one of :data:`LANGUAGES`, :data:`OTHER` or ``None``.

    Args:
        name: A name such as ``"Python"``, ``"ts"`` or ``"go"``.

    Returns:
        The language, :data:`OTHER` for a non-blank unknown name, ``None`` for
        anything that is not a non-blank string.
    """
    if not isinstance(name, str) or not name.strip():
        return None
    return _ALIASES.get(name.strip().lower(), OTHER)


def language_of_path(path: object) -> str | None:
    """Return the language of a file path from its extension.

    Args:
        path: A path such as ``"src/handler.py"`` (a string; anything else gives ``None``).

    Returns:
        The language, :data:`OTHER` for an unknown extension, ``None`` for no
        extension (a name like ``Makefile`` says nothing).
    """
    if not isinstance(path, str):
        path = str(path) if hasattr(path, "__fspath__") else None
    if not path:
        return None
    name = path.replace("\\", "/").rsplit("/", 1)[-1]
    dot = name.rfind(".")
    if dot <= 0:
        return None
    return _EXTENSIONS.get(name[dot:].lower(), OTHER)


_SQL: Final = re.compile(
    r"^\s*(?:create|alter|drop|insert|update|delete|select|with|comment\s+on|grant|begin)\b",
    re.IGNORECASE | re.MULTILINE,
)
_PY: Final = re.compile(
    r"^\s*(?:def |class |import |from \S+ import |async def |@\w)", re.MULTILINE
)
_JS: Final = re.compile(
    r"^\s*(?:export |const |let |function |interface |import .* from ['\"])", re.MULTILINE
)
_TS: Final = re.compile(r"^\s*(?:export )?(?:interface|type|enum) \w|: (?:string|number|boolean)\b")
_YAML: Final = re.compile(r"^(?:---\s*$|[\w.-]+:(?:\s|$))", re.MULTILINE)
_BASH: Final = re.compile(r"^\s*(?:set -[euxo]|fi$|done$|esac$|\w+=\S*$)", re.MULTILINE)


def _sniff(code: str) -> str:
    head = code[:4000]
    if head.startswith("#!"):
        first = head.split("\n", 1)[0]
        if "python" in first:
            return "python"
        if "node" in first:
            return "javascript"
        if "sh" in first:
            return "bash"
    if _PY.search(head):
        return "python"
    if _JS.search(head):
        return "typescript" if _TS.search(head) else "javascript"
    if _SQL.search(head):
        return "sql"
    if _BASH.search(head):
        return "bash"
    if _YAML.search(head) and "(" not in head.split("\n", 1)[0]:
        return "yaml"
    return "python"


def detect(pattern: Pattern, path: object = None) -> tuple[str, str]:
    """Return the language of ``pattern`` and how it was found.

    Args:
        pattern: The pattern.
        path: A file path known to the caller (e.g. the ``score`` command's file).

    Returns:
        ``(language, source)``: language one of :data:`LANGUAGES` or :data:`OTHER`;
        source ``"explicit"``, ``"path"`` or ``"content"``.
    """
    explicit = normalise(pattern.extra.get("language")) or normalise(
        pattern.metadata.get("language")
    )
    if explicit is not None:
        return explicit, "explicit"
    for candidate in (path, pattern.extra.get("path"), pattern.metadata.get("path")):
        found = language_of_path(candidate)
        if found is not None:
            return found, "path"
    return _sniff(pattern.code), "content"


def _load(name: str) -> Callable[[], Any]:
    if name == "python":
        import tree_sitter_python as mod

        return mod.language
    if name in ("typescript", "tsx"):
        import tree_sitter_typescript as ts_mod

        return ts_mod.language_tsx if name == "tsx" else ts_mod.language_typescript
    if name == "javascript":
        import tree_sitter_javascript as js_mod

        return js_mod.language
    if name == "sql":
        import tree_sitter_sql as sql_mod

        return sql_mod.language
    if name == "bash":
        import tree_sitter_bash as sh_mod

        return sh_mod.language
    if name == "yaml":
        import tree_sitter_yaml as yaml_mod

        return yaml_mod.language
    raise ValueError(f"no grammar for language {name!r}; known: {', '.join(LANGUAGES)}")


_GRAMMARS: dict[str, tree_sitter.Language] = {}
_LOCAL = threading.local()  # a Parser is not thread-safe: one per thread and language
_LOCK = threading.Lock()


def grammar(name: str) -> tree_sitter.Language:
    """Return the cached tree-sitter grammar of a language (loaded on first use).

    Args:
        name: One of :data:`LANGUAGES`.

    Returns:
        The grammar.

    Raises:
        ValueError: ``name`` is not one of :data:`LANGUAGES`.
    """
    found = _GRAMMARS.get(name)
    if found is None:
        with _LOCK:
            found = _GRAMMARS.get(name)
            if found is None:
                found = _GRAMMARS[name] = tree_sitter.Language(_load(name)())
    return found


def parser(name: str) -> tree_sitter.Parser:
    """Return this thread's parser of a language.

    Args:
        name: One of :data:`LANGUAGES`.

    Returns:
        A parser (reused across calls in the same thread).

    Raises:
        ValueError: ``name`` is not one of :data:`LANGUAGES`.
    """
    parsers: dict[str, tree_sitter.Parser] | None = getattr(_LOCAL, "parsers", None)
    if parsers is None:
        parsers = _LOCAL.parsers = {}
    found = parsers.get(name)
    if found is None:
        found = parsers[name] = tree_sitter.Parser(grammar(name))
    return found


def source_bytes(code: str) -> bytes:
    """Return the bytes tree-sitter reads: one leading BOM stripped, UTF-8.

    Args:
        code: The code.

    Returns:
        UTF-8 bytes (lone surrogates replaced).
    """
    if code.startswith("\ufeff"):
        code = code[1:]
    try:
        return code.encode("utf-8")
    except UnicodeEncodeError:
        return code.encode("utf-8", "replace")


def parse(code: str, language: str) -> tuple[tree_sitter.Tree, bytes]:
    """Parse code with the grammar of ``language``; never raises on bad code.

    Args:
        code: The code (a leading BOM is stripped).
        language: One of :data:`LANGUAGES`.

    Returns:
        ``(tree, source)``: the tree (with ``ERROR`` / missing nodes where the
        code does not parse) and the bytes it was parsed from.

    Raises:
        ValueError: ``language`` is not one of :data:`LANGUAGES`.
    """
    source = source_bytes(code)
    return parser(language).parse(source), source
