"""Every Python block of README.md and docs/*.md type-checks with mypy --strict; some run.

The conventions (markers, what a runnable block may rely on) are in
tests/doc_blocks.py and docs/architecture.md ("Code blocks in the documentation").
All groups are checked in one mypy run (``mypy.api.run``), each as its own module
in a temporary directory; the runnable ones then run as scripts, each against a
fresh migrated database.
"""

from __future__ import annotations

import ast
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from mypy import api as mypy_api

from tests.doc_blocks import ROOT, Block, Group, MarkerError, all_blocks, blocks_of, groups_of

GROUPS = groups_of(all_blocks())
BY_MODULE = {group.module: group for group in GROUPS}
MYPY_CONFIG = """\
[mypy]
python_version = 3.11
strict = True

[mypy-pgserver.*]
ignore_missing_imports = True
"""
ERROR = re.compile(r"^(?P<file>[^:]+\.py):(?P<line>\d+): (?P<kind>error|note): (?P<msg>.*)$")


@pytest.fixture(scope="module")
def mypy_errors(
    tmp_path_factory: pytest.TempPathFactory, request: pytest.FixtureRequest
) -> dict[str, list[str]]:
    """Run mypy once over every group; return its messages per module, mapped to page lines."""
    where = tmp_path_factory.mktemp("doc_blocks")
    origins: dict[str, list[tuple[str, int]]] = {}
    found: dict[str, list[str]] = {}
    for group in GROUPS:
        text, origin = group.source()
        try:
            ast.parse(text)
        except SyntaxError as exc:  # mypy would stop at it and check nothing else
            page, page_line = origin[max(0, min((exc.lineno or 1) - 1, len(origin) - 1))]
            found[group.module] = [f"{page}:{page_line}: error: {exc.msg}  [syntax]"]
            continue
        origins[group.module] = origin
        (where / f"{group.module}.py").write_text(text, encoding="utf-8")
    config = where / "mypy.ini"
    config.write_text(MYPY_CONFIG, encoding="utf-8")
    cache = request.config.cache.mkdir("doc-blocks-mypy") if request.config.cache else where
    stdout, stderr, status = mypy_api.run(
        [
            "--config-file",
            str(config),
            "--cache-dir",
            str(cache),
            "--no-error-summary",
            "--hide-error-context",
            "--no-pretty",
            "--show-error-codes",
            *(str(where / f"{module}.py") for module in origins),
        ]
    )
    assert status in (0, 1), f"mypy crashed (exit {status}):\n{stdout}{stderr}"
    for line in stdout.splitlines():
        match = ERROR.match(line)
        assert match, f"unexpected mypy output: {line}"
        module = Path(match.group("file")).stem
        assert module in origins, f"mypy reports outside the doc blocks: {line}"
        page, page_line = origins[module][int(match.group("line")) - 1]
        found.setdefault(module, []).append(
            f"{page}:{page_line}: {match.group('kind')}: {match.group('msg')}"
        )
    return found


def test_there_are_doc_blocks_and_some_run() -> None:
    pages = {group.blocks[0].page for group in GROUPS}
    assert {"README.md", "docs/api.md"} <= pages
    assert any(group.runnable for group in GROUPS if group.blocks[0].page == "README.md")


@pytest.mark.slow
@pytest.mark.parametrize("group", GROUPS, ids=lambda g: g.name)
def test_the_block_type_checks_strictly(group: Group, mypy_errors: dict[str, list[str]]) -> None:
    errors = mypy_errors.get(group.module, [])
    assert not errors, "mypy --strict on the doc block:\n" + "\n".join(errors)


@pytest.mark.slow
@pytest.mark.parametrize("group", [g for g in GROUPS if g.runnable], ids=lambda g: g.name)
def test_the_runnable_block_runs(group: Group, migrated_dsn: str, tmp_path: Path) -> None:
    script = tmp_path / f"{group.module}.py"
    script.write_text(group.source()[0], encoding="utf-8")
    work = tmp_path / "cwd"
    work.mkdir()
    env = {
        **os.environ,
        "PATTERN_QUALITY_DATABASE_URL": migrated_dsn,
        "PATTERN_QUALITY_DATA_DIR": str(tmp_path / "data"),
        "MPLBACKEND": "Agg",
        "PYTHONWARNINGS": "error::DeprecationWarning",
    }
    for name in ("DATABASE_URL", "HOST_DATABASE_URL", "QDRANT_URL", "QDRANT_API_KEY"):
        env.pop(name, None)
    proc = subprocess.run(
        [sys.executable, str(script)],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, f"{group.name} failed:\n{proc.stdout}\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr


def _blocks(text: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[Block]:
    import tests.doc_blocks as doc_blocks

    monkeypatch.setattr(doc_blocks, "ROOT", tmp_path)
    page = tmp_path / "page.md"
    page.write_text(text, encoding="utf-8")
    return doc_blocks.blocks_of(page)


def test_markers_apply_to_the_next_python_block(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = (
        "# t\n\n```python\na = 1\n```\n\n<!-- doc-test: continue -->\n```python\nb = a\n```\n"
        "<!-- doc-test: skip shows a shell session -->\n```python\n>>> 1\n```\n"
        "<!-- doc-test: run -->\n```python\nc = 2\n```\n```bash\nls\n```\n"
    )
    blocks = _blocks(text, tmp_path, monkeypatch)
    assert [(b.line, b.marker, b.reason, b.code) for b in blocks] == [
        (3, "", "", "a = 1"),
        (8, "continue", "", "b = a"),
        (12, "skip", "shows a shell session", ">>> 1"),
        (16, "run", "", "c = 2"),
    ]
    groups = groups_of(blocks)
    assert [[b.line for b in g.blocks] for g in groups] == [[3, 8], [16]]
    assert [g.runnable for g in groups] == [False, True]
    assert groups[0].source() == ("a = 1\nb = a\n", [("page.md", 4), ("page.md", 9)])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("<!-- doc-test: execute -->\n```python\na = 1\n```\n", "unknown doc-test marker"),
        ("<!-- doc-test: skip -->\n```python\na = 1\n```\n", "needs a reason"),
        ("<!-- doc-test: run now -->\n```python\na = 1\n```\n", "takes no argument"),
        ("<!-- doc-test: run -->\n\ntext\n```python\na = 1\n```\n", "not followed by a block"),
        ("<!-- doc-test: run -->\n```bash\nls\n```\n", "before a non-Python block"),
        ("text\n<!-- doc-test: run -->\n", "not followed by a block"),
    ],
)
def test_bad_markers_are_refused(
    text: str, message: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(MarkerError, match=message):
        _blocks(text, tmp_path, monkeypatch)


def test_a_continue_needs_a_block_before_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocks = _blocks("<!-- doc-test: continue -->\n```python\na = 1\n```\n", tmp_path, monkeypatch)
    with pytest.raises(MarkerError, match="nothing to continue"):
        groups_of(blocks)


def test_every_page_has_valid_markers() -> None:
    for page in [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]:
        blocks_of(page)  # raises MarkerError on a bad marker
    assert GROUPS, "no doc blocks found"
