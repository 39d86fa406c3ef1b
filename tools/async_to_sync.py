"""Generate the synchronous twin of every async module listed in :data:`PAIRS`.

The async module is the source: a person edits it, and this tool writes the sync
module from it, so the two cannot drift. The transformation is purely lexical,
guided by the standard library's :mod:`tokenize` and :mod:`ast`:

* ``async def`` / ``async with`` / ``async for`` lose their ``async``, and every
  ``await`` is dropped, together with the parentheses it needed
  (``(await cur.execute(q)).fetchone()`` becomes ``cur.execute(q).fetchone()``);
* ``Awaitable[T]`` becomes ``T``;
* every name in :data:`NAMES` is renamed, in code, strings and comments alike
  (``AsyncConnectionPool`` -> ``ConnectionPool``, ``ALock`` -> ``Lock``, ...),
  and in strings and comments ``async with`` / ``async for`` / ``await`` read
  as their sync forms (:data:`PHRASES`).

The few real differences between the twins (a lock type, how to sleep) live in
``pattern_quality/_acompat.py`` under an async name that :data:`NAMES` maps to
its sync twin. The result is then tidied by ``ruff check --select I,F401 --fix``
and ``ruff format``, and starts with a header naming its source. Any name left
that still looks async (``asyncio``, ``Async...``, ``a...`` twins) is an error,
so an untranslatable source fails here and not at run time.

Usage::

    python tools/async_to_sync.py            # write every generated module
    python tools/async_to_sync.py --check    # exit 1 if any is out of date
"""

from __future__ import annotations

import argparse
import ast
import io
import re
import subprocess
import sys
import tokenize
from collections.abc import Iterable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

#: (async source, generated sync module), relative to the repository root.
PAIRS: tuple[tuple[str, str], ...] = (
    ("pattern_quality/storage/_connect_async.py", "pattern_quality/storage/_connect.py"),
    ("pattern_quality/storage/_calls_async.py", "pattern_quality/storage/_calls.py"),
    ("pattern_quality/storage/_briefs_async.py", "pattern_quality/storage/_briefs.py"),
    ("pattern_quality/storage/postgres_async.py", "pattern_quality/storage/postgres.py"),
    ("pattern_quality/storage/in_memory_async.py", "pattern_quality/storage/in_memory.py"),
    ("pattern_quality/schema/runner_async.py", "pattern_quality/schema/runner.py"),
    ("pattern_quality/backfill/_retrying_async.py", "pattern_quality/backfill/_retrying.py"),
    ("pattern_quality/sources/qdrant_async.py", "pattern_quality/sources/qdrant.py"),
    ("pattern_quality/projection/projector_async.py", "pattern_quality/projection/projector.py"),
    ("pattern_quality/projection/rebuild_async.py", "pattern_quality/projection/rebuild.py"),
)

#: Async name -> sync name, applied to identifiers, strings and comments.
NAMES: dict[str, str] = {
    # the compat module and the standard library
    "ALock": "Lock",
    "asleep": "sleep",
    "AsyncIterator": "Iterator",
    "AsyncIterable": "Iterable",
    "AsyncGenerator": "Generator",
    "asynccontextmanager": "contextmanager",
    "__aenter__": "__enter__",
    "__aexit__": "__exit__",
    "__aiter__": "__iter__",
    "__anext__": "__next__",
    "StopAsyncIteration": "StopIteration",
    # psycopg, psycopg_pool and qdrant-client
    "AsyncConnection": "Connection",
    "AsyncCursor": "Cursor",
    "AsyncConnectionPool": "ConnectionPool",
    "AsyncQdrantClient": "QdrantClient",
    # this package
    "aconnect": "connect",
    "acheck_schema": "check_schema",
    "AsyncQualityStore": "QualityStore",
    "AsyncPostgresQualityStore": "PostgresQualityStore",
    "AsyncPostgresBriefs": "PostgresBriefs",
    "AsyncInMemoryQualityStore": "InMemoryQualityStore",
    "amigrate": "migrate",
    "arollback": "rollback",
    "amigration_status": "migration_status",
    "averify": "verify",
    "aretrying": "retrying",
    "AsyncQdrantPatternSource": "QdrantPatternSource",
    "AsyncQdrantProjector": "QdrantProjector",
    "aproject_stored": "project_stored",
    "averify_projection": "verify_projection",
}

