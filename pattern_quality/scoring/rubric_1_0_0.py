"""Rubric 1.0.0: the legacy rubric, reproduced float for float (docs/legacy.md#rubric-100).

Every dimension gives the *same float* the legacy formula gives. The legacy
arithmetic (repeated ``-= 0.2``, ``+= 0.1`` then ``+= 0.05``, ``len / 3 * 0.4`` ...)
is written once, in the ``_*_value`` functions below, and evaluated ahead of
time for every combination of rule outcomes; scoring a pattern then only decides
which rules fire (plain substring tests) and looks the float up. That keeps the
results bit-exact while skipping the legacy work that cannot change them:

- ``code.split("\\n")`` is never built: the line count is ``code.count("\\n") + 1``
  and comment lines are found with ``str.find`` (and only up to 4, where the
  comment bonus reaches its cap);
- the legacy type-hint regex ``:\\s*\\w+|\\s*->\\s*\\w+`` backtracks quadratically on
  long whitespace runs; :func:`has_type_hint` gives the same yes/no with a
  possessive pattern that runs in linear time;
- branch keywords are only counted when a complexity is declared, since an
  undeclared (or unknown) complexity never depends on the count.

Rule names used in :class:`~pattern_quality.models.Finding` are listed in
``docs/rubric.md``.
"""

from __future__ import annotations

import functools
import re
from itertools import product
from typing import Final

from ..models import Finding, Pattern
from .base import DimensionScores

__all__ = ["RUBRIC", "VERSION", "Rubric100", "has_type_hint"]

VERSION: Final = "1.0.0"

#: Stub markers in legacy order; each one found costs 0.2 once.
STUB_MARKERS: Final = ("pass", "TODO", "NotImplemented", "...", "raise NotImplementedError")
#: Any of these earns the completeness logic bonus.
LOGIC_KEYWORDS: Final = ("if ", "for ", "while ", "async def ", "class ")
#: Counted (every occurrence) to measure complexity.
BRANCH_KEYWORDS: Final = ("if ", "for ", "while ", "except ")
#: Name fragments that earn 0.5 instead of 0.3 when no node type is given (case-sensitive).
NODE_NAME_HINTS: Final = ("Effect", "Compute", "Reducer", "Orchestrator")
#: The ONEX method signature each node type (lower case) earns a bonus for.
SIGNATURES: Final = {
    "effect": "async def execute_effect",
    "compute": "async def execute_compute",
    "reducer": "async def execute_reduction",
    "orchestrator": "async def execute_orchestration",
}

# Same yes/no as re.search(r":\s*\w+|\s*->\s*\w+", code): the leading \s* of the
# second branch may match nothing, and \w+ matches iff \w does. The possessive
# \s*+ never gives back whitespace, so each run is scanned once: linear time.
_TYPE_HINT: Final = re.compile(r"(?::|->)\s*+\w")

_LINE_CAP: Final = 15  # min(0.15, lines / 100) is 0.15 from 15 lines on
_COMMENT_CAP: Final = 4  # min(0.2, comments / 20) is 0.2 from 4 comment lines on


def has_type_hint(code: str) -> bool:
    """Tell whether ``code`` has a "type hint" by the legacy rule, in linear time.

    Args:
        code: Source code.

    Returns:
        The same answer as ``re.search(r":\\s*\\w+|\\s*->\\s*\\w+", code) is not None``.
    """
    return _TYPE_HINT.search(code) is not None


# --- the legacy arithmetic, written once, in the legacy order -----------------


def _completeness_value(markers: int, logic: bool, imports: bool, lines: int) -> float:
    base = 1.0
    for _ in range(markers):
        base -= 0.2
    bonuses = 0.0
    if logic:
        bonuses += 0.1
    if imports:
        bonuses += 0.05
    bonuses += min(0.15, lines / 100)
    return min(1.0, max(0.0, base + bonuses))


def _documentation_value(docstring: bool, comments: int, hints: bool, described: bool) -> float:
    score = 0.0
    if docstring:
        score += 0.4
    score += min(0.2, comments / 20)
    if hints:
        score += 0.2
    if described:
        score += 0.2
    return min(1.0, score)


def _onex_value(name_matches: bool, signature: bool) -> float:
    score = 0.7
    if name_matches:
        score += 0.15
    if signature:
        score += 0.15
    return min(1.0, score)


def _richness_value(use_cases: int, examples: int, rich_metadata: bool) -> float:
    score = 0.0
    if use_cases:
        score += min(0.4, use_cases / 3 * 0.4)
    if examples:
        score += min(0.3, examples / 2 * 0.3)
    if rich_metadata:
        score += 0.3
    return min(1.0, score)


