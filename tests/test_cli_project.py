"""``backfill --project-to-qdrant``, ``pattern-quality project`` and ``verify --qdrant``.

A local-mode Qdrant storage directory and the embedded PostgreSQL; "unreachable"
is a closed port on 127.0.0.1.
"""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from qdrant_client import QdrantClient

from pattern_quality.cli import main
from pattern_quality.projection import QdrantProjector, QualityPayload
from pattern_quality.sources.qdrant import QdrantPatternSource
from tests import qdrant_data as data
from tests.cli_backfill_runs import API_KEY, PASSWORD, isolate, make_qdrant


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(monkeypatch)


@pytest.fixture
def qdrant_path(tmp_path: Path) -> Path:
    return make_qdrant(tmp_path / "qdrant")


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def words(text: str) -> str:
    return " ".join(text.split())


def quality(path: Path, collection: str, point_id: int | str) -> QualityPayload | None:
    client = QdrantClient(path=str(path))
    try:
        (record,) = client.retrieve(collection, [point_id])
        return QualityPayload.parse((record.payload or {}).get("quality"))
    finally:
        client.close()


def test_backfill_projects_then_verify_and_project_repair(
    capsys: pytest.CaptureFixture[str], qdrant_path: Path, migrated_dsn: str
) -> None:
    where = ["--database-url", migrated_dsn, "--qdrant-path", str(qdrant_path)]
    every = ["--collection", "all"]
    code, out, _ = run(capsys, "backfill", *where, *every, "--project-to-qdrant")
    assert code == 1  # the four invalid points; everything else stored and projected
    assert "projected 7 (Qdrant payloads written)" in words(out)
    assert quality(qdrant_path, "archon_vectors", 7) is not None
    assert quality(qdrant_path, "archon_vectors", 9) is None  # invalid: not projected

    code, out, _ = run(capsys, "verify", "--qdrant", *where, *every)
    assert code == 0, out
    assert "verify --qdrant: every projection matches its row" in out

    # Break three points: one loses its payload, one gets an older, one a newer one.
    client = QdrantClient(path=str(qdrant_path))
    client.delete_payload("code_patterns", ["quality"], points=[data.U1])
    held = quality_of(client, "archon_vectors", 7)
    old = QualityPayload(held.score, held.tier, held.rubric, held.measured_at - timedelta(days=1))
    client.set_payload("archon_vectors", {"quality": old.to_payload()}, points=[7])
    new = QualityPayload(0.99, "excellent", "2.0.0", datetime.now(UTC) + timedelta(days=1))
    client.set_payload("quality_vectors", {"quality": new.to_payload()}, points=[100])
    client.close()

    code, out, _ = run(capsys, "verify", "--qdrant", "--json", *where, *every)
    doc = json.loads(out)
    assert code == 1 and doc["ok"] is False
    assert doc["qdrant"]["counts"] == {
        "ok": 4,
        "missing": 1,
        "stale": 1,
        "ahead": 1,
        "unscored": 4,
    }
    assert doc["qdrant"]["examples"]["missing"][0]["point_id"] == data.U1
    assert doc["qdrant"]["examples"]["ahead"][0]["pattern_id"] == data.legacy_id(100)
    code, out, _ = run(capsys, "verify", "--qdrant", *where, *every)
    assert code == 1 and "FAIL  stale" in out and "archon_vectors/7" in out

    code, out, _ = run(capsys, "project", "--changed-only", *where, *every)
    assert code == 0, out
    assert "written 3" in words(out) and "unchanged 4" in words(out)
    code, out, _ = run(capsys, "project", "--json", *where, *every)
    assert code == 0 and json.loads(out)["written"] == 7  # a full re-run rewrites every row
    code, _, _ = run(capsys, "verify", "--qdrant", *where, *every)
    assert code == 0


def quality_of(client: QdrantClient, collection: str, point_id: int | str) -> QualityPayload:
    (record,) = client.retrieve(collection, [point_id])
    parsed = QualityPayload.parse((record.payload or {}).get("quality"))
    assert parsed is not None
    return parsed


def test_backfill_lists_batches_stored_but_not_projected(
    capsys: pytest.CaptureFixture[str],
    qdrant_path: Path,
    migrated_dsn: str,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The projection goes to a Qdrant that is gone (a closed port); the rows must stay.
    url = f"https://127.0.0.1:{closed_port()}"

    def unreachable(self: QdrantPatternSource, **options: object) -> QdrantProjector:
        return QdrantProjector.from_url(url, api_key=API_KEY, timeout=2)

    monkeypatch.setattr(QdrantPatternSource, "projector", unreachable)
    where = ["--database-url", migrated_dsn, "--qdrant-path", str(qdrant_path)]
    code, out, _ = run(capsys, "backfill", *where, "--project-to-qdrant", "--batch-size", "2")
    assert code == 1
    assert "stored, not projected (2 batches, 4 rows)" in out
    assert "pattern-quality project" in out and url in out and API_KEY not in out
    code, out, err = run(
        capsys, "backfill", *where, "--project-to-qdrant", "--json", "--batch-size", "2"
    )
    doc = json.loads(out)
    assert code == 1 and doc["stored"] == 4 and len(doc["not_projected"]) == 2
    assert API_KEY not in out + err
    code, out, err = run(capsys, "backfill", *where, "-q", "--project-to-qdrant")
    assert code == 1 and out == "" and "stored, not projected (1 batch, 4 rows)" in err


def test_unreachable_qdrant_exits_2_with_the_url_and_no_key(
    capsys: pytest.CaptureFixture[str], migrated_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"https://127.0.0.1:{closed_port()}"
    monkeypatch.setenv("QDRANT_API_KEY", API_KEY)
    for argv in (["project"], ["verify", "--qdrant"]):
        code, out, err = run(capsys, *argv, "--database-url", migrated_dsn, "--qdrant-url", url)
        assert code == 2, argv
        assert url in err and API_KEY not in out + err, err


def test_configuration_errors_exit_2(
    capsys: pytest.CaptureFixture[str], qdrant_path: Path, migrated_dsn: str
) -> None:
    where = ["--database-url", migrated_dsn, "--qdrant-path", str(qdrant_path)]
    code, _, err = run(capsys, "project", *where, "--projection-key", "a.b")
    assert code == 2 and "--projection-key" in err and "plain identifier" in err
    code, _, err = run(capsys, "backfill", *where, "--project-to-qdrant", "--dry-run")
    assert code == 2 and "not with --dry-run" in err
    code, _, err = run(
        capsys, "project", *where, "--collection", "archon_vectors", "--page-size", "0"
    )
    assert code == 2 and "expected an integer >= 1" in err
    bad = migrated_dsn.replace("dbname=", "password=" + PASSWORD + " dbname=") + "_nope"
    code, out, err = run(
        capsys, "project", "--database-url", bad, "--qdrant-path", str(qdrant_path)
    )
    assert code == 2 and PASSWORD not in out + err