# The async modules themselves: ``from ._connect_async import aconnect`` -> ``from ._connect ...``.
NAMES.update({Path(source).stem: Path(target).stem for source, target in PAIRS})

#: Words that must not survive into a generated module (outside strings).
_ASYNC_WORD = re.compile(r"async|await|asyncio|Async[A-Z]\w*|A[A-Z][a-z]\w*")
HEADER = (
    "# Generated from {source} by tools/async_to_sync.py.\n"
    "# Do not edit: change the async source and run `make generate`.\n"
)


#: Tokens whose text is renamed too (Python 3.12 splits f-strings into parts).
_TEXT_TOKENS = {tokenize.STRING, tokenize.COMMENT, getattr(tokenize, "FSTRING_MIDDLE", -1)}


class GenerationError(Exception):
    """The async source uses something this tool cannot translate."""


def _offsets(text: str) -> list[int]:
    starts, pos = [0], 0
    for line in text.splitlines(keepends=True):
        pos += len(line)
        starts.append(pos)
    return starts


def _tokens(text: str) -> list[tokenize.TokenInfo]:
    return list(tokenize.generate_tokens(io.StringIO(text).readline))


#: Phrases of docstrings and comments that describe async code.
PHRASES: dict[str, str] = {"async with": "with", "async for": "for", "await ": ""}


def _rename_text(text: str) -> str:
    words = r"\b(" + "|".join(map(re.escape, NAMES)) + r")\b"
    text = re.sub(words, lambda m: NAMES[m.group(1)], text)
    phrases = r"\b(" + "|".join(map(re.escape, PHRASES)) + r")"
    return re.sub(phrases, lambda m: PHRASES[m.group(1)], text)


def _matching(tokens: Sequence[tokenize.TokenInfo], index: int) -> int:
    """Return the index of the bracket closing the one at ``index``."""
    depth = 0
    for i in range(index, len(tokens)):
        if tokens[i].type == tokenize.OP and tokens[i].string in "([{":
            depth += 1
        elif tokens[i].type == tokenize.OP and tokens[i].string in ")]}":
            depth -= 1
            if depth == 0:
                return i
    raise GenerationError(f"unbalanced bracket at line {tokens[index].start[0]}")


def _strip_async(text: str) -> tuple[str, list[int]]:
    """Drop ``async``/``await``, unwrap ``Awaitable[...]``, rename; return the text and
    the offsets (in the result) where an ``await`` was."""
    starts = _offsets(text)
    tokens = _tokens(text)

    def at(pos: tuple[int, int]) -> int:
        return starts[pos[0] - 1] + pos[1]

    edits: list[tuple[int, int, str, bool]] = []  # (start, end, replacement, was await)
    for i, tok in enumerate(tokens):
        following = tokens[i + 1] if i + 1 < len(tokens) else tok
        same_line_end = at(following.start) if following.start[0] == tok.end[0] else at(tok.end)
        if tok.type == tokenize.NAME and tok.string == "await":
            edits.append((at(tok.start), same_line_end, "", True))
        elif tok.type == tokenize.NAME and tok.string == "async":
            if following.string not in ("def", "with", "for"):
                raise GenerationError(f"unexpected 'async' at line {tok.start[0]}")
            edits.append((at(tok.start), same_line_end, "", False))
        elif tok.type == tokenize.NAME and tok.string == "Awaitable" and following.string == "[":
            close = tokens[_matching(tokens, i + 1)]
            edits.append((at(tok.start), at(following.end), "", False))
            edits.append((at(close.start), at(close.end), "", False))
        elif tok.type == tokenize.NAME and tok.string in NAMES:
            edits.append((at(tok.start), at(tok.end), NAMES[tok.string], False))
        elif tok.type in _TEXT_TOKENS:
            renamed = _rename_text(tok.string)
            if renamed != tok.string:
                edits.append((at(tok.start), at(tok.end), renamed, False))
    out, awaits, last, shift = [], [], 0, 0
    for start, end, replacement, was_await in sorted(edits):
        out.append(text[last:start] + replacement)
        shift += len(replacement) - (end - start)
        if was_await:
            awaits.append(end + shift)
        last = end
    out.append(text[last:])
    return "".join(out), awaits


