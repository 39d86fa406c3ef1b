"""PatternQualityScorer: the public entry point, its composite, and its robustness."""

from __future__ import annotations

import json
import math
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pattern_quality import (
    EXCELLENT_THRESHOLD,
    FAIR_THRESHOLD,
    GOOD_THRESHOLD,
    WEIGHTS,
    Pattern,
    PatternQualityScorer,
    PatternValidationError,
    QualityScore,
    Tier,
    available_rubrics,
)
from pattern_quality.sample import load_sample_patterns
from pattern_quality.scoring import DEFAULT_RUBRIC, rubric_2_0_0, rubric_3_0_0
from pattern_quality.testing.strategies import invalid_pattern_mappings, pattern_mappings
from tests import legacy_rubric

# The tests below pin rubric 1.0.0's legacy floats; the default (3.0.0) is checked in
# test_default_rubric_is_3_0_0 and tests/test_rubric_3_0_0*.py, 2.0.0 in
# test_rubric_2_0_0_stays_available_with_its_own_composite and tests/test_rubric_2_0_0*.py.
SCORER = PatternQualityScorer(rubric="1.0.0")
BULK = PatternQualityScorer(rubric="1.0.0", explain=False)

_SCORE_KEYS = (
    "completeness_score",
    "documentation_score",
    "onex_compliance_score",
    "metadata_richness_score",
    "complexity_score",
)

FULL = {
    "pattern_id": "7f1c9b3e-2b1a-4c1e-9a51-1d2f3e4a5b6c",
    "pattern_name": "UserEffect",
    "node_type": "effect",
    "code": (
        '"""D."""\nimport os\n# c\nasync def execute_effect(x: int): raise NotImplementedError'
    ),
    "text": "t" * 101,
    "use_cases": ["a"],
    "examples": ["b", "c"],
    "metadata": {"complexity": "low", "a": 1, "b": 2, "c": 3},
    "confidence": 0.9,
}


def test_public_constants() -> None:
    assert dict(WEIGHTS) == {
        "completeness": 0.30,
        "documentation": 0.25,
        "onex_compliance": 0.20,
        "metadata_richness": 0.15,
        "complexity": 0.10,
    }
    assert PatternQualityScorer.WEIGHTS is WEIGHTS
    assert (EXCELLENT_THRESHOLD, GOOD_THRESHOLD, FAIR_THRESHOLD) == (0.9, 0.7, 0.5)
    assert PatternQualityScorer.EXCELLENT_THRESHOLD == 0.9
    assert available_rubrics() == ("1.0.0", "2.0.0", "3.0.0")
    assert DEFAULT_RUBRIC == "3.0.0"
    assert PatternQualityScorer(rubric="1.0.0").rubric_version == "1.0.0"
    assert PatternQualityScorer(rubric="2.0.0").rubric_version == "2.0.0"


def test_default_rubric_is_3_0_0() -> None:
    default = PatternQualityScorer()
    assert default.rubric_version == "3.0.0"
    pattern = Pattern.from_mapping(FULL)
    score = default.score_pattern(pattern)
    full = rubric_3_0_0.RUBRIC.score_full(pattern)
    assert score.version == "3.0.0"
    assert (
        score.completeness_score,
        score.documentation_score,
        score.onex_compliance_score,
        score.metadata_richness_score,
        score.complexity_score,
    ) == tuple(full.dims)
    assert score.extra_scores == full.extra
    c, d, o, m, x = full.dims
    s, r = (v for _, v in full.extra)
    weighted = c * 0.10 + d * 0.20 + o * 0.10 + m * 0.05 + x * 0.10 + s * 0.25 + r * 0.20
    assert score.composite_score == weighted
    # execute_effect's body is only `raise NotImplementedError`: a stub.
    assert ("completeness", "stub") in {(f.dimension, f.rule) for f in score.findings}