_B = (False, True)
# Index: [markers][logic][imports][min(lines, 15)]
_COMPLETENESS: Final = tuple(
    tuple(
        tuple(tuple(_completeness_value(m, lg, im, n) for n in range(_LINE_CAP + 1)) for im in _B)
        for lg in _B
    )
    for m in range(len(STUB_MARKERS) + 1)
)
# Index: [docstring][min(comments, 4)][hints][described]
_DOCUMENTATION: Final = tuple(
    tuple(tuple(tuple(_documentation_value(d, c, h, t) for t in _B) for h in _B) for c in range(5))
    for d in _B
)
_ONEX: Final = {(n, s): _onex_value(n, s) for n, s in product(_B, _B)}
# Index: [min(use_cases, 3)][min(examples, 2)][rich_metadata]
_RICHNESS: Final = tuple(
    tuple(tuple(_richness_value(u, e, r) for r in _B) for e in range(3)) for u in range(4)
)


def _count_comment_lines(code: str, cap: int | None) -> int:
    """Count lines containing ``#`` (stopping at ``cap``), without splitting."""
    count = 0
    find = code.find
    i = find("#")
    while i >= 0:
        count += 1
        if count == cap:
            break
        end = find("\n", i)
        if end < 0:
            break
        i = find("#", end)
    return count


# Findings are frozen value objects, so equal ones can be shared: caching them keeps
# explain=True cheap (most findings repeat across patterns).
_finding: Final = functools.lru_cache(maxsize=4096)(Finding)


_MARKER_FINDINGS: Final = tuple(
    Finding("completeness", f"marker:{marker}", -0.2, "stub marker") for marker in STUB_MARKERS
)


def _plural(count: int, noun: str) -> str:
    return f"{count} {noun}" if count == 1 else f"{count} {noun}s"


def _complexity_level(count: int) -> str:
    return "low" if count < 3 else "medium" if count < 8 else "high"


def _measured_is(code: str, level: str) -> bool:
    """Tell whether ``code`` measures as ``level``, counting only as far as needed."""
    if level == "low":
        stop = 3
    elif level == "medium" or level == "high":
        stop = 8
    else:
        return False  # an unknown level never equals a measured one
    count = 0
    for keyword in BRANCH_KEYWORDS:
        count += code.count(keyword)
        if count >= stop:  # past the level's upper bound: the rest cannot change the answer
            break
    return _complexity_level(count) == level


