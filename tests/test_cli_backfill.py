"""``pattern-quality backfill``: in-process runs against local-mode Qdrant and PostgreSQL."""

from __future__ import annotations

import fcntl
import json
import os
import pty
import socket
import struct
import subprocess
import sys
import termios
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from qdrant_client import QdrantClient

from pattern_quality.backfill import RetryPolicy
from pattern_quality.cli import backfill as cli_backfill
from pattern_quality.cli import main
from pattern_quality.qdrant import QdrantPatternSource
from pattern_quality.scoring import DEFAULT_RUBRIC
from tests import qdrant_data as data

PASSWORD = "pw-Sup3r-s3cret-9876"
API_KEY = "qk-API-key-5550123-secret"


@pytest.fixture
def qdrant_path(tmp_path: Path) -> Path:
    path = tmp_path / "qdrant"
    client = QdrantClient(path=str(path))
    data.populate(client)
    client.close()
    return path


@pytest.fixture(autouse=True)
def _clean_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("QDRANT_URL", "QDRANT_API_KEY", "PATTERN_QUALITY_DATABASE_URL", "DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(cli_backfill, "RETRY", RetryPolicy(attempts=2, initial_delay=0.0))
    monkeypatch.setattr(cli_backfill, "STORE_TIMEOUT", 2.0)


def _ids(dsn: str) -> set[str]:
    with psycopg.connect(dsn) as conn:
        return {r[0] for r in conn.execute("SELECT pattern_id::text FROM pattern_quality_metrics")}


def _count(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT count(*) FROM pattern_quality_metrics").fetchone()
    assert row is not None
    return int(row[0])


def _run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["backfill", *argv])
    out, err = capsys.readouterr()
    return code, out, err


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


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (
            [],
            "pattern-quality: error: no Qdrant configured: pass --qdrant-url URL (or set "
            "$QDRANT_URL) for a server, or --qdrant-path DIR for a local-mode storage",
        ),
        (
            ["--qdrant-path", "/tmp", "--qdrant-url", "http://127.0.0.1:1"],
            "pattern-quality: error: give either --qdrant-url or --qdrant-path, not both",
        ),
        (
            ["--qdrant-path", "/nonexistent/qdrant-dir"],
            "pattern-quality: error: local Qdrant storage '/nonexistent/qdrant-dir' does not exist",
        ),
    ],
)
def test_configuration_errors_exit_2(
    capsys: pytest.CaptureFixture[str], migrated_dsn: str, argv: list[str], message: str
) -> None:
    code, out, err = _run(capsys, "--database-url", migrated_dsn, *argv)
    assert (code, out, err.strip()) == (2, "", message)


def test_qdrant_configuration_is_checked_before_the_database(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = _run(capsys)
    assert (code, out) == (2, "")
    assert err.startswith("pattern-quality: error: no Qdrant configured")


def test_missing_collection_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, migrated_dsn: str
) -> None:
    path = tmp_path / "q"
    client = QdrantClient(path=str(path))
    data.populate(client, ("code_patterns",))
    client.close()
    code, out, err = _run(capsys, "--qdrant-path", str(path), "--database-url", migrated_dsn)
    assert (code, out) == (2, "")
    assert err.strip() == (
        "pattern-quality: error: Qdrant collection 'execution_patterns' not found in "
        f"local storage {path} (available: code_patterns)"
    )
    assert _count(migrated_dsn) == 0


