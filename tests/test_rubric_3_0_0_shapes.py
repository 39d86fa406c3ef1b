"""Rubric 3.0.0 on declarations: how precisely a data shape, an enum or a Protocol
tells its reader what its members are, and annotations that say little (``Any``)."""

from __future__ import annotations

import pytest

from pattern_quality import Pattern
from pattern_quality.models import Finding
from pattern_quality.scoring.analysis import analyze
from pattern_quality.scoring.rubric_3_0_0 import RUBRIC
from pattern_quality.scoring.rubric_3_0_0.code_rules import DECLARATIVE_CAP, SHAPE_PRECISION

BARE = '''\
from dataclasses import dataclass


@dataclass
class Result:
    """A comparison result."""

    name: str
    cost: float
    error: str
'''

PRECISE = '''\
from pydantic import BaseModel, ConfigDict, Field


class Result(BaseModel):
    """A comparison result."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str = Field(..., min_length=1, description="Which model ran.")
    cost: float = Field(..., ge=0, description="Cost in dollars; never a silent zero.")
    error: str | None = None
    """Why the run failed, or None."""
'''


def _score(code: str) -> tuple[dict[str, float], list[Finding]]:
    findings: list[Finding] = []
    full = RUBRIC.score_full(Pattern.from_mapping({"code": code, "language": "python"}), findings)
    return dict(full.extra), findings


def test_a_model_whose_fields_are_documented_constrained_and_frozen_is_precise() -> None:
    (shape,) = analyze(PRECISE, "python").shapes
    assert (shape.kind, shape.members, shape.documented, shape.constrained, shape.frozen) == (
        "model",
        3,
        3,
        2,
        True,
    )
    assert shape.precision == pytest.approx((1 + 2 / 3 + 1) / 3)
    (bare,) = analyze(BARE, "python").shapes
    assert (bare.members, bare.documented, bare.constrained, bare.frozen) == (3, 0, 0, False)
    assert bare.precision == 0.0


def test_shape_precision_adds_to_the_substance_of_a_declaration() -> None:
    precise, findings = _score(PRECISE)
    bare, bare_findings = _score(BARE)
    (part,) = [f for f in findings if f.rule == "shape_precision"]
    assert part.effect == pytest.approx(SHAPE_PRECISION * (1 + 2 / 3 + 1) / 3)
    assert "3/3 members documented, 2 constrained, 1/1 models frozen" in part.detail
    assert precise["substance_score"] > bare["substance_score"]
    assert not [f for f in bare_findings if f.rule == "shape_precision" and f.effect]
    assert bare["substance_score"] <= DECLARATIVE_CAP


def test_enum_members_and_protocol_methods_are_documented_members() -> None:
    enum = (
        'class Role(StrEnum):\n    """Roles."""\n\n    A = "a"\n    """The first."""\n    B = "b"\n'
    )
    (shape,) = analyze(enum, "python").shapes
    assert (shape.kind, shape.members, shape.documented, shape.precision) == ("enum", 2, 1, 0.5)
    protocol = (
        "class Bus(Protocol):\n"
        '    """A bus."""\n\n'
        "    async def publish(self, topic: str) -> None:\n"
        '        """At most once: no retry."""\n'
        "        ...\n\n"
        "    async def close(self) -> None: ...\n"
    )
    facts = analyze(protocol, "python")
    (shape,) = facts.shapes
    assert (shape.kind, shape.members, shape.documented) == ("interface", 2, 1)
    # an interface's methods are its API: the undocumented one is missing documentation
    assert [name for _, name in facts.doc_missing] == ["close"]


def test_code_with_behaviour_gets_no_shape_precision() -> None:
    code = (
        PRECISE
        + "\n\ndef total(results: list[Result]) -> float:\n"
        + "    return sum(r.cost for r in results)\n"
    )
    _, findings = _score(code)
    assert not [f for f in findings if f.rule == "shape_precision"]


def test_annotations_mentioning_any_and_silenced_checkers_are_loose_types() -> None:
    code = (
        "from typing import Any\n\n\n"
        "def run(payload: dict[str, Any], flag: bool) -> list[Any]:\n"
        '    """Run."""\n'
        "    value = payload['x']  # type: ignore[index]\n"
        "    return [value, flag]\n\n\n"
        "def public(x: Any) -> int:\n"
        '    """Bare Any in a public signature is any_in_signature, not counted twice."""\n'
        "    return 1\n"
    )
    _, findings = _score(code)
    loose = [f for f in findings if f.rule == "loose_type"]
    assert [f.detail.split(":")[0] for f in loose] == ["line 4", "line 6"]
    assert [f.effect for f in loose] == [-0.05, -0.025]  # each further one costs half
    assert [f.detail.split(":")[0] for f in findings if f.rule == "any_in_signature"] == ["line 10"]
    typed, typed_findings = _score(
        code.replace("Any", "int").replace("  # type: ignore[index]", "")
    )
    assert not [f for f in typed_findings if f.rule in ("loose_type", "any_in_signature")]
    assert typed["robustness_score"] == 1.0
