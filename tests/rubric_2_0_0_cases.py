"""What the rubric 2.0.0 tests share: score a pattern, its findings, the rules of a dimension."""

from __future__ import annotations

import textwrap
from typing import Any

from pattern_quality.models import Finding, Pattern
from pattern_quality.scoring.base import DimensionScores
from pattern_quality.scoring.rubric_2_0_0 import RUBRIC
from pattern_quality.scoring.rubric_2_0_0.analyze import analyze

#: Two functions, the first with ``{body}`` as its body.
TWO_FUNCTIONS = """\
import os

def load(path):
{body}

def save(path):
    return os.remove(path)
"""


def score(code: str = "", **fields: Any) -> DimensionScores:
    return RUBRIC.score(Pattern.from_mapping({"code": code, **fields}))


def explain(code: str = "", **fields: Any) -> tuple[DimensionScores, list[Finding]]:
    findings: list[Finding] = []
    dims = RUBRIC.score(Pattern.from_mapping({"code": code, **fields}), findings)
    return dims, findings


def rules(findings: list[Finding], dimension: str) -> list[tuple[str, float, str]]:
    return [(f.rule, f.effect, f.detail) for f in findings if f.dimension == dimension]


def code(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")


def max_cc(source: str) -> tuple[int, str]:
    facts = analyze(source)
    return facts.max_cc, facts.max_cc_name
