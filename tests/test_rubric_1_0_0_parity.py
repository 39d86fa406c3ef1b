"""Rubric 1.0.0 against the legacy arithmetic: the type-hint check, parity, findings.

The linear-time type-hint check equals the legacy regular expression (and stays
linear on a megabyte of whitespace); every score equals the naive transcription
of the legacy rules (``tests/legacy_rubric.py``); findings name the rules and
never change a score.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pattern_quality import Pattern
from pattern_quality.models import Finding
from pattern_quality.scoring.base import DimensionScores
from pattern_quality.scoring.rubric_1_0_0 import RUBRIC, has_type_hint
from pattern_quality.testing.strategies import pattern_mappings
from tests import legacy_rubric

LEGACY_TYPE_HINT = re.compile(r":\s*\w+|\s*->\s*\w+")


def dims(**fields: Any) -> DimensionScores:
    return RUBRIC.score(Pattern.from_mapping(fields))


# --- linear-time type-hint check ----------------------------------------------------------

_HINT_ALPHABET = st.sampled_from(
    [":", "-", ">", "->", " ", "\t", "\n", "\x0b", "\x1c", "\u00a0", "\u2003", "\u3000"]
    + ["a", "_", "1", "\u00e9", "\u0663", "\u00b2", "\u2167", ".", "(", "#", "\u200b"]
)


@settings(max_examples=500)
@given(st.lists(_HINT_ALPHABET, max_size=30).map("".join))
def test_has_type_hint_equals_legacy_regex_on_tricky_text(code: str) -> None:
    assert has_type_hint(code) == (LEGACY_TYPE_HINT.search(code) is not None)


@given(st.text(max_size=60))
def test_has_type_hint_equals_legacy_regex_on_any_text(code: str) -> None:
    assert has_type_hint(code) == (LEGACY_TYPE_HINT.search(code) is not None)


MB = 1_000_000


@pytest.mark.parametrize("tail", ["", "-", "?", "x"])
def test_one_megabyte_whitespace_run(tail: str) -> None:
    code = ":" + " \t" * (MB // 2) + tail
    d = dims(code=code)
    # No marker, no keyword, one line: 1.0 + 0.01 -> 1.0.
    assert d.completeness == 1.0
    # Only a ':' followed by whitespace and then a word character is a hint.
    assert d.documentation == (0.2 if tail == "x" else 0.0)
    assert has_type_hint("->" + " " * MB + tail) == (tail == "x")
    assert has_type_hint(" " * MB) is False


def test_one_megabyte_of_blank_lines() -> None:
    code = "\n" * MB + "def f(x: int) -> None:\n    pass  # stub\n"
    d = dims(code=code, metadata={"complexity": "low"})
    assert d.completeness == 0.9500000000000001  # 1.0 - 0.2 + 0.15 (1,000,003 lines)
    assert d.documentation == 0.25  # 0.0 + 1/20 + 0.2
    assert d.complexity == 1.0
    assert dims(code=" \n" * (MB // 2)).documentation == 0.0


# --- parity with the naive transcription, findings ------------------------------------------

_FIELDS = (
    "completeness",
    "documentation",
    "onex_compliance",
    "metadata_richness",
    "complexity",
)


@settings(max_examples=400)
@given(pattern_mappings())
def test_equals_naive_transcription(data: dict[str, Any]) -> None:
    pattern = Pattern.from_mapping(data)
    legacy = legacy_rubric.score_pattern(pattern.to_dict())
    expected = tuple(legacy[f"{name}_score"] for name in _FIELDS)
    assert tuple(RUBRIC.score(pattern)) == expected


@settings(max_examples=300)
@given(pattern_mappings())
def test_findings_do_not_change_scores(data: dict[str, Any]) -> None:
    pattern = Pattern.from_mapping(data)
    findings: list[Finding] = []
    assert RUBRIC.score(pattern, findings) == RUBRIC.score(pattern, None)
    assert {f.dimension for f in findings} <= set(_FIELDS)


def test_findings_name_the_rules() -> None:
    findings: list[Finding] = []
    pattern = Pattern.from_mapping(
        {
            "pattern_name": "UserEffect",
            "node_type": "effect",
            "code": (
                '"""D."""\nimport os\n# c\n'
                "async def execute_effect(x: int): raise NotImplementedError"
            ),
            "text": "t" * 101,
            "use_cases": ["a"],
            "examples": ["b", "c"],
            "metadata": {"complexity": "low", "a": 1, "b": 2, "c": 3},
        }
    )
    RUBRIC.score(pattern, findings)
    got = {(f.dimension, f.rule): f.effect for f in findings}
    assert got == {
        ("completeness", "marker:NotImplemented"): -0.2,
        ("completeness", "marker:raise NotImplementedError"): -0.2,
        ("completeness", "bonus:logic"): 0.1,
        ("completeness", "bonus:import"): 0.05,
        ("completeness", "bonus:length"): 0.04,
        ("documentation", "docstring"): 0.4,
        ("documentation", "comments"): 0.05,
        ("documentation", "type_hints"): 0.2,
        ("documentation", "description"): 0.2,
        ("onex_compliance", "node_type"): 0.7,
        ("onex_compliance", "name_matches_node_type"): 0.15,
        ("onex_compliance", "signature:execute_effect"): 0.15,
        ("metadata_richness", "use_cases"): 0.13333333333333333,
        ("metadata_richness", "examples"): 0.3,
        ("metadata_richness", "metadata_keys"): 0.3,
        ("complexity", "declared_matches"): 1.0,
    }


def test_findings_for_empty_pattern_and_clamp() -> None:
    findings: list[Finding] = []
    RUBRIC.score(Pattern(), findings)
    assert [(f.dimension, f.rule) for f in findings] == [
        ("completeness", "empty_code"),
        ("documentation", "empty"),
        ("onex_compliance", "no_node_type"),
        ("complexity", "empty_code"),
    ]
    findings.clear()
    RUBRIC.score(Pattern(code="import os\nif x: y\n" + "z\n" * 20), findings)
    clamp = [f for f in findings if f.rule == "clamp"]
    assert len(clamp) == 1
    assert clamp[0].effect == pytest.approx(-0.3)
