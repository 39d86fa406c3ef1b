"""report.summarize / format_summary: counts, averages and the rendered table."""

from __future__ import annotations

from datetime import UTC, datetime

from pattern_quality import QualityScore
from pattern_quality.report import SummaryBuilder, format_summary, summarize

WHEN = datetime(2026, 1, 2, tzinfo=UTC)


def _score(composite: float, dimension: float = 0.5) -> QualityScore:
    return QualityScore(
        pattern_id=None,
        pattern_name="p",
        composite_score=composite,
        completeness_score=dimension,
        documentation_score=0.25,
        onex_compliance_score=0.3,
        metadata_richness_score=0.0,
        complexity_score=1.0,
        measurement_timestamp=WHEN,
    )


def test_summary_counts_and_averages() -> None:
    scores = [_score(0.95, 1.0), _score(0.9), _score(0.7), _score(0.69), _score(0.1, 0.0)]
    summary = summarize(iter(scores))
    assert summary.total == 5
    assert dict(summary.tier_counts) == {"excellent": 2, "good": 1, "fair": 1, "poor": 1}
    assert summary.tier_percent("excellent") == 40.0
    assert summary.dimension_averages["completeness_score"] == 0.5  # (1 + .5*3 + 0) / 5
    assert summary.dimension_averages["complexity_score"] == 1.0
    assert summary.dimension_averages["composite_score"] == 0.6679999999999999  # 3.34 / 5
    assert summary.versions == ("1.0.0",)


def test_empty_summary() -> None:
    summary = summarize([])
    assert summary.total == 0
    assert set(summary.tier_counts.values()) == {0}
    assert summary.tier_percent("poor") == 0.0
    assert set(summary.dimension_averages.values()) == {0.0}
    assert format_summary(summary).splitlines()[0] == "Scored 0 patterns (rubric -)"


def test_builder_averages_stay_exact_past_the_fold() -> None:
    builder = SummaryBuilder()
    for _ in range(10_000):
        builder.add(_score(0.1, 0.1))
    summary = builder.summary()
    assert summary.total == 10_000
    assert summary.dimension_averages["completeness_score"] == 0.1
    assert summary.tier_counts["poor"] == 10_000


def test_format_summary() -> None:
    text = format_summary(summarize([_score(0.95), _score(0.6), _score(0.6), _score(0.2)]))
    assert text.splitlines() == [
        "Scored 4 patterns (rubric 1.0.0)",
        "",
        "tier         count   share",
        "excellent        1   25.0%  ##########",
        "good             0    0.0%",
        "fair             2   50.0%  ####################",
        "poor             1   25.0%  ##########",
        "",
        "dimension averages",
        "  completeness       0.500",
        "  documentation      0.250",
        "  onex_compliance    0.300",
        "  metadata_richness  0.000",
        "  complexity         1.000",
        "  composite          0.588",
    ]
    assert format_summary(summarize([]), title="T").splitlines()[0] == "T"