def _dump(text: str) -> str:
    return ast.dump(ast.parse(text))


def _drop_parentheses(text: str, awaits: Iterable[int]) -> str:
    """Remove the parentheses that only grouped an ``await`` (and now group nothing)."""
    starts = _offsets(text)
    tokens = _tokens(text)
    index = {starts[t.start[0] - 1] + t.start[1]: i for i, t in enumerate(tokens)}
    expected = _dump(text)
    removals: list[int] = []
    for pos in awaits:
        i = index.get(pos)
        if i is None or i == 0:
            continue
        opening = i - 1
        while tokens[opening].type in (tokenize.NL, tokenize.COMMENT):
            opening -= 1
        if tokens[opening].string != "(":
            continue
        closing = tokens[_matching(tokens, opening)]
        first = starts[tokens[opening].start[0] - 1] + tokens[opening].start[1]
        last = starts[closing.start[0] - 1] + closing.start[1]
        # Spaces, not nothing, in their place (``return(x)``); ruff format tidies them.
        candidate = text[:first] + " " + text[first + 1 : last] + " " + text[last + 1 :]
        try:
            same = _dump(candidate) == expected
        except SyntaxError:
            same = False
        if same:
            removals += [first, last]
    for offset in sorted(removals, reverse=True):
        text = text[:offset] + " " + text[offset + 1 :]
    if _dump(text) != expected:  # pragma: no cover - each removal was checked alone
        raise GenerationError("removing parentheses changed the code")
    return text


def _check_translated(text: str, source: str) -> None:
    for tok in _tokens(text):
        if tok.type == tokenize.NAME and _ASYNC_WORD.fullmatch(tok.string):
            if tok.string in NAMES.values():
                continue
            raise GenerationError(
                f"{source}: {tok.string!r} (line {tok.start[0]} of the output) has no sync "
                "name: add it to NAMES in tools/async_to_sync.py or to pattern_quality/_acompat.py"
            )


def _ruff(args: Sequence[str], text: str, target: str) -> str:
    proc = subprocess.run(
        [sys.executable, "-m", "ruff", *args, "--stdin-filename", target, "-"],
        input=text,
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=False,
    )
    if proc.returncode != 0:
        raise GenerationError(f"ruff {args[0]} failed on {target}: {proc.stderr.strip()}")
    return proc.stdout


def translate(text: str, source: str = "<text>") -> str:
    """Return the sync code of an async module's text, before ruff tidies it.

    Args:
        text: The async module's source code.
        source: Its name, for error messages.

    Returns:
        The translated code (not formatted, no header).

    Raises:
        GenerationError: A construct or a name has no sync twin.
    """
    text, awaits = _strip_async(text)
    text = _drop_parentheses(text, awaits)
    _check_translated(text, source)
    return text


def generate(source: str, target: str) -> str:
    """Return the sync module generated from one async source.

    Args:
        source: The async module, relative to the repository root.
        target: The sync module it becomes (used for ruff's settings and the header).

    Returns:
        The generated module's text.

    Raises:
        GenerationError: The source uses an async construct or name with no sync twin.
    """
    text = HEADER.format(source=source) + translate((ROOT / source).read_text("utf-8"), source)
    text = _ruff(["check", "--fix", "--exit-zero", "--select", "I,F401", "--quiet"], text, target)
    return _ruff(["format", "--quiet"], text, target)


def main(argv: Sequence[str] | None = None) -> int:
    """Write, or with ``--check`` compare, every generated module.

    Args:
        argv: Command-line arguments (default ``sys.argv[1:]``).

    Returns:
        0 when everything is written or up to date; 1 when ``--check`` finds a
        stale module; 2 when a source cannot be translated.
    """
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check, write nothing")
    args = parser.parse_args(argv)
    stale = []
    for source, target in PAIRS:
        try:
            text = generate(source, target)
        except GenerationError as exc:
            print(f"async_to_sync: {exc}", file=sys.stderr)
            return 2
        path = ROOT / target
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue
        if args.check:
            stale.append(target)
            continue
        path.write_text(text, encoding="utf-8")
        print(f"generated {target} from {source}")
    for target in stale:
        print(f"{target} is out of date: run `make generate`", file=sys.stderr)
    return 1 if stale else 0


if __name__ == "__main__":
    sys.exit(main())
