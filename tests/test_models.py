"""Models: validation at construction and the derived views."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta, timezone
from types import MappingProxyType

import attrs
import pytest
from hypothesis import given

from pattern_quality import Pattern, PatternValidationError, QualityScore, StoredQuality, Tier
from pattern_quality.storage.rows import build_stored
from pattern_quality.testing.strategies import pattern_mappings

_FIELDS = {f.name for f in attrs.fields(Pattern)} - {"extra"}


def _score(**overrides: object) -> QualityScore:
    fields: dict[str, object] = {
        "pattern_id": "7f1c9b3e-2b1a-4c1e-9a51-1d2f3e4a5b6c",
        "pattern_name": "UserAuthEffect",
        "composite_score": 0.75,
        "completeness_score": 1.0,
        "documentation_score": 0.6,
        "onex_compliance_score": 0.85,
        "metadata_richness_score": 0.4,
        "complexity_score": 1.0,
        "confidence": 0.9,
        "measurement_timestamp": datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
    }
    fields.update(overrides)
    return QualityScore(**fields)  # type: ignore[arg-type,unused-ignore]


def test_none_means_missing_and_unknown_keys_are_kept() -> None:
    p = Pattern.from_mapping({"code": None, "metadata": None, "use_cases": None, "flavour": 1})
    assert (p.code, p.metadata, p.use_cases, p.confidence) == ("", {}, (), 0.0)
    assert p.extra == {"flavour": 1}
    assert p.to_dict()["flavour"] == 1


@pytest.mark.parametrize(
    ("data", "field", "expected"),
    [
        ({"code": 5}, "code", "str"),
        ({"text": b"x"}, "text", "str"),
        ({"pattern_name": ["x"]}, "pattern_name", "str"),
        ({"node_type": 1}, "node_type", "str"),
        ({"metadata": [1]}, "metadata", "mapping"),
        ({"use_cases": "one"}, "use_cases", "list or tuple"),
        ({"examples": {"a": 1}}, "examples", "list or tuple"),
        ({"confidence": "0.5"}, "confidence", "real number"),
        ({"confidence": True}, "confidence", "real number"),
        ({"confidence": math.nan}, "confidence", "finite"),
        ({"confidence": math.inf}, "confidence", "finite"),
        ({"confidence": 1.5}, "confidence", "[0, 1]"),
        ({"confidence": -0.1}, "confidence", "[0, 1]"),
    ],
)
def test_wrong_types_name_field_and_expectation(
    data: dict[str, object], field: str, expected: str
) -> None:
    with pytest.raises(PatternValidationError) as info:
        Pattern.from_mapping(data)
    assert field in str(info.value)
    assert expected in str(info.value)
    assert isinstance(info.value, ValueError)


def test_not_a_mapping() -> None:
    with pytest.raises(PatternValidationError, match="pattern: expected a mapping"):
        Pattern.from_mapping(["code"])  # type: ignore[arg-type]


def test_integer_confidence_and_int_pattern_id_are_accepted() -> None:
    p = Pattern.from_mapping({"confidence": 1, "pattern_id": 7})
    assert p.confidence == 1.0 and isinstance(p.confidence, float)
    assert p.pattern_id == "7"


@pytest.mark.parametrize(
    ("composite", "tier"),
    [
        (0.9, Tier.EXCELLENT),
        (0.8999, Tier.GOOD),
        (0.7, Tier.GOOD),
        (0.5, Tier.FAIR),
        (0.49, Tier.POOR),
    ],
)
def test_tier_boundaries(composite: float, tier: Tier) -> None:
    assert _score(composite_score=composite).tier is tier


def test_quality_score_views() -> None:
    s = _score()
    assert list(s.dimension_scores) == [
        "completeness_score",
        "documentation_score",
        "onex_compliance_score",
        "metadata_richness_score",
        "complexity_score",
    ]
    d = s.to_dict()
    assert d["tier"] == "good"
    assert d["measurement_timestamp"] == "2026-01-02T03:04:05+00:00"


@pytest.mark.parametrize(
    "overrides",
    [
        {"composite_score": math.nan},
        {"completeness_score": 1.5},
        {"confidence": -1.0},
        {"complexity_score": "1"},
        {"measurement_timestamp": datetime(2026, 1, 1)},
        {"measurement_timestamp": "2026-01-01"},
    ],
)
def test_quality_score_rejects_invalid_values(overrides: dict[str, object]) -> None:
    with pytest.raises(PatternValidationError):
        _score(**overrides)


def test_timestamps_are_normalised_to_utc() -> None:
    plus_two = timezone(timedelta(hours=2))
    s = _score(measurement_timestamp=datetime(2026, 1, 1, 12, tzinfo=plus_two))
    assert s.measurement_timestamp == datetime(2026, 1, 1, 10, tzinfo=UTC)
    assert s.measurement_timestamp.tzinfo is UTC


@given(pattern_mappings())
def test_from_mapping_fast_path_equals_the_validating_constructor(data: dict[str, object]) -> None:
    known = {k: v for k, v in data.items() if k in _FIELDS}
    extra = {k: v for k, v in data.items() if k not in _FIELDS}
    assert Pattern.from_mapping(data) == Pattern(**known, extra=extra)


class _Str(str):
    pass


def test_from_mapping_accepts_subclasses_through_the_converters() -> None:
    p = Pattern.from_mapping({"code": _Str("x"), "metadata": MappingProxyType({"a": 1})})
    assert p.code == "x" and dict(p.metadata) == {"a": 1}


def test_from_parts_still_rejects_out_of_range_rubric_output() -> None:
    pattern = Pattern.from_mapping({"pattern_id": "x"})
    now = datetime.now(UTC)
    with pytest.raises(PatternValidationError, match="documentation_score"):
        QualityScore._from_parts(pattern, 0.5, (0.5, 1.5, 0.5, 0.5, 0.5), now, "1.0.0", ())
    with pytest.raises(PatternValidationError, match="composite_score"):
        QualityScore._from_parts(pattern, math.nan, (0.5,) * 5, now, "1.0.0", ())
    ok = QualityScore._from_parts(pattern, 0.5, (0.5,) * 5, now, "1.0.0", ())
    assert ok == QualityScore(
        pattern_id="x",
        pattern_name="",
        composite_score=0.5,
        completeness_score=0.5,
        documentation_score=0.5,
        onex_compliance_score=0.5,
        metadata_richness_score=0.5,
        complexity_score=0.5,
        confidence=0.0,
        measurement_timestamp=now,
    )


def test_stored_row_fast_path_equals_the_validating_constructor() -> None:
    now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    fields = ("x", "n", 0.5, 0.1, 0.2, 0.3, 0.4, 0.5, 0.9, now, "1.0.0", ())
    fast = build_stored(fields, now, None)
    assert fast == StoredQuality(*fields, created_at=now, updated_at=None)
    # Anything unusual goes through the converters: an int score, another zone...
    plus_one = timezone(timedelta(hours=1))
    slow = build_stored(
        ("x", "n", 1, 0.1, 0.2, 0.3, 0.4, 0.5, 0.9, now.astimezone(plus_one), "1.0.0", ()),
        None,
        None,
    )
    assert slow.composite_score == 1.0 and slow.measurement_timestamp.tzinfo is UTC
    with pytest.raises(PatternValidationError, match="completeness_score"):
        build_stored(("x", "n", 0.5, 1.5, *fields[4:]), None, None)
