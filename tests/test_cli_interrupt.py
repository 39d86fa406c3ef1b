"""Ctrl-C during ``pattern-quality backfill`` with worker processes, as a real process group.

The interrupt is sent to the whole process group, as a terminal does, once the
first batches are committed (polled in the database, no timing involved).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import psycopg
from qdrant_client import QdrantClient

from tests import qdrant_data as data
from tests.cli_process import clean_env

POINTS = 4_000


def _stored(dsn: str) -> int:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT count(*) FROM pattern_quality_metrics").fetchone()
    return int(row[0]) if row else 0


def test_ctrl_c_exits_130_with_one_line_and_committed_rows(
    tmp_path: Path, migrated_dsn: str
) -> None:
    path = tmp_path / "qdrant"
    client = QdrantClient(path=str(path))
    data.populate_many(client, "code_patterns", POINTS)
    client.close()
    argv = [sys.executable, "-m", "pattern_quality", "backfill", "--qdrant-path", str(path)]
    argv += ["--collection", "code_patterns", "--database-url", migrated_dsn]
    argv += ["--workers", "2", "--batch-size", "2"]
    with subprocess.Popen(
        argv,
        env=clean_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,  # its own process group, like a terminal's job
    ) as proc:
        try:
            while _stored(migrated_dsn) == 0 and proc.poll() is None:
                pass  # wait for the first committed batch
            os.killpg(proc.pid, signal.SIGINT)
            out, err = proc.communicate(timeout=120)
        finally:
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGKILL)
    stored = _stored(migrated_dsn)
    assert proc.returncode == 130, err
    assert 0 < stored < POINTS
    assert out == ""
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    lines = err.splitlines()
    assert len(lines) == 1, err
    assert lines[0].startswith(f"pattern-quality: interrupted: {stored:,} rows from ")
    assert lines[0].endswith(
        "batches were committed and stay stored; to resume, run the same command with "
        "--changed-only (patterns already stored unchanged are skipped)"
    )
