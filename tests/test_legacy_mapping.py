"""The legacy payload mapping's Python ``or`` semantics (docs/legacy.md#qdrant-points-to-patterns).

The legacy backfill chained the alternate payload keys with ``or``, so an empty
string or ``0.0`` fell back to the alternate field. Stored rows were computed
that way; one test per field that falls back, and the worked example of
issue 13 under rubric 1.0.0.
"""

from __future__ import annotations

from typing import Any

import pytest

from pattern_quality import PatternQualityScorer
from pattern_quality.sources.mapping import point_to_pattern


@pytest.mark.parametrize("empty", [None, ""])
def test_code_falls_back_to_content_preview_when_empty(empty: Any) -> None:
    pattern = point_to_pattern("archon_vectors", 1, {"code": empty, "content_preview": "x = 1"})
    assert pattern.code == "x = 1"


def test_code_is_kept_when_non_empty() -> None:
    pattern = point_to_pattern("c", 1, {"code": "y = 2", "content_preview": "x = 1"})
    assert pattern.code == "y = 2"


def test_code_is_empty_when_both_are_empty() -> None:
    assert point_to_pattern("c", 1, {"code": "", "content_preview": ""}).code == ""


@pytest.mark.parametrize("empty", [None, ""])
def test_text_falls_back_to_description_when_empty(empty: Any) -> None:
    pattern = point_to_pattern("c", 1, {"text": empty, "description": "a description"})
    assert pattern.text == "a description"


def test_text_is_kept_when_non_empty() -> None:
    assert point_to_pattern("c", 1, {"text": "t", "description": "d"}).text == "t"


@pytest.mark.parametrize("empty", [None, ""])
def test_node_type_falls_back_to_first_node_types_when_empty(empty: Any) -> None:
    pattern = point_to_pattern("c", 1, {"node_type": empty, "node_types": ["reducer", "effect"]})
    assert pattern.node_type == "reducer"


def test_node_type_is_kept_when_non_empty() -> None:
    pattern = point_to_pattern("c", 1, {"node_type": "effect", "node_types": ["reducer"]})
    assert pattern.node_type == "effect"


def test_empty_node_type_without_node_types_is_none() -> None:
    assert point_to_pattern("c", 1, {"node_type": "", "node_types": []}).node_type is None


@pytest.mark.parametrize("zero", [None, 0.0, 0])
def test_confidence_falls_back_to_pattern_confidence_when_zero(zero: Any) -> None:
    pattern = point_to_pattern("c", 1, {"confidence": zero, "pattern_confidence": 0.75})
    assert pattern.confidence == 0.75


def test_confidence_is_kept_when_non_zero() -> None:
    pattern = point_to_pattern("c", 1, {"confidence": 0.5, "pattern_confidence": 0.75})
    assert pattern.confidence == 0.5


def test_confidence_is_zero_when_both_are_zero() -> None:
    assert point_to_pattern("c", 1, {"confidence": 0.0, "pattern_confidence": 0}).confidence == 0.0


def test_pattern_name_defaults_only_when_missing_or_null() -> None:
    assert point_to_pattern("c", 1, {"pattern_name": None}).pattern_name == "unnamed_pattern"
    assert point_to_pattern("c", 1, {}).pattern_name == "unnamed_pattern"
    assert point_to_pattern("c", 1, {"pattern_name": "A"}).pattern_name == "A"


def test_issue_example_scores_as_legacy_under_rubric_1_0_0() -> None:
    payload = {"code": "", "content_preview": "import os\nclass A:\n    pass"}
    score = PatternQualityScorer("1.0.0").score_pattern(point_to_pattern("c", 1, payload))
    assert round(score.composite_score, 3) == 0.444
    empty = PatternQualityScorer("1.0.0").score_pattern(point_to_pattern("c", 1, {"code": ""}))
    assert round(empty.composite_score, 3) == 0.1
