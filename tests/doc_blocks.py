"""The Python blocks of README.md and docs/*.md, as the doc-block test checks them.

Every fenced block whose info string starts with ``python`` is a *doc block*. It is
type-checked with ``mypy --strict`` as a module of its own, so it must be a valid
Python module (no top-level ``await``: wrap it in ``async def main() -> None``).
An HTML comment on the line just before the fence changes that
(docs/architecture.md, "Code blocks in the documentation"):

- ``<!-- doc-test: run -->``: also run it as a script against a fresh migrated
  PostgreSQL database whose URL is in ``$PATTERN_QUALITY_DATABASE_URL`` (the
  library's own variable, so ``PostgresQualityStore()`` finds it too), in an empty
  working directory with ``$PATTERN_QUALITY_DATA_DIR`` set to an empty directory.
- ``<!-- doc-test: continue -->``: the block goes on from the previous Python
  block of the same page: both are checked (and run, when the first is) as one module.
- ``<!-- doc-test: skip REASON -->``: neither checked nor run; the reason is required.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

import attrs

ROOT = Path(__file__).resolve().parent.parent
MARKER = re.compile(r"^\s*<!--\s*doc-test:\s*(?P<body>.*?)\s*-->\s*$")
FENCE = re.compile(r"^(?P<indent>\s*)(?P<fence>`{3,}|~{3,})(?P<info>.*)$")
ACTIONS = ("run", "continue", "skip")


def doc_pages() -> list[Path]:
    """README.md and every page of docs/, in a stable order."""
    return [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]


@attrs.frozen
class Block:
    """One fenced Python block: where it is, its marker and its code."""

    page: str  # relative to the repository root
    line: int  # 1-based line of the opening fence
    marker: str  # "", "run", "continue" or "skip"
    reason: str  # why it is skipped
    code: str

    @property
    def where(self) -> str:
        return f"{self.page}:{self.line}"


@attrs.frozen
class Group:
    """Blocks checked (and maybe run) as one module: a block and its continuations."""

    blocks: tuple[Block, ...]

    @property
    def name(self) -> str:
        return self.blocks[0].where

    @property
    def runnable(self) -> bool:
        return self.blocks[0].marker == "run"

    @property
    def module(self) -> str:
        """A module name for mypy: ``doc_<page>_<line>``."""
        first = self.blocks[0]
        return "doc_" + re.sub(r"\W", "_", first.page) + f"_{first.line}"

    def source(self) -> tuple[str, list[tuple[str, int]]]:
        """The module text and, per module line, the page line it came from."""
        lines: list[str] = []
        origin: list[tuple[str, int]] = []
        for block in self.blocks:
            for offset, text in enumerate(block.code.splitlines(), start=1):
                lines.append(text)
                origin.append((block.page, block.line + offset))
        return "\n".join(lines) + "\n", origin


class MarkerError(ValueError):
    """A doc-test marker that is unknown, stray or incomplete."""


def _parse_marker(body: str, where: str) -> tuple[str, str]:
    action, _, reason = body.partition(" ")
    if action not in ACTIONS:
        raise MarkerError(f"{where}: unknown doc-test marker {body!r} (one of {ACTIONS})")
    if action == "skip" and not reason.strip():
        raise MarkerError(f"{where}: `doc-test: skip` needs a reason")
    if action != "skip" and reason.strip():
        raise MarkerError(f"{where}: `doc-test: {action}` takes no argument ({body!r})")
    return action, reason.strip()


def blocks_of(page: Path) -> list[Block]:
    """Every Python block of one page, with the marker on the line before it.

    Raises:
        MarkerError: A marker is unknown, has no reason to skip, or is not followed
            by a Python block.
    """
    rel = page.relative_to(ROOT).as_posix()
    lines = page.read_text(encoding="utf-8").splitlines()
    found: list[Block] = []
    pending: tuple[int, str, str] | None = None  # (line, action, reason) of a marker
    i = 0
    while i < len(lines):
        text = lines[i]
        marker = MARKER.match(text)
        fence = FENCE.match(text)
        if marker:
            if pending:
                raise MarkerError(f"{rel}:{pending[0]}: doc-test marker not followed by a block")
            pending = (i + 1, *_parse_marker(marker.group("body"), f"{rel}:{i + 1}"))
            i += 1
            continue
        if fence:
            opener, start = fence.group("fence"), i
            end = start + 1
            while end < len(lines) and not lines[end].strip().startswith(opener):
                end += 1
            info = fence.group("info").strip().split()
            if info[:1] == ["python"]:
                action, reason = (pending[1], pending[2]) if pending else ("", "")
                indent = len(fence.group("indent"))
                code = "\n".join(line[indent:] for line in lines[start + 1 : end])
                found.append(Block(rel, start + 1, action, reason, code))
            elif pending:
                raise MarkerError(f"{rel}:{pending[0]}: doc-test marker before a non-Python block")
            pending = None
            i = end + 1
            continue
        if pending and text.strip():
            raise MarkerError(f"{rel}:{pending[0]}: doc-test marker not followed by a block")
        i += 1
    if pending:
        raise MarkerError(f"{rel}:{pending[0]}: doc-test marker not followed by a block")
    return found


def groups_of(blocks: Iterable[Block]) -> list[Group]:
    """Join each ``continue`` block to the group before it on the same page; drop skips.

    Raises:
        MarkerError: A ``continue`` block has nothing to continue.
    """
    groups: list[list[Block]] = []
    for block in blocks:
        if block.marker == "skip":
            continue
        if block.marker == "continue":
            if not groups or groups[-1][0].page != block.page:
                raise MarkerError(f"{block.where}: `doc-test: continue` has nothing to continue")
            groups[-1].append(block)
        else:
            groups.append([block])
    return [Group(tuple(g)) for g in groups]


def all_blocks() -> list[Block]:
    """Every Python block of README.md and docs/*.md."""
    return [block for page in doc_pages() for block in blocks_of(page)]
