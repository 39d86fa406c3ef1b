"""A naive, literal transcription of rubric 1.0.0 (docs/legacy.md#rubric-100).

Used twice: as the test oracle for ``pattern_quality.scoring.rubric_1_0_0`` (the
library must give the same floats) and as the baseline of
``tests/benchmarks/bench_scoring.py``. It is deliberately written the way the
legacy scorer worked: plain substring tests, ``code.split("\\n")`` for lines, the
original (quadratic) type-hint regex, and a result dict with a timestamp. It
only adds the ``None`` guards the legacy scorer lacked and treats a declared
complexity that is not a string as undeclared, as issue 2 requires.

Do not "optimise" this module: its value is that anyone can check it against
docs/legacy.md#rubric-100 line by line. Never feed it long whitespace runs (the regex backtracks).
"""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any

TYPE_HINT_PATTERN = r":\s*\w+|\s*->\s*\w+"

WEIGHTS = {
    "completeness": 0.30,
    "documentation": 0.25,
    "onex_compliance": 0.20,
    "metadata_richness": 0.15,
    "complexity": 0.10,
}


def score_completeness(code: str) -> float:
    if not code:
        return 0.0
    base_score = 1.0
    for marker in ["pass", "TODO", "NotImplemented", "...", "raise NotImplementedError"]:
        if marker in code:
            base_score -= 0.2
    bonuses = 0.0
    if any(k in code for k in ["if ", "for ", "while ", "async def ", "class "]):
        bonuses += 0.1
    if "import " in code:
        bonuses += 0.05
    lines = code.split("\n")
    bonuses += min(0.15, len(lines) / 100)
    return min(1.0, max(0.0, base_score + bonuses))


def score_documentation(code: str, text: str) -> float:
    if not code and not text:
        return 0.0
    score = 0.0
    if '"""' in code or "'''" in code:
        score += 0.4
    comment_lines = len([line for line in code.split("\n") if "#" in line])
    score += min(0.2, comment_lines / 20)
    if re.search(TYPE_HINT_PATTERN, code):
        score += 0.2
    if len(text) > 100:
        score += 0.2
    return min(1.0, score)


def score_onex(code: str, node_type: str | None, pattern_name: str) -> float:
    if not node_type:
        if any(t in pattern_name for t in ["Effect", "Compute", "Reducer", "Orchestrator"]):
            return 0.5
        return 0.3
    score = 0.7
    if node_type.lower() in pattern_name.lower():
        score += 0.15
    signatures = {
        "effect": "async def execute_effect",
        "compute": "async def execute_compute",
        "reducer": "async def execute_reduction",
        "orchestrator": "async def execute_orchestration",
    }
    expected = signatures.get(node_type.lower())
    if expected and expected in code:
        score += 0.15
    return min(1.0, score)


def score_metadata(use_cases: list[Any], examples: list[Any], metadata: dict[str, Any]) -> float:
    score = 0.0
    if use_cases:
        score += min(0.4, len(use_cases) / 3 * 0.4)
    if examples:
        score += min(0.3, len(examples) / 2 * 0.3)
    if metadata and len(metadata) > 3:
        score += 0.3
    return min(1.0, score)


def score_complexity(code: str, declared: object) -> float:
    if not code:
        return 0.4
    count = sum(code.count(k) for k in ["if ", "for ", "while ", "except "])
    if count < 3:
        actual = "low"
    elif count < 8:
        actual = "medium"
    else:
        actual = "high"
    if not declared or not isinstance(declared, str):
        return 0.4
    if declared.lower() == actual:
        return 1.0
    return 0.6


def score_pattern(pattern: dict[str, Any]) -> dict[str, Any]:
    """Score a pattern mapping the legacy way; returns the legacy result dict."""
    pattern_id = pattern.get("pattern_id") or ""
    pattern_name = pattern.get("pattern_name") or ""
    code = pattern.get("code") or ""
    text = pattern.get("text") or ""
    metadata = pattern.get("metadata") or {}
    node_type = pattern.get("node_type")
    use_cases = pattern.get("use_cases") or []
    examples = pattern.get("examples") or []
    confidence = pattern.get("confidence") or 0.0

    completeness = score_completeness(code)
    documentation = score_documentation(code, text)
    onex = score_onex(code, node_type, pattern_name)
    richness = score_metadata(use_cases, examples, metadata)
    complexity = score_complexity(code, metadata.get("complexity"))
    composite = (
        completeness * WEIGHTS["completeness"]
        + documentation * WEIGHTS["documentation"]
        + onex * WEIGHTS["onex_compliance"]
        + richness * WEIGHTS["metadata_richness"]
        + complexity * WEIGHTS["complexity"]
    )
    return {
        "pattern_id": pattern_id,
        "pattern_name": pattern_name,
        "composite_score": composite,
        "completeness_score": completeness,
        "documentation_score": documentation,
        "onex_compliance_score": onex,
        "metadata_richness_score": richness,
        "complexity_score": complexity,
        "confidence": confidence,
        "measurement_timestamp": datetime.now(UTC),
        "version": "1.0.0",
    }
