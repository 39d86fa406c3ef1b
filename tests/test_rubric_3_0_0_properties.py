"""Rubric 3.0.0 properties (range, determinism, garbage) and its scores through the stores."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pattern_quality import PatternQualityScorer, QualityScore
from pattern_quality.errors import PatternValidationError
from pattern_quality.models import Finding, Pattern
from pattern_quality.sample import load_sample_patterns
from pattern_quality.scoring.analysis import LANGUAGES
from pattern_quality.scoring.rubric_3_0_0 import RUBRIC
from pattern_quality.storage.base import QualityStore
from pattern_quality.storage.rows import encode_metadata, metadata_json, stored_from_row
from pattern_quality.testing.strategies import patterns
from tests.stores import ID1, KINDS, open_store, store_kinds

_DIMENSIONS = {
    "completeness",
    "documentation",
    "onex_compliance",
    "metadata_richness",
    "complexity",
    "substance",
    "robustness",
}


def _check(pattern: Pattern) -> None:
    first: list[Finding] = []
    full = RUBRIC.score_full(pattern, first)
    values = (*full.dims, *(v for _, v in full.extra), full.composite)
    assert all(isinstance(v, float) and 0.0 <= v <= 1.0 for v in values)
    second: list[Finding] = []
    assert RUBRIC.score_full(pattern, second) == full
    assert RUBRIC.score_full(pattern) == full
    assert first == second
    assert {f.dimension for f in first} <= _DIMENSIONS


@settings(deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(patterns())
def test_scores_in_range_and_deterministic(pattern: Pattern) -> None:
    _check(pattern)


_TRICKY = st.lists(
    st.sampled_from(
        list("()[]{}:;,.'\"#\\`/*\n\t \0$-")
        + ["if ", "def ", "pass", "class ", "'''", "//", "/*", "--", "CREATE ", "set -e", "- a"]
        + ["except:", "try {", "} catch", "function ", ": any", "key: v", "\ufeff", "\udcff"]
    ),
    max_size=80,
).map("".join)


@settings(deadline=None, max_examples=200)
@given(st.one_of(st.text(max_size=300), _TRICKY), st.sampled_from((*LANGUAGES, "go", None)))
def test_garbage_and_fragments_never_raise(code: str, language: str | None) -> None:
    _check(Pattern.from_mapping({"code": code, "language": language}))


def test_sample_corpus_scores_in_range_and_every_tier_but_none_raises() -> None:
    scorer = PatternQualityScorer("3.0.0")
    scores = [scorer.score_pattern(p) for p in load_sample_patterns()]
    assert all(0.0 <= s.composite_score <= 1.0 for s in scores)
    assert len({s.tier for s in scores}) >= 3


def test_extra_scores_survive_metadata_json_and_back() -> None:
    score = PatternQualityScorer("3.0.0").score_pattern({"pattern_id": ID1, "code": "x = 1\n"})
    keys = [k for k, _ in score.extra_scores]
    assert keys == ["substance_score", "robustness_score"]
    meta = json.loads(metadata_json(score))
    assert meta == encode_metadata(score)
    assert meta["substance_score"] == dict(score.extra_scores)["substance_score"]
    row = (ID1, score.composite_score, 0.0, score.measurement_timestamp, "3.0.0", meta, None, None)
    back = stored_from_row(row)
    assert back.extra_scores == score.extra_scores
    assert back.dimension_scores == score.dimension_scores


def test_older_rubrics_store_no_extra_keys() -> None:
    score = PatternQualityScorer("2.0.0").score_pattern({"pattern_id": ID1, "code": "x = 1\n"})
    assert score.extra_scores == ()
    assert "substance_score" not in json.loads(metadata_json(score))


@pytest.mark.parametrize(
    "bad",
    [{"substance": 0.5}, {"substance_score": 1.5}, [("substance_score",)], "x"],
)
def test_extra_scores_are_validated(bad: object) -> None:
    base = PatternQualityScorer("3.0.0").score_pattern({"code": "x = 1\n"})
    fields = {k: v for k, v in base.to_dict().items() if k not in ("tier",)}
    fields["measurement_timestamp"] = base.measurement_timestamp
    fields["findings"] = base.findings
    fields["extra_scores"] = bad
    with pytest.raises(PatternValidationError):
        QualityScore(**fields)


@pytest.fixture(params=store_kinds(*KINDS))
def store(request: pytest.FixtureRequest) -> Iterator[QualityStore]:
    s = open_store(request.param, request)
    try:
        yield s
    finally:
        s.close()


def test_stores_keep_the_extra_dimensions(store: QualityStore) -> None:
    score = PatternQualityScorer("3.0.0").score_pattern(
        {"pattern_id": ID1, "code": "def f(x: int) -> int:\n    return x + 1\n"}
    )
    assert store.upsert([score]) == 1
    row = store.get(ID1)
    assert row is not None
    assert row.version == "3.0.0"
    assert row.extra_scores == score.extra_scores
    assert row.composite_score == score.composite_score
