"""What the ``pattern-quality backfill`` tests share: secrets, a local Qdrant, runs, row readers."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from qdrant_client import QdrantClient

from pattern_quality._config import DATABASE_URL_ENV_VARS
from pattern_quality.backfill import RetryPolicy
from pattern_quality.cli import backfill as cli_backfill
from pattern_quality.cli import main
from tests import qdrant_data as data

PASSWORD = "pw-Sup3r-s3cret-9876"
API_KEY = "qk-API-key-5550123-secret"


def make_qdrant(path: Path) -> Path:
    """Write the shared test collections into a local-mode Qdrant at ``path``."""
    client = QdrantClient(path=str(path))
    data.populate(client)
    client.close()
    return path


def make_big_qdrant(path: Path) -> Path:
    """Write 90 + 30 generated points (two collections) into a local-mode Qdrant at ``path``."""
    client = QdrantClient(path=str(path))
    data.populate_many(client, "code_patterns", 90)
    data.populate_many(client, "execution_patterns", 30, start=1000)
    client.close()
    return path


def isolate(monkeypatch: pytest.MonkeyPatch) -> None:
    """No Qdrant or database from the environment; fast retries and connection timeouts."""
    for name in ("QDRANT_URL", "QDRANT_API_KEY", *DATABASE_URL_ENV_VARS):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setattr(cli_backfill, "DEFAULT_RETRY", RetryPolicy(attempts=2, initial_delay=0.0))
    monkeypatch.setattr(cli_backfill, "DEFAULT_CONNECT_TIMEOUT", 2)


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
