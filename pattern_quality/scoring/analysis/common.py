"""Helpers every language's reader shares: comment classes, lines, repetition, I/O names."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Final

import tree_sitter

if TYPE_CHECKING:
    from .facts import Function

__all__ = [
    "ordered",
    "IO_CALL",
    "MARKER",
    "KIND_BASE",
    "ENTRY_POINTS",
    "STUB_OK",
    "is_doc_comment",
    "io_kind",
    "line_counts",
    "line_facts",
    "repetition",
]

_LICENCE: Final = re.compile(
    r"spdx-|copyright|\(c\)\s*\d|licen[cs]ed?\b|all rights reserved|permission is hereby",
    re.IGNORECASE,
)
_DIRECTIVE: Final = re.compile(
    r"^(?:noqa|type:|pragma|pylint:|fmt:|mypy:|isort:|pyright:|ruff:|-\*-|eslint|prettier|"
    r"@ts-|tslint:|shellcheck|yamllint|jshint|istanbul|c8 )",
    re.IGNORECASE,
)
_ALNUM: Final = re.compile(r"[^\W_]")

#: ``# stub-ok: <reason>`` (the reason is optional in the marker, required for full credit).
STUB_OK: Final = re.compile(r"stub-ok\b:?\s*(.*)", re.IGNORECASE)

#: A work-left-to-do marker in a comment.
MARKER: Final = re.compile(r"\b(TODO|FIXME|XXX|HACK)\b")

#: The ONEX node kind a base class names (``NodeEffect`` -> ``effect``).
KIND_BASE: Final = re.compile(r"(?:^|\.)Node(Effect|Compute|Reducer|Orchestrator)\w*$")

#: Handler entry points: name -> the node kind it implies (``""`` for any kind).
ENTRY_POINTS: Final = {
    "handle": "",
    "execute": "",
    "compute": "compute",
    "process": "",
    "reduce": "reducer",
    "orchestrate": "orchestrator",
    "execute_effect": "effect",
    "execute_compute": "compute",
    "execute_reduction": "reducer",
    "execute_orchestration": "orchestrator",
}


def is_doc_comment(text: str) -> bool:
    """Whether a comment documents: words, not a licence header, directive or shebang.

    Args:
        text: The comment including its marker (``#``, ``//``, ``--``, ``/*``).

    Returns:
        ``True`` for a comment a reader learns from.
    """
    if text.startswith("#!"):
        return False
    body = text.lstrip("#/*-! \t")
    if _ALNUM.search(body) is None:
        return False
    if _DIRECTIVE.match(body) or "coding:" in body[:20]:
        return False
    return _LICENCE.search(body) is None


_IO: Final = re.compile(
    r"^(?:open|print|input|breakpoint)$"
    r"|^(?:requests|httpx|aiohttp|urllib3?|urllib\.request|socket|subprocess|shutil|smtplib|"
    r"ftplib|psycopg2?|asyncpg|sqlite3|boto3|redis|aiofiles|pika|kafka)\.\w+"
    r"|^os\.(?:system|popen|remove|unlink|makedirs|mkdir|rename|replace|listdir|scandir|walk|"
    r"getenv|environ\.get|rmdir|chmod|startfile|spawn\w*|exec\w*)$"
    r"|\.(?:read_text|write_text|read_bytes|write_bytes|unlink|mkdir|touch|iterdir|glob)$"
    r"|^(?:fetch|axios(?:\.\w+)?|fs\.\w+|child_process\.\w+)$"
)
_CLOCK: Final = re.compile(
    r"^(?:time\.(?:time|time_ns|sleep|monotonic|perf_counter|localtime|gmtime)"
    r"|(?:datetime\.)?datetime\.(?:now|utcnow|today)|date\.today|asyncio\.sleep|Date\.now"
    r"|new Date|performance\.now|setTimeout)$"
)
_RANDOM: Final = re.compile(
    r"^(?:random\.\w+|secrets\.\w+|uuid\.uuid[14]|uuid[14]|os\.urandom|np\.random\.\w+"
    r"|numpy\.random\.\w+|Math\.random|crypto\.randomUUID)$"
)

#: One regex that any I/O, clock or randomness callee matches (a fast pre-check).
IO_CALL: Final = re.compile(f"(?:{_IO.pattern})|(?:{_CLOCK.pattern})|(?:{_RANDOM.pattern})")


def io_kind(callee: str) -> str:
    """Classify a called name as I/O, clock or randomness.

    Args:
        callee: The called expression's text, e.g. ``requests.get``.

    Returns:
        ``"io"``, ``"clock"``, ``"randomness"`` or ``""``.
    """
    if _CLOCK.search(callee):
        return "clock"
    if _RANDOM.search(callee):
        return "randomness"
    if _IO.search(callee):
        return "io"
    return ""


def line_counts(text: str, comment_prefixes: tuple[str, ...]) -> tuple[int, int]:
    """Count non-blank lines and own-line comment lines.

    Args:
        text: The source.
        comment_prefixes: Markers that start a comment line (``("#",)``, ``("//", "/*", "*")``).

    Returns:
        ``(non_blank, comment_only)``.
    """
    non_blank = 0
    comment = 0
    for line in text.splitlines():
        stripped = line.lstrip()
        if stripped:
            non_blank += 1
            if stripped.startswith(comment_prefixes):
                comment += 1
    return non_blank, comment


_MIN_REPEAT: Final = 24


def line_facts(text: str, comment_prefixes: tuple[str, ...]) -> tuple[int, int, float]:
    """:func:`line_counts` and :func:`repetition` in one pass over the lines.

    Args:
        text: The source.
        comment_prefixes: Markers that start a comment line.

    Returns:
        ``(non_blank, comment_only, repetition share)``.
    """
    # Comprehensions instead of one Python loop with branches; a line repeats an
    # earlier one exactly when it is not the first of its kind, so the repeats are
    # the substantial lines minus the distinct ones.
    lines = [s for s in (line.strip() for line in text.splitlines()) if s]
    comment = sum(1 for s in lines if s.startswith(comment_prefixes))
    substantial = [s for s in lines if len(s) >= _MIN_REPEAT and s[0] not in "#/*-\"'"]
    total = len(substantial)
    repeated = total - len(set(substantial))
    return len(lines), comment, (repeated / total if total else 0.0)


def repetition(text: str) -> tuple[float, int]:
    """Share of substantial lines (24+ characters of code) that repeat an earlier line.

    Args:
        text: The source.

    Returns:
        ``(share, substantial_lines)``.
    """
    seen: set[str] = set()
    repeated = 0
    total = 0
    for line in text.splitlines():
        stripped = line.strip()
        if len(stripped) < _MIN_REPEAT or stripped[0] in "#/*-\"'":
            continue
        total += 1
        if stripped in seen:
            repeated += 1
        else:
            seen.add(stripped)
    return (repeated / total if total else 0.0), total


def ordered(caps: Mapping[str, Sequence[tree_sitter.Node]], name: str) -> list[tree_sitter.Node]:
    """The nodes of one capture in source order (a query's order is not guaranteed
    on trees with errors).

    Args:
        caps: ``QueryCursor.captures`` output.
        name: The capture name.

    Returns:
        The nodes sorted by position.
    """
    return sorted(caps.get(name, ()), key=_start)


def _start(node: tree_sitter.Node) -> tuple[int, int]:
    return (node.start_byte, -node.end_byte)


def function_owner(funcs: Sequence[tree_sitter.Node]) -> Callable[[int], int]:
    """Map a byte offset to the function that holds it.

    Args:
        funcs: Function nodes in source order.

    Returns:
        A callable taking a byte offset and returning the index into ``funcs``
        of the latest-starting function that contains it, or -1 for none.
    """
    starts = [n.start_byte for n in funcs]
    ends = [n.end_byte for n in funcs]

    def owner_of(byte: int) -> int:
        i = bisect_right(starts, byte) - 1
        while i >= 0 and ends[i] < byte:
            i -= 1
        return i

    return owner_of


def add_complexity(
    caps: Mapping[str, Sequence[tree_sitter.Node]],
    owner_of: Callable[[int], int],
    functions: Sequence[Function],
) -> None:
    """Add each function's decision points and deepest nesting from a query's captures.

    Args:
        caps: ``QueryCursor.captures`` output with ``decision`` and ``nest`` captures.
        owner_of: The mapping of :func:`function_owner` over the same functions.
        functions: The functions' facts, in the same order; updated in place.
    """
    for d in caps.get("decision", ()):
        i = owner_of(d.start_byte)
        if i >= 0:
            functions[i].cc += 1
    stacks: dict[int, list[int]] = {}
    for n in ordered(caps, "nest"):
        i = owner_of(n.start_byte)
        stack = stacks.setdefault(i, [])
        while stack and stack[-1] <= n.start_byte:
            stack.pop()
        stack.append(n.end_byte)
        if i >= 0 and len(stack) > functions[i].nesting:
            functions[i].nesting = len(stack)
