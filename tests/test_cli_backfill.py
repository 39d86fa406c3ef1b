"""``pattern-quality backfill``: in-process runs against local-mode Qdrant and PostgreSQL.

Exit codes for bad configuration, secrets in output and a database going away
mid-run are in ``tests/test_cli_backfill_failures.py``.
"""

from __future__ import annotations

import fcntl
import json
import os
import pty
import struct
import subprocess
import sys
import termios
from pathlib import Path

import psycopg
import pytest

from pattern_quality.cli import main
from pattern_quality.scoring import DEFAULT_RUBRIC
from tests import qdrant_data as data
from tests.cli_backfill_runs import _count, _ids, _run, isolate, make_big_qdrant, make_qdrant


@pytest.fixture
def qdrant_path(tmp_path: Path) -> Path:
    return make_qdrant(tmp_path / "qdrant")


@pytest.fixture
def big_qdrant(tmp_path: Path) -> Path:
    return make_big_qdrant(tmp_path / "big")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(monkeypatch)


def test_all_collections_exit_1_lists_failures_and_stores_the_rest(
    capsys: pytest.CaptureFixture[str], qdrant_path: Path, migrated_dsn: str
) -> None:
    code, out, err = _run(
        capsys, "--qdrant-path", str(qdrant_path), "--database-url", migrated_dsn,
        "--collection", "all",
    )  # fmt: skip
    assert code == 1, err
    assert err == ""
    assert _ids(migrated_dsn) == data.good_ids()
    assert "013a1d7c-2c7e-59d9-b2d4-b74a73d803bf" in _ids(migrated_dsn)
    lines = out.splitlines()
    assert lines[0] == (
        "backfill of code_patterns, execution_patterns, archon_vectors, quality_vectors"
    )
    assert "  seen             11" in lines
    assert "  stored            7  in 1 batch" in lines
    assert "failures (4):" in lines
    assert "       1  metadata: expected a mapping" in lines
    assert f"          e.g. code_patterns/{data.U3}" in lines
    assert "          e.g. quality_vectors/102" in lines
    assert f"tier distribution (7 scored, rubric {DEFAULT_RUBRIC})" in lines
    assert "dimension averages" in lines
    assert any(line.startswith("throughput: 11 patterns in ") for line in lines)


def test_default_collections_clean_run_exit_0_and_rerun_updates(
    capsys: pytest.CaptureFixture[str], qdrant_path: Path, migrated_dsn: str
) -> None:
    args = ("--qdrant-path", str(qdrant_path), "--database-url", migrated_dsn,
            "--collection", "execution_patterns", "--collection", "archon_vectors")  # fmt: skip
    code, out, err = _run(capsys, *args, "--json")
    assert (code, err) == (1, "")
    first = json.loads(out)
    assert (first["seen"], first["stored"], first["failed"]) == (5, 4, 1)
    code, out, _ = _run(capsys, *args, "--json")
    assert code == 1 and json.loads(out)["stored"] == 4
    assert _count(migrated_dsn) == 4
    code, out, err = _run(capsys, *args[:4], "--collection", "execution_patterns")
    assert (code, err) == (0, "")
    assert out.splitlines()[0] == "backfill of execution_patterns"


def test_json_report_parses(
    capsys: pytest.CaptureFixture[str], qdrant_path: Path, migrated_dsn: str
) -> None:
    code, out, _ = _run(
        capsys, "--qdrant-path", str(qdrant_path), "--database-url", migrated_dsn, "--json"
    )
    doc = json.loads(out)
    assert code == 1
    assert doc["collections"] == ["code_patterns", "execution_patterns"]
    assert (doc["seen"], doc["scored"], doc["stored"], doc["failed"]) == (5, 4, 4, 1)
    assert doc["failures"] == [
        {
            "reason": "metadata: expected a mapping",
            "count": 1,
            "examples": [
                {
                    "collection": "code_patterns",
                    "point_id": data.U3,
                    "pattern_id": data.U3,
                    "detail": "metadata: expected a mapping, got str 'not a mapping'",
                }
            ],
        }
    ]
    assert sum(doc["tiers"].values()) == 4
    assert doc["completed"] is True and doc["ok"] is False and doc["error"] is None


def test_dry_run_writes_nothing_and_needs_no_database(
    capsys: pytest.CaptureFixture[str], qdrant_path: Path, migrated_dsn: str
) -> None:
    code, out, _ = _run(capsys, "--qdrant-path", str(qdrant_path), "--dry-run", "--json")
    assert code == 1
    assert json.loads(out)["scored"] == 4 and json.loads(out)["stored"] == 0
    code, out, _ = _run(
        capsys, "--qdrant-path", str(qdrant_path), "--database-url", migrated_dsn, "--dry-run"
    )
    assert out.splitlines()[0] == (
        "backfill of code_patterns, execution_patterns (dry run: nothing written)"
    )
    assert _count(migrated_dsn) == 0