def test_missing_schema_exit_2(
    capsys: pytest.CaptureFixture[str], qdrant_path: Path, empty_dsn: str
) -> None:
    code, out, err = _run(capsys, "--qdrant-path", str(qdrant_path), "--database-url", empty_dsn)
    assert code == 2
    assert "pattern-quality migrate" in err
    assert err.startswith("pattern-quality: error: ")


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_secrets_never_appear_in_output(
    capsys: pytest.CaptureFixture[str],
    qdrant_path: Path,
    migrated_dsn: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    dsn = make_conninfo(migrated_dsn, password=PASSWORD)  # trust auth: still connects
    monkeypatch.setenv("QDRANT_API_KEY", API_KEY)
    outputs: list[str] = []

    # 1. a full run (local mode ignores the key), human and JSON
    for extra in ([], ["--json"], ["--dry-run"]):
        code, out, err = _run(capsys, "--qdrant-path", str(qdrant_path), "--database-url", dsn,
                              "--collection", "all", *extra)  # fmt: skip
        assert code == 1
        outputs += [out, err]
    # 2. an unreachable Qdrant server with the key
    url = f"http://127.0.0.1:{_closed_port()}"
    code, out, err = _run(capsys, "--qdrant-url", url, "--database-url", dsn)
    assert code == 2
    assert err.splitlines()[-1].startswith(
        f"pattern-quality: error: could not list collections on Qdrant at {url}: "
    )
    assert "API key is sent over plain http" in err
    outputs += [out, err]
    # 3. an unreachable database with the password
    bad_dsn = f"postgresql://postgres:{PASSWORD}@127.0.0.1:{_closed_port()}/x?connect_timeout=2"
    code, out, err = _run(capsys, "--qdrant-path", str(qdrant_path), "--database-url", bad_dsn)
    assert code == 2 and "unavailable" in err
    outputs += [out, err]
    # 4. usage error echoing the DSN
    code, out, err = _run(capsys, "--database-url", bad_dsn, "--bogus", bad_dsn)
    assert code == 2
    outputs += [out, err]
    for text in outputs:
        assert PASSWORD not in text
        assert API_KEY not in text


def test_api_key_on_the_command_line_is_not_echoed(
    capsys: pytest.CaptureFixture[str], migrated_dsn: str
) -> None:
    url = f"http://127.0.0.1:{_closed_port()}"
    code, out, err = _run(
        capsys, "--qdrant-url", url, "--qdrant-api-key", API_KEY, "--database-url", migrated_dsn
    )
    assert code == 2
    assert API_KEY not in out + err


# --- the database going away mid-run ------------------------------------------------------


def _set_connections(server_dsn: str, dbname: str, allowed: bool) -> None:
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS {str(allowed).lower()}')
        if not allowed:
            conn.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
                (dbname,),
            )


@pytest.fixture
def big_qdrant(tmp_path: Path) -> Path:
    path = tmp_path / "big"
    client = QdrantClient(path=str(path))
    data.populate_many(client, "code_patterns", 90)
    data.populate_many(client, "execution_patterns", 30, start=1000)
    client.close()
    return path


def test_database_going_away_exits_2_and_a_rerun_converges(
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    big_qdrant: Path,
    pg_server_dsn: str,
    migrated_dsn: str,
    empty_dsn: str,
) -> None:
    dbname = conninfo_to_dict(migrated_dsn)["dbname"]
    assert isinstance(dbname, str)
    real_scan = QdrantPatternSource.scan

    def dying_scan(self: QdrantPatternSource, collections: Any = None) -> Iterator[Any]:
        for n, item in enumerate(real_scan(self, collections), start=1):
            if n == 55:  # batches of 20: two are committed or in flight by now
                _set_connections(pg_server_dsn, dbname, allowed=False)
            yield item

    base = ("--qdrant-path", str(big_qdrant), "--batch-size", "20")
    monkeypatch.setattr(QdrantPatternSource, "scan", dying_scan)
    try:
        code, out, err = _run(capsys, *base, "--database-url", migrated_dsn, "--json")
    finally:
        _set_connections(pg_server_dsn, dbname, allowed=True)
    monkeypatch.setattr(QdrantPatternSource, "scan", real_scan)
    assert code == 2
    partial = json.loads(out)
    assert partial["completed"] is False
    assert partial["stored"] == _count(migrated_dsn) == 20 * partial["batches"]
    assert partial["stored"] >= 20
    assert err.startswith("pattern-quality: error: backfill stopped while writing batch ")
    assert "run the backfill again to finish" in err

    code, out, err = _run(capsys, *base, "--database-url", migrated_dsn)
    assert (code, err) == (0, "")
    # the same final table as an uninterrupted run into a fresh database
    assert main(["migrate", "--database-url", empty_dsn]) == 0
    capsys.readouterr()
    assert _run(capsys, *base, "--database-url", empty_dsn)[0] == 0
    assert _ids(migrated_dsn) == _ids(empty_dsn)
    assert _count(migrated_dsn) == _count(empty_dsn) == 120


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
