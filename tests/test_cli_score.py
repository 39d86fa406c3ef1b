"""``pattern-quality score``: files, JSON files, stdin and inline JSON; errors per argument."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pattern_quality import Pattern, PatternQualityScorer
from pattern_quality.cli import main
from pattern_quality.hashing import content_hash
from tests import legacy_rubric

STUB = "def load(path):\n    pass\n"
GOOD = (
    '"""Load things."""\n'
    "import json\n\n\n"
    "def load(path: str) -> dict:\n"
    '    """Read a JSON file."""\n'
    "    # the caller checks the path\n"
    "    with open(path) as fh:\n"
    "        return json.load(fh)\n"
)
PATTERN: dict[str, Any] = {
    "pattern_id": "7f1c9b3e-2b1a-4c1e-9a51-1d2f3e4a5b6c",
    "pattern_name": "UserAuthEffect",
    "node_type": "effect",
    "code": "class UserAuthEffect:\n    async def execute_effect(self, c: dict) -> bool:\n"
    "        return bool(c)\n",
    "metadata": {"complexity": "low"},
    "use_cases": ["login"],
    "confidence": 0.8,
}
_SCORE_KEYS = (
    "composite_score",
    "completeness_score",
    "documentation_score",
    "onex_compliance_score",
    "metadata_richness_score",
    "complexity_score",
)


def _explain(data: Pattern | dict[str, Any], rubric: str = "3.0.0") -> str:
    return PatternQualityScorer(rubric).score_pattern(data).explain()


def _expected_dict(data: Pattern | dict[str, Any], rubric: str = "3.0.0") -> dict[str, Any]:
    doc = PatternQualityScorer(rubric, content_hash=True).score_pattern(data).to_dict()
    del doc["measurement_timestamp"]
    # `score --json` adds the path of a file argument (None for JSON patterns).
    path = data.extra.get("path") if isinstance(data, Pattern) else None
    return {"path": path, **doc}


def _file_pattern(name: str, code: str, path: Path) -> Pattern:
    """The pattern the command builds from a source file: its path names the language."""
    return Pattern(pattern_name=name, code=code, extra={"path": str(path)})


def _without_timestamps(docs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for doc in docs:
        assert doc.pop("measurement_timestamp").endswith("+00:00")
    return docs


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    stub = tmp_path / "loader.py"
    stub.write_text(STUB, encoding="utf-8")
    good = tmp_path / "good_loader.py"
    good.write_text(GOOD, encoding="utf-8")
    many = tmp_path / "patterns.json"
    many.write_text(json.dumps([PATTERN, {"code": STUB}]), encoding="utf-8")
    one = tmp_path / "one.JSON"
    one.write_text(json.dumps(PATTERN), encoding="utf-8")
    return {"stub": stub, "good": good, "many": many, "one": one}


# --- what is scored -----------------------------------------------------------------


def test_source_files_print_one_explanation_each(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", str(files["stub"]), str(files["good"])]) == 0
    out, err = capsys.readouterr()
    stub = _explain(_file_pattern("loader", STUB, files["stub"]))
    good = _explain(_file_pattern("good_loader", GOOD, files["good"]))
    assert out == f"{stub}\n\n{good}\n"
    assert err == ""
    assert out.startswith("loader: 0.410 (poor), rubric 3.0.0\n")
    assert "    -0.80 stub - line 1: stub 'load' (no behaviour)" in out.splitlines()
    assert "    +0.00 language - read as python (path)" in out.splitlines()


def test_json_file_with_a_list_and_a_json_file_with_one_pattern(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", "--json", str(files["many"]), str(files["one"])]) == 0
    docs = _without_timestamps(json.loads(capsys.readouterr().out))
    assert docs == [
        _expected_dict(PATTERN),
        _expected_dict({"code": STUB}),
        _expected_dict(PATTERN),
    ]
    assert docs[0]["pattern_id"] == PATTERN["pattern_id"]
    assert docs[0]["version"] == "3.0.0" and docs[0]["confidence"] == 0.8
    assert docs[0]["content_hash"] == content_hash(PATTERN) == docs[2]["content_hash"]
    assert {"dimension", "rule", "effect", "detail"} == set(docs[0]["findings"][0])
    assert ("onex_compliance", "legacy_entry_point") in {
        (f["dimension"], f["rule"]) for f in docs[0]["findings"]
    }


def test_inline_json_object_and_list(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", json.dumps(PATTERN), '[{"code": "import os"}, {}]']) == 0
    out = capsys.readouterr().out
    expected = [_explain(PATTERN), _explain({"code": "import os"}), _explain({})]
    assert out == "\n\n".join(expected) + "\n"


def test_stdin(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(json.dumps([PATTERN, {"code": GOOD}])))
    assert main(["score", "-", "--json"]) == 0
    docs = _without_timestamps(json.loads(capsys.readouterr().out))
    assert docs == [_expected_dict(PATTERN), _expected_dict({"code": GOOD})]


def test_rubric_1_0_0_gives_the_legacy_floats(
    files: dict[str, Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["score", "--rubric", "1.0.0", "--json", str(files["many"])]) == 0
    docs = json.loads(capsys.readouterr().out)
    for doc, data in zip(docs, [PATTERN, {"code": STUB}], strict=True):
        legacy = legacy_rubric.score_pattern(data)
        assert {k: doc[k] for k in _SCORE_KEYS} == {k: legacy[k] for k in _SCORE_KEYS}
        assert doc["version"] == "1.0.0"
    assert main(["score", "--rubric", "1.0.0", str(files["stub"])]) == 0
    out = capsys.readouterr().out
    assert out == _explain(Pattern(pattern_name="loader", code=STUB), "1.0.0") + "\n"
    # `pass` is a stub marker (-0.2); `(path):\n    pass` matches the type-hint regex (+0.2).
    assert out.startswith("loader: 0.399 (poor), rubric 1.0.0\n  completeness      0.830\n")


def test_language_from_the_path_and_a_bom_is_dropped(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    migration = tmp_path / "001_orders.sql"
    sql = "-- Orders, one row per checkout.\nCREATE TABLE IF NOT EXISTS orders (id int);\n"
    migration.write_bytes(b"\xef\xbb\xbf" + sql.encode("utf-8"))
    assert main(["score", str(migration)]) == 0
    out = capsys.readouterr().out
    assert "    +0.00 language - read as sql (path)" in out.splitlines()
    assert out == _explain(_file_pattern("001_orders", sql, migration)) + "\n"


def test_empty_json_list_scores_nothing(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", "--json", "[]"]) == 0
    assert json.loads(capsys.readouterr().out) == []


# --- errors -------------------------------------------------------------------------


def test_missing_file_exits_2_and_the_others_are_still_scored(
    files: dict[str, Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "nope.py"
    assert main(["score", str(missing), str(files["stub"])]) == 2
    out, err = capsys.readouterr()
    assert out == _explain(_file_pattern("loader", STUB, files["stub"])) + "\n"
    assert err == f"pattern-quality: error: {missing}: no such file (nor an inline JSON object)\n"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "invalid JSON: Expecting property name enclosed in double quotes"),
        ("42", "expected a pattern object or a list of them, got a JSON int"),
        ('"code"', "expected a pattern object or a list of them, got a JSON str"),
        ('[{"code": "x"}, 3]', "item 1: expected a pattern object, got a JSON int"),
        ('[{"code": "x"}, {"code": 5}]', "item 1: code: expected str, got int 5"),
        ('{"confidence": 1.5}', "confidence: expected a number in [0, 1], got 1.5"),
        ('{"metadata": []}', "metadata: expected a mapping, got list []"),
        ("[" * 100_000, "invalid JSON: nested too deeply"),
    ],
)
def test_invalid_json_file_names_the_argument_and_prints_nothing_of_it(
    tmp_path: Path, content: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    assert main(["score", "--json", str(path), '{"code": "x = 1"}']) == 2
    out, err = capsys.readouterr()
    assert err.startswith(f"pattern-quality: error: {path}") and message in err
    assert len(err.splitlines()) == 1
    # Only the valid argument is printed, never a pattern of the invalid one.
    assert _without_timestamps(json.loads(out)) == [_expected_dict({"code": "x = 1"})]


def test_invalid_inline_json_is_named(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score", '{"code": 5}']) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == (
        "pattern-quality: error: inline JSON '{\"code\": 5}': code: expected str, got int 5\n"
    )
    assert main(["score", "{oops"]) == 2
    assert "inline JSON '{oops': invalid JSON" in capsys.readouterr().err


def test_invalid_stdin_is_named(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(""))
    assert main(["score", "-"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.startswith("pattern-quality: error: <stdin>: invalid JSON")


def test_unreadable_inputs(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    binary = tmp_path / "blob.py"
    binary.write_bytes(b"x = '\xff\xfe'\n")
    assert main(["score", str(binary)]) == 2
    assert capsys.readouterr().err == (
        f"pattern-quality: error: {binary}: not UTF-8 text (invalid start byte at byte 5)\n"
    )
    # A directory is scored recursively: its unreadable file is named, as alone.
    assert main(["score", str(tmp_path)]) == 2
    assert capsys.readouterr().err == (
        f"pattern-quality: error: {binary}: not UTF-8 text (invalid start byte at byte 5)\n"
    )
    long = "x" * 5000  # too long for a file name: not a path, not JSON
    assert main(["score", long]) == 2
    err = capsys.readouterr().err
    assert (
        err == f"pattern-quality: error: {'x' * 197}...: no such file (nor an inline JSON object)\n"
    )


def test_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["score"]) == 2
    assert "the following arguments are required: PATH_OR_JSON" in capsys.readouterr().err
    assert main(["score", "--rubric", "9.9.9", "{}"]) == 2
    assert "invalid choice: '9.9.9'" in capsys.readouterr().err


def test_as_a_process(files: dict[str, Path]) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pattern_quality", "score", "--json", str(files["stub"]), "-"],
        input=json.dumps(PATTERN),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    docs = _without_timestamps(json.loads(proc.stdout))
    assert docs == [
        _expected_dict(_file_pattern("loader", STUB, files["stub"])),
        _expected_dict(PATTERN),
    ]
    missing = subprocess.run(
        [sys.executable, "-m", "pattern_quality", "score", str(files["stub"].with_name("x.py"))],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert (missing.returncode, missing.stdout) == (2, "")
    assert "x.py: no such file" in missing.stderr
