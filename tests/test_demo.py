"""``pattern-quality demo``: the whole product on the embedded default, twice."""

from __future__ import annotations

import os
import subprocess
import sys
from collections import Counter
from pathlib import Path

import psycopg
import pytest

from pattern_quality import PatternQualityScorer, Tier
from pattern_quality.cli import main
from pattern_quality.embedded import default_data_dir, start_embedded
from pattern_quality.sample import load_sample_patterns

SAMPLE_SIZE = len(load_sample_patterns())


def _expected_tiers() -> dict[str, int]:
    scorer = PatternQualityScorer(explain=False)
    tiers = Counter(s.tier.value for s in scorer.score_many(load_sample_patterns()))
    return {t.value: tiers[t.value] for t in Tier}


def _printed_tiers(out: str) -> dict[str, int]:
    lines = out.splitlines()
    start = lines.index(f"Stored quality of {SAMPLE_SIZE:,} patterns")
    assert lines[start + 2].split() == ["tier", "count", "share"]
    rows = {}
    for line in lines[start + 3 : start + 7]:
        tier, count, *_ = line.split()
        rows[tier] = int(count.replace(",", ""))
    return rows


def _run_demo(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in {
            "DATABASE_URL",
            "HOST_DATABASE_URL",
            "PATTERN_QUALITY_DATABASE_URL",
            "PATTERN_QUALITY_DATA_DIR",
        }
    }
    env["PATTERN_QUALITY_EMBEDDED"] = "1"
    env["HOME"] = str(cwd)  # the per-user data directory goes under the test's folder
    env.pop("XDG_DATA_HOME", None)
    return subprocess.run(
        [sys.executable, "-m", "pattern_quality", "demo"],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
def test_demo_twice_on_the_embedded_default(embedded_server_dir: Path) -> None:
    tmp_path = embedded_server_dir
    first = _run_demo(tmp_path)
    assert first.returncode == 0, first.stderr
    assert "using the embedded PostgreSQL" in first.stderr
    assert "Warning" not in first.stderr
    assert "2. migrations: applied 012" in first.stdout
    assert f"rows 0 -> {SAMPLE_SIZE:,}" in first.stdout
    assert _printed_tiers(first.stdout) == _expected_tiers()

    second = _run_demo(tmp_path)
    assert second.returncode == 0, second.stderr
    assert "2. migrations: up to date" in second.stdout
    assert f"rows {SAMPLE_SIZE:,} -> {SAMPLE_SIZE:,}" in second.stdout
    assert "5. verify: no duplicates" in second.stdout

    # Look at the kept data directly: one row per sample pattern, no duplicates.
    services = start_embedded(default_data_dir({"HOME": str(tmp_path)}))
    try:
        with psycopg.connect(services.database_url) as conn:
            rows, distinct = conn.execute(
                "SELECT count(*), count(DISTINCT pattern_id) FROM pattern_quality_metrics"
            ).fetchone() or (None, None)
    finally:
        services.stop()
    assert rows == distinct == SAMPLE_SIZE


def test_a_configured_url_wins(
    empty_dsn: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["demo", "--database-url", empty_dsn, "--data-dir", str(tmp_path)]) == 0
    captured = capsys.readouterr()
    assert "embedded" not in captured.err
    assert not (tmp_path / "postgres").exists()
    assert (tmp_path / "qdrant").is_dir()
    assert _printed_tiers(captured.out) == _expected_tiers()
    with psycopg.connect(empty_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM pattern_quality_metrics").fetchone() == (
            SAMPLE_SIZE,
        )


def test_embedded_default_can_be_turned_off(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("DATABASE_URL", "HOST_DATABASE_URL", "PATTERN_QUALITY_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATTERN_QUALITY_EMBEDDED", "0")
    assert main(["demo", "--data-dir", str(tmp_path)]) == 2
    assert "embedded default is off" in capsys.readouterr().err
    assert not (tmp_path / "postgres").exists()


def test_embedded_start_failure_says_how_to_use_a_server(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("DATABASE_URL", "HOST_DATABASE_URL", "PATTERN_QUALITY_DATABASE_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("PATTERN_QUALITY_EMBEDDED", "1")
    blocker = tmp_path / "not-a-directory"
    blocker.write_text("a file where the data directory should be")
    assert main(["migrate", "--data-dir", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert "could not start the embedded PostgreSQL" in err
    assert "--database-url" in err


def test_backfill_uses_the_local_qdrant_of_the_embedded_default(
    migrated_dsn: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from qdrant_client import QdrantClient

    from pattern_quality.sample import seed_qdrant

    monkeypatch.delenv("QDRANT_URL", raising=False)
    monkeypatch.setenv("PATTERN_QUALITY_EMBEDDED", "1")
    client = QdrantClient(path=str(tmp_path / "qdrant"))
    seeded = seed_qdrant(client)
    client.close()

    args = ["backfill", "--database-url", migrated_dsn, "--data-dir", str(tmp_path), "--json"]
    assert main(args) == 0
    captured = capsys.readouterr()
    assert f"using the local Qdrant in {tmp_path / 'qdrant'}" in captured.err
    assert '"stored": ' + str(seeded) in captured.out

    # With the embedded default off, a Qdrant must be configured.
    monkeypatch.setenv("PATTERN_QUALITY_EMBEDDED", "0")
    assert main(args) == 2
    assert "no Qdrant configured" in capsys.readouterr().err
