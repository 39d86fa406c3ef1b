"""``pattern-quality backfill`` when something is wrong: exit 2, nothing leaked, runs converge.

Bad configuration, a missing collection or schema, unreachable servers (no
password or API key in any output), and the database going away mid-run.
"""

from __future__ import annotations

import json
import socket
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict, make_conninfo
from qdrant_client import QdrantClient

from pattern_quality.cli import main
from pattern_quality.qdrant import QdrantPatternSource
from tests import qdrant_data as data
from tests.cli_backfill_runs import (
    API_KEY,
    PASSWORD,
    _count,
    _ids,
    _run,
    isolate,
    make_big_qdrant,
    make_qdrant,
)


@pytest.fixture
def qdrant_path(tmp_path: Path) -> Path:
    return make_qdrant(tmp_path / "qdrant")


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(monkeypatch)


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
    return make_big_qdrant(tmp_path / "big")


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