def test_rubric_2_0_0_stays_available_with_its_own_composite() -> None:
    pattern = Pattern.from_mapping(FULL)
    score = PatternQualityScorer("2.0.0").score_pattern(pattern)
    assert score.version == "2.0.0"
    assert tuple(rubric_2_0_0.RUBRIC.score(pattern)) == (
        score.completeness_score,
        score.documentation_score,
        score.onex_compliance_score,
        score.metadata_richness_score,
        score.complexity_score,
    )
    assert score.composite_score == _weighted(score)
    assert score.extra_scores == ()
    assert score.composite_score != SCORER.score_pattern(pattern).composite_score


def test_unknown_rubric_is_a_value_error() -> None:
    with pytest.raises(
        ValueError, match=r"unknown rubric '9\.9\.9'; known rubrics: 1\.0\.0, 2\.0\.0, 3\.0\.0"
    ):
        PatternQualityScorer(rubric="9.9.9")


def test_worked_example() -> None:
    before = datetime.now(UTC)
    score = SCORER.score_pattern(FULL)
    after = datetime.now(UTC)
    assert score.dimension_scores == {
        "completeness_score": 0.7900000000000001,  # 1 - .2 - .2 + (.1 + .05 + .04)
        "documentation_score": 0.8500000000000001,  # .4 + .05 + .2 + .2
        "onex_compliance_score": 1.0,  # .7 + .15 + .15
        "metadata_richness_score": 0.7333333333333334,  # 1/3*.4 + .3 + .3
        "complexity_score": 1.0,  # declared low, 0 branch keywords
    }
    assert score.composite_score == 0.8595
    assert score.tier is Tier.GOOD
    assert (score.pattern_id, score.pattern_name) == (FULL["pattern_id"], "UserEffect")
    assert (score.confidence, score.version) == (0.9, "1.0.0")
    assert before <= score.measurement_timestamp <= after
    assert score.measurement_timestamp.tzinfo is UTC
    assert SCORER.score_pattern(Pattern.from_mapping(FULL)).composite_score == 0.8595


def test_composite_sums_in_spec_order() -> None:
    # dims (0.0, 0.0, 0.7, 1/3*0.4, 0.4): left to right gives 0.19999999999999998,
    # summing the other way round would give 0.2.
    score = SCORER.score_pattern({"node_type": "effect", "use_cases": ["u"]})
    assert score.composite_score == 0.19999999999999998
    assert score.tier is Tier.POOR


@pytest.mark.parametrize(
    ("data", "tier"),
    [
        ({}, Tier.POOR),  # 0.3*0.2 + 0.4*0.1 = 0.1
        (FULL, Tier.GOOD),
        (
            {
                **FULL,
                "code": '"""D."""\nimport os\n# c\n# d\n# e\n# f\n'
                "async def execute_effect(x: int):\n" + "    y = 1\n" * 12,
                "use_cases": ["a", "b", "c"],
            },
            Tier.EXCELLENT,
        ),
    ],
)
def test_tiers(data: dict[str, Any], tier: Tier) -> None:
    assert SCORER.score_pattern(data).tier is tier


def test_legacy_crashers_score() -> None:
    # None everywhere crashed the legacy scorer on 6.6 % of a corpus.
    data = dict.fromkeys(FULL)
    score = SCORER.score_pattern(data)
    assert score.composite_score == 0.1  # 0.0 + 0.0 + 0.3*0.2 + 0.0 + 0.4*0.1
    assert score.confidence == 0.0
    assert score.pattern_id is None


def test_explain_off_has_no_findings_and_the_same_scores() -> None:
    with_findings = SCORER.score_pattern(FULL)
    without = BULK.score_pattern(FULL)
    assert without.findings == ()
    assert len(with_findings.findings) == 16
    for key in ("composite_score", *_SCORE_KEYS):
        assert getattr(without, key) == getattr(with_findings, key)
    assert "signature:execute_effect" in with_findings.explain()


