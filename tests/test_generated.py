"""The sync modules generated from async sources are up to date, and the generator works.

``make generate`` rewrites them; this test regenerates each in memory and fails
on any difference, so a stale generated module never reaches CI green.
"""

from __future__ import annotations

import difflib
import re

import pytest

from tools.async_to_sync import HEADER, PAIRS, ROOT, GenerationError, generate, translate


@pytest.mark.parametrize(("source", "target"), PAIRS, ids=[t for _, t in PAIRS])
def test_generated_module_is_up_to_date(source: str, target: str) -> None:
    expected = generate(source, target)
    actual = (ROOT / target).read_text(encoding="utf-8")
    diff = "".join(
        difflib.unified_diff(
            actual.splitlines(keepends=True),
            expected.splitlines(keepends=True),
            fromfile=target,
            tofile=f"generated from {source}",
        )
    )
    assert not diff, f"{target} is stale: run `make generate`\n{diff}"


def test_every_generated_module_is_listed_and_marked() -> None:
    marker = HEADER.splitlines()[0].split("{source}")[0]
    marked = {
        str(path.relative_to(ROOT))
        for path in (ROOT / "pattern_quality").rglob("*.py")
        if path.read_text(encoding="utf-8").startswith(marker)
    }
    assert marked == {target for _, target in PAIRS}
    for source, target in PAIRS:
        assert source.endswith("_async.py") and target == source.replace("_async.py", ".py")


def _compact(code: str) -> str:
    return re.sub(r"\s+", "", code)  # ruff format settles the spacing


def test_keywords_go_and_grouping_parentheses_with_them() -> None:
    code = (
        "async def f(cur: AsyncCursor[Any], call: Callable[[], Awaitable[int]]) -> None:\n"
        "    async with ALock():\n"
        "        row = await (await cur.execute(q)).fetchone()\n"
        "        total = (await call()) + 1\n"
        "        async for item in aiter_rows():\n"
        "            pass\n"
        "        keep = (a, await b)\n"
        "        print(await call())\n"
        '    """Close it (``async with`` it); see AsyncConnection."""  # ALock\n'
    )
    assert _compact(translate(code)) == _compact(
        "def f(cur: Cursor[Any], call: Callable[[], int]) -> None:\n"
        "    with Lock():\n"
        "        row = cur.execute(q).fetchone()\n"
        "        total = call() + 1\n"
        "        for item in aiter_rows():\n"
        "            pass\n"
        "        keep = (a, b)\n"
        "        print(call())\n"
        '    """Close it (``with`` it); see Connection."""  # Lock\n'
    )


@pytest.mark.parametrize(
    "code", ["import asyncio\n", "x = AsyncThing()\n", "async def f():\n    return AResource\n"]
)
def test_an_untranslatable_name_is_an_error(code: str) -> None:
    with pytest.raises(GenerationError, match="has no sync name"):
        translate(code)