def test_limit_and_min_confidence(
    capsys: pytest.CaptureFixture[str], qdrant_path: Path, migrated_dsn: str
) -> None:
    base = ("--qdrant-path", str(qdrant_path), "--database-url", migrated_dsn, "--json")
    code, out, _ = _run(capsys, *base, "--collection", "archon_vectors", "--limit", "2")
    doc = json.loads(out)
    assert (code, doc["seen"], doc["stored"]) == (0, 2, 2)
    assert _ids(migrated_dsn) == {data.legacy_id(7), data.legacy_id(8)}
    code, out, _ = _run(capsys, *base, "--collection", "code_patterns", "--min-confidence", "0.5")
    doc = json.loads(out)
    assert (code, doc["seen"], doc["skipped"], doc["stored"], doc["failed"]) == (1, 3, 1, 1, 1)
    assert data.U1 in _ids(migrated_dsn) and data.U2 not in _ids(migrated_dsn)


def test_quiet_prints_nothing_but_failures(
    capsys: pytest.CaptureFixture[str], qdrant_path: Path, migrated_dsn: str
) -> None:
    base = ("--qdrant-path", str(qdrant_path), "--database-url", migrated_dsn, "--quiet")
    assert _run(capsys, *base, "--collection", "execution_patterns") == (0, "", "")
    code, out, err = _run(capsys, *base)
    assert (code, out) == (1, "")
    assert err.splitlines() == [
        "failures (1):",
        "       1  metadata: expected a mapping",
        f"          e.g. code_patterns/{data.U3}",
    ]


def test_no_progress_bar_when_not_a_terminal(
    capsys: pytest.CaptureFixture[str], qdrant_path: Path, migrated_dsn: str
) -> None:
    code, _, err = _run(capsys, "--qdrant-path", str(qdrant_path), "--database-url", migrated_dsn,
                        "--collection", "execution_patterns")  # fmt: skip
    assert (code, err) == (0, "")


def test_help_lists_the_options(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["backfill", "--help"]) == 0
    out = capsys.readouterr().out
    for option in ("--collection", "--limit", "--min-confidence", "--batch-size", "--dry-run",
                   "--database-url", "--qdrant-url", "--qdrant-api-key", "--qdrant-path",
                   "--json", "--quiet", "--shard", "--page-size"):  # fmt: skip
        assert option in out


def test_shards_together_store_everything(
    capsys: pytest.CaptureFixture[str], big_qdrant: Path, migrated_dsn: str
) -> None:
    stored = 0
    for k in (1, 2, 3):
        code, out, _ = _run(capsys, "--qdrant-path", str(big_qdrant), "--database-url",
                            migrated_dsn, "--shard", f"{k}/3", "--json")  # fmt: skip
        assert code == 0
        stored += json.loads(out)["stored"]
    assert stored == _count(migrated_dsn) == 120


def test_progress_bar_on_a_terminal(qdrant_path: Path, migrated_dsn: str) -> None:
    """With stderr on a (pseudo-)terminal, tqdm draws a bar there; stdout keeps the summary."""
    primary, secondary = pty.openpty()
    fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "pattern_quality", "backfill", "--qdrant-path",
             str(qdrant_path), "--database-url", migrated_dsn, "--collection", "all"],
            stdout=subprocess.PIPE, stderr=secondary, text=True, timeout=120, check=False,
        )  # fmt: skip
        os.close(secondary)
        secondary = -1
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # EIO: the terminal has no writer left
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        if secondary != -1:
            os.close(secondary)
        os.close(primary)
    bar = b"".join(chunks).decode()
    assert proc.returncode == 1
    assert "11/11" in bar and "pattern" in bar
    assert proc.stdout.splitlines()[0].startswith("backfill of code_patterns")


def _versions(dsn: str) -> set[str]:
    with psycopg.connect(dsn) as conn:
        return {r[0] for r in conn.execute("SELECT DISTINCT version FROM pattern_quality_metrics")}


def test_rubric_option_picks_the_rubric_and_the_stored_version(
    capsys: pytest.CaptureFixture[str], qdrant_path: Path, migrated_dsn: str
) -> None:
    base = ("--qdrant-path", str(qdrant_path), "--database-url", migrated_dsn, "--json",
            "--collection", "execution_patterns")  # fmt: skip
    code, out, _ = _run(capsys, *base)
    assert (code, json.loads(out)["rubric_version"]) == (0, DEFAULT_RUBRIC)
    assert _versions(migrated_dsn) == {DEFAULT_RUBRIC}
    code, out, _ = _run(capsys, *base, "--rubric", "1.0.0")
    assert (code, json.loads(out)["rubric_version"]) == (0, "1.0.0")
    assert _versions(migrated_dsn) == {"1.0.0"}
    assert _count(migrated_dsn) == 2
    assert _run(capsys, *base, "--rubric", "9.9.9")[0] == 2