class Rubric100:
    """Rubric 1.0.0 (legacy, bit-exact); see ``docs/rubric.md``."""

    version: str = VERSION

    def score(self, pattern: Pattern, findings: list[Finding] | None = None) -> DimensionScores:
        """Return the five dimension scores of ``pattern``.

        Args:
            pattern: The validated pattern.
            findings: When a list is given, one :class:`Finding` is appended per rule
                that set or moved a score; ``None`` skips that work. The scores are
                the same floats either way.

        Returns:
            The five dimension scores, each in [0, 1].
        """
        code = pattern.code
        explain = findings is not None
        add = findings.append if findings is not None else None

        # Completeness.
        if not code:
            completeness = 0.0
            if add:
                add(_finding("completeness", "empty_code", 0.0, "no code"))
        else:
            # In STUB_MARKERS order; "raise NotImplementedError" implies "NotImplemented".
            has_ni = "NotImplemented" in code
            hits = (
                "pass" in code,
                "TODO" in code,
                has_ni,
                "..." in code,
                has_ni and "raise NotImplementedError" in code,
            )
            markers = sum(hits)
            logic = (
                "if " in code
                or "for " in code
                or "while " in code
                or "async def " in code
                or "class " in code
            )
            imports = "import " in code
            lines = code.count("\n") + 1
            completeness = _COMPLETENESS[markers][logic][imports][min(lines, _LINE_CAP)]
            if add:
                for hit, marker_finding in zip(hits, _MARKER_FINDINGS, strict=True):
                    if hit:
                        add(marker_finding)
                if logic:
                    word = next(k for k in LOGIC_KEYWORDS if k in code).strip()
                    add(_finding("completeness", "bonus:logic", 0.1, f"has '{word}'"))
                if imports:
                    add(_finding("completeness", "bonus:import", 0.05, "has 'import '"))
                add(
                    _finding(
                        "completeness",
                        "bonus:length",
                        min(0.15, lines / 100),
                        _plural(lines, "line"),
                    )
                )
                nominal = (
                    1.0 - 0.2 * markers + 0.1 * logic + 0.05 * imports + min(0.15, lines / 100)
                )
                if nominal > 1.0 + 1e-9:
                    add(_finding("completeness", "clamp", 1.0 - nominal, "capped at 1.0"))

        # Documentation.
        text = pattern.text
        if not code and not text:
            documentation = 0.0
            if add:
                add(_finding("documentation", "empty", 0.0, "no code and no text"))
        else:
            docstring = '"""' in code or "'''" in code
            comments = (
                _count_comment_lines(code, None if explain else _COMMENT_CAP) if "#" in code else 0
            )
            hints = (":" in code or "->" in code) and _TYPE_HINT.search(code) is not None
            described = len(text) > 100
            documentation = _DOCUMENTATION[docstring][min(comments, _COMMENT_CAP)][hints][described]
            if add:
                if docstring:
                    add(_finding("documentation", "docstring", 0.4, "has a triple-quoted string"))
                if comments:
                    detail = _plural(comments, "line") + " with '#'"
                    add(_finding("documentation", "comments", min(0.2, comments / 20), detail))
                if hints:
                    add(
                        _finding(
                            "documentation", "type_hints", 0.2, "matches ':\\s*\\w+|->\\s*\\w+'"
                        )
                    )
                if described:
                    add(_finding("documentation", "description", 0.2, f"text is {len(text)} chars"))

        # ONEX compliance.
        node_type = pattern.node_type
        name = pattern.pattern_name
        if not node_type:
            hint = (
                "Effect" in name or "Compute" in name or "Reducer" in name or "Orchestrator" in name
            )
            onex = 0.5 if hint else 0.3
            if add:
                add(_finding("onex_compliance", "no_node_type", 0.3, "no node_type"))
                if hint:
                    found = next(h for h in NODE_NAME_HINTS if h in name)
                    add(
                        _finding(
                            "onex_compliance", "name_suggests_node_type", 0.2, f"name has '{found}'"
                        )
                    )
        else:
            kind = node_type.lower()
            name_matches = kind in name.lower()
            signature = SIGNATURES.get(kind)
            has_signature = signature is not None and signature in code
            onex = _ONEX[name_matches, has_signature]
            if add:
                add(_finding("onex_compliance", "node_type", 0.7, f"node_type {node_type!r}"))
                if name_matches:
                    add(
                        _finding(
                            "onex_compliance", "name_matches_node_type", 0.15, f"name has {kind!r}"
                        )
                    )
                if has_signature and signature is not None:
                    rule = "signature:" + signature.rsplit(" ", 1)[1]
                    add(_finding("onex_compliance", rule, 0.15, f"has '{signature}'"))

        # Metadata richness.
        use_cases = len(pattern.use_cases)
        examples = len(pattern.examples)
        metadata = pattern.metadata
        rich = len(metadata) > 3
        richness = _RICHNESS[min(use_cases, 3)][min(examples, 2)][rich]
        if add:
            if use_cases:
                effect = min(0.4, use_cases / 3 * 0.4)
                add(
                    _finding(
                        "metadata_richness", "use_cases", effect, _plural(use_cases, "use case")
                    )
                )
            if examples:
                effect = min(0.3, examples / 2 * 0.3)
                add(_finding("metadata_richness", "examples", effect, _plural(examples, "example")))
            if rich:
                add(
                    _finding(
                        "metadata_richness", "metadata_keys", 0.3, f"{len(metadata)} metadata keys"
                    )
                )

        # Complexity appropriateness.
        declared = metadata.get("complexity")
        if not code:
            complexity = 0.4
            if add:
                add(_finding("complexity", "empty_code", 0.4, "no code"))
        elif not declared or not isinstance(declared, str):
            complexity = 0.4
            if add:
                what = (
                    "no declared complexity"
                    if not declared
                    else (f"declared complexity is {type(declared).__name__}, not str")
                )
                add(_finding("complexity", "undeclared", 0.4, what))
        else:
            level = declared.lower()
            if not explain:
                complexity = 1.0 if _measured_is(code, level) else 0.6
            else:
                count = sum(code.count(k) for k in BRANCH_KEYWORDS)
                actual = _complexity_level(count)
                matches = level == actual
                complexity = 1.0 if matches else 0.6
                if add:
                    rule = "declared_matches" if matches else "declared_mismatch"
                    detail = f"declared {declared!r}, measured {actual} ({count} branch keywords)"
                    add(_finding("complexity", rule, complexity, detail))

        return DimensionScores(completeness, documentation, onex, richness, complexity)


#: The rubric instance the scorer uses.
RUBRIC: Final = Rubric100()
