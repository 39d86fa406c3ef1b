"""Issue 12, item 8: what escaped validation is a PatternValidationError naming the field.

Nothing is written in any case, and a store's error names the item's position
in the batch (``scores[4321]: ...``).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timedelta, timezone
from typing import Any

import attrs
import pytest

from pattern_quality import Finding, PatternQualityScorer, PatternValidationError
from pattern_quality.storage.base import QualityStore
from tests.stores import KINDS, open_store, score, store_kinds

PID = "7f1c9b3e-2b1a-4c1e-9a51-1d2f3e4a5b6c"


@pytest.fixture(params=store_kinds(*KINDS))
def store(request: pytest.FixtureRequest) -> Iterator[QualityStore]:
    s = open_store(request.param, request)
    yield s
    s.close()


def test_findings_that_are_not_findings() -> None:
    with pytest.raises(PatternValidationError, match=r"findings\[0\]: expected a Finding"):
        attrs.evolve(score(), findings=("x",))  # type: ignore[arg-type]
    with pytest.raises(PatternValidationError, match="findings: expected a sequence"):
        attrs.evolve(score(), findings="xy")  # type: ignore[arg-type]


@pytest.mark.parametrize("effect", [10**400, -(10**400), "0.1", True, None])
def test_a_finding_effect_must_be_a_number_that_fits_a_float(effect: Any) -> None:
    with pytest.raises(PatternValidationError, match="effect: expected"):
        Finding("completeness", "rule", effect)
    assert Finding("completeness", "rule", 1).effect == 1.0


@pytest.mark.parametrize(
    "when",
    [
        datetime(1, 1, 1, 0, 30, tzinfo=timezone(timedelta(hours=1))),
        datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-1))),
    ],
)
def test_timestamps_out_of_range_in_utc(when: datetime) -> None:
    with pytest.raises(PatternValidationError, match="measurement_timestamp: .* out of range"):
        attrs.evolve(score(), measurement_timestamp=when)


def test_a_pattern_that_cannot_be_hashed() -> None:
    scorer = PatternQualityScorer(content_hash=True)
    with pytest.raises(PatternValidationError, match="content_hash: "):
        scorer.score_pattern({"pattern_id": PID, "code": "x = 1", "metadata": {"n": 10**5000}})


def test_store_errors_name_the_position_in_the_batch(store: QualityStore) -> None:
    good = [score(f"6f1c2f3e-0a6b-4f43-9a36-{i:012x}") for i in range(5000)]
    for bad, words in [
        (object(), r"scores\[4321\]: expected a QualityScore, got object"),
        ("not-a-uuid", r"scores\[4321\]: pattern_id: expected a UUID"),
        ("nul", r"scores\[4321\]: .*version"),
    ]:
        batch: list[Any] = list(good)
        if bad == "not-a-uuid":
            batch[4321] = attrs.evolve(score(), pattern_id=None)
            batch[4321] = _with_id(batch[4321], "not-a-uuid")
        elif bad == "nul":
            batch[4321] = attrs.evolve(good[4321], version="1\x00")
        else:
            batch[4321] = bad
        with pytest.raises(PatternValidationError, match=words):
            store.upsert(batch)
    assert store.count() == 0


def _with_id(s: Any, pid: str) -> Any:
    # A score whose id is not a UUID: the models accept any string, the stores do not.
    object.__setattr__(s, "pattern_id", pid)
    return s
