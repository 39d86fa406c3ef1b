"""One line on stderr per failure (issue 12, item 7): a real outage mid-backfill, as a process.

The server of the test's own is stopped while ``pattern-quality backfill`` is
writing: the run exits 2 with exactly one stderr line, although psycopg_pool
warns at every reconnection attempt (the command line routes library logging;
the library never configures it). With ``-v`` the cause is shown too (and the
libraries' warnings), every password still masked.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from qdrant_client import QdrantClient

from pattern_quality import migrate
from tests import qdrant_data as data
from tests.fault_server import FaultServer

pytestmark = pytest.mark.timeout(180)
PASSWORD = "Out@ge pw%zz"


def _rows(server: FaultServer) -> int:
    with psycopg.connect(server.admin_dsn("pqdb")) as conn:
        row = conn.execute("SELECT count(*) FROM pattern_quality_metrics").fetchone()
    return int(row[0]) if row else 0


def _backfill_through_an_outage(server: FaultServer, qdrant: Path, *flags: str) -> tuple[int, str]:
    url = server.url("pq", PASSWORD, "pqdb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "pattern_quality", "backfill", *flags,
         "--qdrant-path", str(qdrant), "--batch-size", "1", "--collection", "code_patterns"],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env={"PATH": os.environ.get("PATH", "/usr/bin"), "PATTERN_QUALITY_EMBEDDED": "0",
             "PATTERN_QUALITY_DATABASE_URL": url},
    )  # fmt: skip
    try:
        while _rows(server) < 5:  # writing has started: now the outage
            assert proc.poll() is None, proc.communicate()
            time.sleep(0.05)
        server.stop()
        _, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
        proc.wait()
        if server._proc is None:
            server.start()
    return proc.returncode, err


def test_an_outage_mid_backfill_prints_one_line(fault_pg: FaultServer, tmp_path: Path) -> None:
    fault_pg.create_role("pq", PASSWORD, "pqdb")
    migrate(fault_pg.url("pq", PASSWORD, "pqdb"))
    client = QdrantClient(path=str(tmp_path / "q"))
    data.populate_many(client, "code_patterns", 1000)
    client.close()

    code, err = _backfill_through_an_outage(fault_pg, tmp_path / "q")
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith("pattern-quality: error: backfill stopped while writing batch")
    assert "is unavailable" in lines[0] and PASSWORD not in err


def test_verbose_adds_the_cause_masked(capsys: pytest.CaptureFixture[str]) -> None:
    from pattern_quality.cli import main
    from tests.fault_server import free_port

    url = f"postgresql://pq:{quote(PASSWORD, safe='')}@127.0.0.1:{free_port()}/db"
    assert main(["migrate", "--status", "--database-url", url]) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert main(["migrate", "--status", "-v", "--database-url", url]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("pattern-quality: error: cause: DriverError")
    for spelling in (PASSWORD, "Out@ge", "pw%zz", "Out%40ge"):
        assert spelling not in err


def test_backfill_verbose_adds_the_cause_masked(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    from pattern_quality.cli import main
    from tests.fault_server import free_port

    url = f"postgresql://pq:{quote(PASSWORD, safe='')}@127.0.0.1:{free_port()}/db"
    argv = ["backfill", "--qdrant-path", str(tmp_path), "--database-url", url]
    assert main(argv) == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert main([*argv, "-v"]) == 2
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert len(lines) == 2 and lines[1].startswith("pattern-quality: error: cause: DriverError")
    for spelling in (PASSWORD, "Out@ge", "pw%zz", "Out%40ge"):
        assert spelling not in err
