"""A dimension at 0.000 always has a finding saying why, under every rubric."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pattern_quality import PatternQualityScorer, QualityScore
from pattern_quality.sample import load_sample_patterns
from pattern_quality.scoring import available_rubrics
from pattern_quality.scoring.zero_findings import NOTHING_FOUND, ZERO_REASONS, explain_zeros
from pattern_quality.testing.strategies import pattern_mappings

RUBRICS = available_rubrics()
SCORERS = {v: PatternQualityScorer(v) for v in RUBRICS}
QUIET = {v: PatternQualityScorer(v, explain=False) for v in RUBRICS}


def _silent_zeros(score: QualityScore) -> list[str]:
    """Dimensions that display as 0.000 and have no finding."""
    explained = {f.dimension for f in score.findings}
    return [
        key.removesuffix("_score")
        for key, value in score.dimension_scores.items()
        if f"{value:.3f}" == "0.000" and key.removesuffix("_score") not in explained
    ]


def _check(version: str, pattern: dict[str, Any]) -> QualityScore:
    score = SCORERS[version].score_pattern(pattern)
    assert _silent_zeros(score) == []
    for finding in score.findings:
        if finding.rule == NOTHING_FOUND:
            assert finding.effect == 0.0
            assert score.dimension_scores[f"{finding.dimension}_score"] == 0.0
            assert finding.detail
    # The finding explains a score; it never changes one.
    quiet = QUIET[version].score_pattern(pattern)
    assert quiet.composite_score == score.composite_score
    assert quiet.dimension_scores == score.dimension_scores
    return score


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(version=st.sampled_from(RUBRICS), pattern=pattern_mappings())
def test_every_zero_dimension_has_a_finding(version: str, pattern: dict[str, Any]) -> None:
    _check(version, pattern)


@pytest.mark.parametrize("version", RUBRICS)
def test_zero_dimensions_of_the_sample_and_of_nothing(version: str) -> None:
    added = 0
    for pattern in [{}, {"code": ""}, {"code": "x = 1"}, *load_sample_patterns()[:200]]:
        score = _check(version, dict(pattern))
        added += sum(f.rule == NOTHING_FOUND for f in score.findings)
    assert added > 0  # the rubrics do leave zero dimensions unexplained on their own


@pytest.mark.parametrize("version", RUBRICS)
def test_an_empty_pattern_says_what_metadata_richness_lacked(version: str) -> None:
    score = SCORERS[version].score_pattern({})
    notes = [f for f in score.findings if f.dimension == "metadata_richness"]
    assert [f.rule for f in notes] == [NOTHING_FOUND]
    assert notes[0].detail == ZERO_REASONS[version]["metadata_richness"]
    assert "nothing_found - no use cases" in score.explain()


def test_explain_zeros_keeps_the_rubric_findings_and_adds_one_per_silent_zero() -> None:
    from pattern_quality.models import Finding

    mine = Finding("documentation", "docstrings", 0.0, "0/1 documented")
    out = explain_zeros(
        "9.9.9",
        [("documentation", 0.0), ("complexity_score", 0.0), ("substance", 0.4)],
        [mine],
    )
    assert out[0] is mine
    assert [(f.dimension, f.rule) for f in out[1:]] == [("complexity", NOTHING_FOUND)]
    assert out[1].detail == "nothing that rubric 9.9.9 rewards in complexity was found"
    assert explain_zeros("1.0.0", [("documentation", 0.5)], [mine]) == (mine,)