def test_score_many_is_lazy_and_ordered() -> None:
    consumed: list[int] = []

    def source() -> Iterator[dict[str, Any]]:
        for i in range(3):
            consumed.append(i)
            yield {"pattern_name": f"P{i}", "code": "x" * i}
        raise AssertionError("read past the end")

    scores = SCORER.score_many(source())
    assert consumed == []
    assert [next(scores).pattern_name for _ in range(2)] == ["P0", "P1"]
    assert consumed == [0, 1]


def test_score_many_raises_for_an_invalid_pattern_when_reached() -> None:
    scores = SCORER.score_many([{"code": "x"}, {"code": 5}])
    assert next(scores).completeness_score == 1.0
    with pytest.raises(PatternValidationError, match="code"):
        next(scores)


@pytest.mark.parametrize("data", [None, [], "code", 3, ("a", "b")])
def test_non_mapping_is_rejected(data: object) -> None:
    with pytest.raises(PatternValidationError, match="pattern: expected a mapping"):
        SCORER.score_pattern(data)  # type: ignore[arg-type]


@given(invalid_pattern_mappings())
def test_wrong_types_are_validation_errors(data: dict[str, Any]) -> None:
    with pytest.raises(PatternValidationError):
        SCORER.score_pattern(data)


def test_huge_integer_confidence_is_a_validation_error() -> None:
    # json.loads("1" + "0" * 400) is a valid JSON-like value.
    with pytest.raises(PatternValidationError, match="confidence"):
        SCORER.score_pattern({"confidence": 10**400})


def test_huge_integer_pattern_id_is_a_validation_error() -> None:
    with pytest.raises(PatternValidationError, match="pattern_id.*too large"):
        SCORER.score_pattern({"pattern_id": 10**5000})


_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
_KEYS = st.sampled_from(
    [
        "pattern_id",
        "pattern_name",
        "code",
        "text",
        "metadata",
        "node_type",
        "use_cases",
        "examples",
        "confidence",
    ]
) | st.text(max_size=10)


@settings(max_examples=500)
@given(st.dictionaries(_KEYS, _JSON, max_size=10))
def test_any_json_like_mapping_scores_or_is_a_validation_error(data: dict[str, Any]) -> None:
    try:
        score = BULK.score_pattern(data)
    except PatternValidationError as exc:
        assert str(exc)
        return
    assert isinstance(score, QualityScore)
    assert 0.0 <= score.composite_score <= 1.0


def _weighted(score: QualityScore) -> float:
    return (
        score.completeness_score * 0.30
        + score.documentation_score * 0.25
        + score.onex_compliance_score * 0.20
        + score.metadata_richness_score * 0.15
        + score.complexity_score * 0.10
    )


@settings(max_examples=300)
@given(pattern_mappings())
def test_scores_in_range_composite_in_order_and_deterministic(data: dict[str, Any]) -> None:
    first = SCORER.score_pattern(data)
    again = SCORER.score_pattern(json.loads(json.dumps(data)))
    for key in ("composite_score", *_SCORE_KEYS, "confidence"):
        value = getattr(first, key)
        assert 0.0 <= value <= 1.0 and math.isfinite(value)
        assert getattr(again, key) == value
    assert first.composite_score == _weighted(first)
    assert first.findings == again.findings
    assert first.tier is Tier.from_score(first.composite_score)


@settings(max_examples=300)
@given(pattern_mappings())
def test_equals_naive_legacy_scorer(data: dict[str, Any]) -> None:
    score = BULK.score_pattern(data)
    legacy = legacy_rubric.score_pattern(data)
    for key in ("composite_score", *_SCORE_KEYS):
        assert getattr(score, key) == legacy[key], key


def test_bundled_sample_equals_naive_legacy_scorer() -> None:
    patterns = load_sample_patterns()
    assert len(patterns) >= 1000
    for data in patterns:
        score = BULK.score_pattern(data)
        legacy = legacy_rubric.score_pattern(data)
        for key in ("composite_score", *_SCORE_KEYS):
            assert getattr(score, key) == legacy[key], (data.get("pattern_id"), key)
