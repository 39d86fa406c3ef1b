"""The Hypothesis strategies shipped in pattern_quality.testing.strategies."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from pattern_quality import Pattern, QualityScore
from pattern_quality.testing.strategies import (
    aware_datetimes,
    pattern_mappings,
    patterns,
    quality_scores,
    uuids,
)

POOL = ["00000000-0000-4000-8000-000000000001", "00000000-0000-4000-8000-000000000002"]
STAMP = datetime(2030, 5, 6, 7, 8, 9, 123456, tzinfo=UTC)


@given(uuids())
def test_uuids_parse(value: str) -> None:
    assert isinstance(uuid.UUID(value), uuid.UUID)


@given(uuids(canonical=True))
def test_canonical_uuids_are_canonical(value: str) -> None:
    assert str(uuid.UUID(value)) == value


@given(aware_datetimes())
def test_aware_datetimes(value: datetime) -> None:
    assert value.tzinfo is UTC
    assert value.fold == 0
    assert datetime(2000, 1, 1, tzinfo=UTC) <= value < datetime(2101, 1, 1, tzinfo=UTC)


@given(patterns())
def test_patterns_are_patterns(pattern: Pattern) -> None:
    assert isinstance(pattern, Pattern)
    assert pattern.pattern_id is None or uuid.UUID(pattern.pattern_id)


@given(quality_scores(pattern_ids=st.sampled_from(POOL), timestamps=st.just(STAMP)))
def test_quality_scores_draw_from_the_given_pools(score: QualityScore) -> None:
    assert score.pattern_id in POOL
    assert score.measurement_timestamp == STAMP
    assert "\x00" not in score.pattern_name
    assert score.composite_score == (
        score.completeness_score * 0.30
        + score.documentation_score * 0.25
        + score.onex_compliance_score * 0.20
        + score.metadata_richness_score * 0.15
        + score.complexity_score * 0.10
    )


@given(st.data())
def test_pattern_mappings_accept_none_ids(data: st.DataObject) -> None:
    mapping: dict[str, Any] = data.draw(pattern_mappings(pattern_ids=st.none()))
    assert mapping.get("pattern_id") is None
