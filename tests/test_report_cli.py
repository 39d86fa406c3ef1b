"""``pattern-quality report`` and the notebook helpers in ``pattern_quality.explore``."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from pathlib import Path

import pytest

from pattern_quality import (
    InMemoryQualityStore,
    PatternQualityScorer,
    PostgresQualityStore,
    QualityScore,
    Tier,
)
from pattern_quality.cli import main
from pattern_quality.cli.report import histogram
from pattern_quality.explore import COLUMNS, load_metrics, plot_distribution, tier_counts
from pattern_quality.models import DIMENSION_KEYS
from pattern_quality.sample import load_sample_patterns

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture
def scores() -> list[QualityScore]:
    return list(PatternQualityScorer(explain=False).score_many(load_sample_patterns()[:300]))


@pytest.fixture
def stored_dsn(migrated_dsn: str, scores: list[QualityScore]) -> Iterator[str]:
    with PostgresQualityStore(migrated_dsn) as store:
        store.upsert(scores)
    yield migrated_dsn


def test_report_json_matches_the_rows(
    stored_dsn: str, scores: list[QualityScore], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--database-url", stored_dsn, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)

    n = len(scores)
    assert doc["count"] == n
    for tier in Tier:
        count = sum(1 for s in scores if s.tier is tier)
        assert doc["tiers"][tier.value] == {"count": count, "percent": 100.0 * count / n}
    for key in DIMENSION_KEYS:
        expected = math.fsum(getattr(s, key) for s in scores) / n
        assert doc["dimension_averages"][key] == pytest.approx(expected, rel=1e-12)
    bins = [0] * 10
    for s in scores:
        bins[min(int(s.composite_score * 10), 9)] += 1
    assert [b["count"] for b in doc["histogram"]] == bins
    assert doc["histogram"][0]["bin"] == "0.0-0.1" and doc["histogram"][9]["bin"] == "0.9-1.0"
    assert doc["versions"] == ["3.0.0"]  # the default rubric


def test_report_text_and_plot(
    stored_dsn: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    png = tmp_path / "dist.png"
    assert main(["report", "--database-url", stored_dsn, "--plot", str(png)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("300 stored scores (rubric 3.0.0)")
    assert "composite histogram" in out and "dimension averages" in out
    data = png.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 10_000


def test_report_on_an_unmigrated_database_says_to_migrate(
    empty_dsn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["report", "--database-url", empty_dsn]) == 2
    assert "pattern-quality migrate" in capsys.readouterr().err


def test_histogram_edges() -> None:
    assert histogram([0.0, 0.0999, 0.1, 0.7, 0.9999, 1.0]) == [2, 1, 0, 0, 0, 0, 0, 1, 0, 2]


def test_load_metrics_from_a_dsn(stored_dsn: str, scores: list[QualityScore]) -> None:
    df = load_metrics(stored_dsn)
    assert list(df.columns) == list(COLUMNS)
    assert len(df) == len(scores)
    assert list(df["pattern_id"]) == sorted(s.pattern_id for s in scores if s.pattern_id)
    by_id = {s.pattern_id: s for s in scores}
    first = df.iloc[0]
    assert first["composite_score"] == by_id[first["pattern_id"]].composite_score
    assert first["tier"] == by_id[first["pattern_id"]].tier.value
    assert str(df["measurement_timestamp"].dt.tz) == "UTC"


def test_tier_counts_and_plot_from_a_store(scores: list[QualityScore]) -> None:
    store = InMemoryQualityStore()
    store.upsert(scores)
    df = load_metrics(store)
    counts = tier_counts(df)
    assert list(counts.index) == [t.value for t in Tier]
    for tier in Tier:
        assert counts.loc[tier.value, "count"] == sum(1 for s in scores if s.tier is tier)
    assert counts["percent"].sum() == pytest.approx(100.0)
    fig = plot_distribution(df)
    assert len(fig.axes) == 2
    assert fig.axes[0].get_xlabel() == "composite score"


def test_empty_store() -> None:
    df = load_metrics(InMemoryQualityStore())
    assert len(df) == 0 and list(df.columns) == list(COLUMNS)
    assert tier_counts(df)["count"].sum() == 0
    assert len(plot_distribution(df).axes) == 2


def test_importing_the_package_does_not_import_pandas_or_matplotlib() -> None:
    import subprocess
    import sys

    code = (
        "import sys, pattern_quality; "
        "bad = [m for m in ('pandas', 'matplotlib', 'hypothesis') if m in sys.modules]; "
        "print(','.join(bad))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == ""
