"""``pattern-quality score``: ``--json`` names files by path; directories are scored recursively."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_process import run_cli


def _tree(root: Path) -> Path:
    (root / "pkg" / "sub").mkdir(parents=True)
    (root / "pkg" / ".venv").mkdir()
    (root / "pkg" / "__pycache__").mkdir()
    (root / "pkg" / "__init__.py").write_text("import os\n")
    (root / "pkg" / "sub" / "__init__.py").write_text('"""Sub."""\n')
    (root / "pkg" / "sub" / "tool.py").write_text("def tool(x: int) -> int:\n    return x\n")
    (root / "pkg" / "notes.txt").write_text("not python\n")
    (root / "pkg" / ".venv" / "lib.py").write_text("x = 1\n")
    (root / "pkg" / "__pycache__" / "c.py").write_text("x = 1\n")
    return root / "pkg"


def test_json_gives_the_path_of_each_file(tmp_path: Path) -> None:
    pkg = _tree(tmp_path)
    one, two = pkg / "__init__.py", pkg / "sub" / "__init__.py"
    proc = run_cli("score", "--json", str(one), str(two), '{"code": "pass"}')
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    assert [d["path"] for d in doc] == [str(one), str(two), None]
    assert [d["pattern_name"] for d in doc[:2]] == ["__init__", "__init__"]


def test_a_directory_is_scored_recursively_in_sorted_order(tmp_path: Path) -> None:
    pkg = _tree(tmp_path)
    proc = run_cli("score", "--json", str(pkg))
    assert proc.returncode == 0, proc.stderr
    assert [d["path"] for d in json.loads(proc.stdout)] == [
        str(pkg / "__init__.py"),
        str(pkg / "sub" / "__init__.py"),
        str(pkg / "sub" / "tool.py"),
    ]


def test_include_picks_the_file_names(tmp_path: Path) -> None:
    pkg = _tree(tmp_path)
    proc = run_cli("score", "--json", "--include", "*.txt", "--include", "tool.*", str(pkg))
    assert proc.returncode == 0, proc.stderr
    paths = [d["path"] for d in json.loads(proc.stdout)]
    assert paths == [str(pkg / "notes.txt"), str(pkg / "sub" / "tool.py")]


def test_a_directory_without_matching_files_is_one_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    good = tmp_path / "good.py"
    good.write_text("x = 1\n")
    proc = run_cli("score", "--json", str(tmp_path / "empty"), str(good))
    assert proc.returncode == 2
    assert proc.stderr == (
        f"pattern-quality: error: {tmp_path / 'empty'}: is a directory without files "
        "matching *.py (see --include)\n"
    )
    assert [d["path"] for d in json.loads(proc.stdout)] == [str(good)]
