"""``backfill --collection all`` (the legacy collections that exist) and ``'*'`` (every one)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from qdrant_client import QdrantClient

from tests import qdrant_data as data
from tests.cli_backfill_runs import _count, _run, isolate


@pytest.fixture(autouse=True)
def _isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    isolate(monkeypatch)


@pytest.fixture
def demo_like(tmp_path: Path) -> Path:
    """What ``make demo`` leaves: code_patterns and execution_patterns, plus one other."""
    path = tmp_path / "qdrant"
    client = QdrantClient(path=str(path))
    data.populate_many(client, "code_patterns", 6)
    data.populate_many(client, "execution_patterns", 4, start=100)
    data.populate_many(client, "my_patterns", 3, start=200)
    client.close()
    return path


def test_all_reads_the_legacy_collections_that_exist_and_notes_the_rest(
    capsys: pytest.CaptureFixture[str], demo_like: Path, migrated_dsn: str
) -> None:
    code, out, err = _run(
        capsys, "--qdrant-path", str(demo_like), "--database-url", migrated_dsn,
        "--collection", "all", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert err == (
        "pattern-quality: --collection all: not found, skipped: archon_vectors, "
        "quality_vectors; reading code_patterns, execution_patterns\n"
    )
    report = json.loads(out)
    assert report["collections"] == ["code_patterns", "execution_patterns"]
    assert report["stored"] == _count(migrated_dsn) == 10


def test_all_quiet_has_no_note(
    capsys: pytest.CaptureFixture[str], demo_like: Path, migrated_dsn: str
) -> None:
    code, _, err = _run(
        capsys, "--qdrant-path", str(demo_like), "--database-url", migrated_dsn,
        "--collection", "all", "-q",
    )  # fmt: skip
    assert (code, err) == (0, "")


def test_star_reads_every_collection(
    capsys: pytest.CaptureFixture[str], demo_like: Path, migrated_dsn: str
) -> None:
    code, out, err = _run(
        capsys, "--qdrant-path", str(demo_like), "--database-url", migrated_dsn,
        "--collection", "*", "--collection", "code_patterns", "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["collections"] == ["code_patterns", "execution_patterns", "my_patterns"]
    assert _count(migrated_dsn) == 13


def test_all_with_no_legacy_collection_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, migrated_dsn: str
) -> None:
    path = tmp_path / "other"
    client = QdrantClient(path=str(path))
    data.populate_many(client, "my_patterns", 2)
    client.close()
    code, out, err = _run(
        capsys, "--qdrant-path", str(path), "--database-url", migrated_dsn, "--collection", "all"
    )
    assert (code, out) == (2, "")
    assert err.startswith("pattern-quality: error: --collection all: none of code_patterns, ")
    assert "(available: my_patterns; --collection '*' reads every collection)" in err
    assert _count(migrated_dsn) == 0


def test_star_on_an_empty_qdrant_exits_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, migrated_dsn: str
) -> None:
    QdrantClient(path=str(tmp_path / "empty")).close()
    code, _, err = _run(
        capsys, "--qdrant-path", str(tmp_path / "empty"), "--database-url", migrated_dsn,
        "--collection", "*",
    )  # fmt: skip
    assert code == 2
    assert "--collection '*': there is no collection in" in err


def test_a_named_missing_collection_still_fails(
    capsys: pytest.CaptureFixture[str], demo_like: Path, migrated_dsn: str
) -> None:
    code, _, err = _run(
        capsys, "--qdrant-path", str(demo_like), "--database-url", migrated_dsn,
        "--collection", "all", "--collection", "archon_vectors",
    )  # fmt: skip
    assert code == 2
    assert "'archon_vectors' not found" in err
