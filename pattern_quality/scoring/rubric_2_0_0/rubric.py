"""Rubric 2.0.0: the five dimensions of rubric 1.0.0, judged through the Python AST.

Same dimensions, weights, composite and tiers as 1.0.0 (the scorer applies
those); what changes is how each dimension reads the code. The rules, their
thresholds and the evidence behind them are documented in ``docs/rubric.md``.
Code is read once (:func:`~.analyze.analyze`: one
``ast.parse``, one comment scan), or by a comment-aware fallback when it does not
parse. Every score is a float in [0, 1]; the same pattern always gets the same
scores.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from typing import Any, Final

from ...models import Finding, Pattern
from ..base import DimensionScores
from .analyze import MAX_SOURCE_CHARS, analyze
from .facts import CodeFacts
from .lexer import KIND_WORDS, marker_words, name_words

__all__ = ["LEVEL_THRESHOLDS", "MAX_SOURCE_CHARS", "RUBRIC", "SIGNATURES", "VERSION", "Rubric200"]

VERSION: Final = "2.0.0"

#: The method an ONEX node of each type must define (as ``async def``).
SIGNATURES: Final[Mapping[str, str]] = {
    "effect": "execute_effect",
    "compute": "execute_compute",
    "reducer": "execute_reduction",
    "orchestrator": "execute_orchestration",
}

#: Highest cyclomatic complexity of the most complex block for ``low`` and ``medium``.
LEVEL_THRESHOLDS: Final = (5, 10)
_LEVELS: Final = ("low", "medium", "high")
_LEVEL_INDEX: Final = {name: i for i, name in enumerate(_LEVELS)}
#: Complexity score by distance between the declared and the actual level.
_LEVEL_SCORES: Final = (1.0, 0.6, 0.3)
_UNDECLARED: Final = 0.4

_DIRECTIVES: Final = (
    "noqa",
    "type:",
    "pragma",
    "pylint:",
    "fmt:",
    "mypy:",
    "isort:",
    "pyright:",
    "ruff:",
    "-*-",
)
_MAX_DETAIL: Final = 60


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _MAX_DETAIL else text[: _MAX_DETAIL - 3] + "..."


#: A letter or digit (``[^\W_]`` is exactly ``str.isalnum`` per character).
_ALNUM: Final = re.compile(r"[^\W_]")


def _is_doc_comment(text: str) -> bool:
    """A comment documents when it has a word and is not a tool directive or shebang."""
    if text.startswith("#!"):
        return False
    body = text.lstrip("#/*! \t").lower()
    if _ALNUM.search(body) is None:
        return False
    return not body.startswith(_DIRECTIVES) and "coding:" not in body[:20]


_CONTAINERS: Final = (list, tuple, dict, set, frozenset)


def _is_empty(value: object) -> bool:
    """``None``, a blank string or an empty container (a number, even 0, is a value)."""
    if value is None:
        return True
    if type(value) is str:
        return not value or value.isspace()
    if type(value) in _CONTAINERS:
        return not value
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, Mapping | list | tuple | set | frozenset):
        return not value
    return False


def _distinct(items: Iterable[Any]) -> int:
    """Distinct non-empty items (strings compared case- and blank-insensitively)."""
    seen: set[tuple[str, str]] = set()
    for item in items:
        if isinstance(item, str):
            words = item.split()
            if words:
                seen.add(("s", " ".join(words).casefold()))
            continue
        if _is_empty(item):
            continue
        try:
            seen.add(("r", repr(item)))
        except Exception:  # a hostile __repr__ must not stop scoring
            seen.add(("i", str(id(item))))
    return len(seen)


def _level(cc: int) -> int:
    low, medium = LEVEL_THRESHOLDS
    return 0 if cc <= low else 1 if cc <= medium else 2


class Rubric200:
    """Rubric 2.0.0: AST-aware completeness, documentation, ONEX and complexity.

    Attributes:
        version: ``"2.0.0"``.
    """

    version: str = VERSION

    def score(self, pattern: Pattern, findings: list[Finding] | None = None) -> DimensionScores:
        """Return the five dimension scores of ``pattern``.

        Args:
            pattern: The validated pattern.
            findings: When a list is given, one :class:`Finding` is appended per rule
                that moved a score, plus zero-effect notes saying what was skipped
                (code not parsed, or too large).

        Returns:
            The five dimension scores, each in [0, 1].
        """
        code = pattern.code
        raw = pattern.metadata.get("complexity")
        declared = _LEVEL_INDEX.get(raw.strip().lower(), -1) if isinstance(raw, str) else -1
        if not code or code.isspace():
            facts = None
        else:
            # Without a declared level the complexity score is fixed: measure it
            # only when it counts or when the findings will explain it.
            facts = analyze(code, complexity=declared >= 0 or findings is not None)
        if findings is not None and facts is not None:
            rule = "fallback" if not facts.parsed else "note"
            for note in facts.notes:
                findings.append(Finding("completeness", rule, 0.0, note))
        return DimensionScores(
            _completeness(facts, findings),
            _documentation(facts, pattern.text, findings),
            _onex(facts, pattern, findings),
            _richness(pattern, findings),
            _complexity(facts, raw, declared, findings),
        )


def _completeness(facts: CodeFacts | None, out: list[Finding] | None) -> float:
    if facts is None or facts.statements == 0:
        if out is not None:
            why = "no code" if facts is None else "no executable statement"
            out.append(Finding("completeness", "no_code", 0.0, why))
        return 0.0
    total = 0.7
    statements = min(0.15, 0.01 * facts.statements)
    total += statements
    if facts.structure:
        total += 0.1
    if facts.imports:
        total += 0.05
    stub_cost = 0.8 / facts.candidates if facts.stubs else 0.0
    total -= stub_cost * len(facts.stubs)
    markers = [
        (line, text)
        for line, text, _ in facts.comments
        if ("TODO" in text or "FIXME" in text or "XXX" in text) and marker_words(text)
    ]
    total -= 0.1 * min(3, len(markers))
    if out is not None:
        d = "completeness"
        out.append(Finding(d, "base", 0.7, "code with executable statements"))
        out.append(Finding(d, "statements", statements, f"{facts.statements} statements"))
        if facts.structure:
            out.append(Finding(d, "structure", 0.1, "functions, classes or control flow"))
        if facts.imports:
            out.append(Finding(d, "import", 0.05, "imports"))
        of = f"{len(facts.stubs)} of {facts.candidates} functions"
        for line, name in facts.stubs:
            out.append(Finding(d, "stub", -stub_cost, f"line {line}: stub '{name}' ({of})"))
        for line, text in markers[:3]:
            rule = "marker:" + marker_words(text)[0]
            out.append(Finding(d, rule, -0.1, f"line {line}: {_short(text)}"))
    return min(1.0, max(0.0, total))


def _documentation(facts: CodeFacts | None, text: str, out: list[Finding] | None) -> float:
    if facts is None and not text:
        return 0.0
    total = 0.0
    d = "documentation"
    if facts is not None:
        documented = facts.doc_total - len(facts.doc_missing)
        docstrings = 0.4 * documented / facts.doc_total
        lines = sum(1 + c[1].count("\n") for c in facts.comments if _is_doc_comment(c[1]))
        target = max(3, math.ceil(facts.code_lines / 10))
        comments = 0.2 * min(1.0, lines / target)
        if facts.ann_total:
            annotations = 0.2 * facts.ann_done / facts.ann_total
        else:
            annotations = 0.2 if facts.ann_assign else 0.0
        total += docstrings + comments + annotations
        if out is not None:
            missing = ", ".join(f"'{n}' (line {ln})" for ln, n in facts.doc_missing[:5])
            detail = f"{documented}/{facts.doc_total} documented"
            out.append(
                Finding(
                    d,
                    "docstrings",
                    docstrings,
                    detail + (f"; missing {missing}" if missing else ""),
                )
            )
            if lines:
                out.append(
                    Finding(
                        d,
                        "comments",
                        comments,
                        f"{lines} comment lines, {facts.code_lines} code lines (target {target})",
                    )
                )
            if facts.ann_total:
                detail = f"{facts.ann_done}/{facts.ann_total} parameters and returns annotated"
                out.append(Finding(d, "annotations", annotations, detail))
            elif facts.ann_assign:
                out.append(
                    Finding(d, "annotations", annotations, "annotated variables, no functions")
                )
    if len(text) > 100:
        total += 0.2
        if out is not None:
            out.append(Finding(d, "description", 0.2, f"description of {len(text)} characters"))
    return min(1.0, total)


def _onex(facts: CodeFacts | None, pattern: Pattern, out: list[Finding] | None) -> float:
    d = "onex_compliance"
    kind = (pattern.node_type or "").strip().lower()
    words = name_words(pattern.pattern_name)
    if not kind:
        hit = next((w for w in words if w in KIND_WORDS), None)
        if out is not None:
            detail = f"no node type; name word '{hit}'" if hit else "no node type"
            out.append(Finding(d, "no_node_type", 0.5 if hit else 0.3, detail))
        return 0.5 if hit else 0.3
    total = 0.7
    if out is not None:
        out.append(Finding(d, "node_type", 0.7, f"node type '{kind}'"))
    if kind in words:
        total += 0.15
        if out is not None:
            out.append(
                Finding(d, "name", 0.15, f"name '{pattern.pattern_name}' has the word '{kind}'")
            )
    expected = SIGNATURES.get(kind)
    if expected is not None and facts is not None:
        for line, name, is_async, in_class in facts.executes:
            if name != expected:
                continue
            if is_async and (in_class or not facts.has_class):
                total += 0.15
                if out is not None:
                    out.append(Finding(d, "signature", 0.15, f"line {line}: async def {name}"))
                break
            if out is not None:
                why = "not async" if not is_async else "not a method of a class"
                out.append(Finding(d, "signature", 0.0, f"line {line}: {name} is {why}"))
    return min(1.0, total)


def _richness(pattern: Pattern, out: list[Finding] | None) -> float:
    d = "metadata_richness"
    use_cases = _distinct(pattern.use_cases)
    examples = _distinct(pattern.examples)
    keys = 0
    for value in pattern.metadata.values():
        if not _is_empty(value):
            keys += 1
    total = 0.0
    if use_cases:
        part = min(0.4, use_cases / 3 * 0.4)
        total += part
        if out is not None:
            out.append(Finding(d, "use_cases", part, f"{use_cases} distinct use cases"))
    if examples:
        part = min(0.3, examples / 2 * 0.3)
        total += part
        if out is not None:
            out.append(Finding(d, "examples", part, f"{examples} distinct examples"))
    if keys > 3:
        total += 0.3
        if out is not None:
            out.append(Finding(d, "metadata_keys", 0.3, f"{keys} metadata keys with values"))
    return min(1.0, total)


def _complexity(
    facts: CodeFacts | None, raw: object, declared: int, out: list[Finding] | None
) -> float:
    """Score the declared level (index ``declared``, -1 when undeclared) of ``raw``."""
    d = "complexity"
    if facts is None:
        if out is not None:
            out.append(Finding(d, "no_code", _UNDECLARED, "no code"))
        return _UNDECLARED
    if declared < 0 and out is None:
        return _UNDECLARED
    actual = _level(facts.max_cc)
    score = _UNDECLARED if declared < 0 else _LEVEL_SCORES[abs(declared - actual)]
    if out is not None:
        where = (
            f"actual {_LEVELS[actual]}: cyclomatic complexity {facts.max_cc} "
            f"in '{facts.max_cc_name}' (line {facts.max_cc_line})"
        )
        if declared >= 0:
            out.append(Finding(d, "level", score, f"declared {_LEVELS[declared]}, {where}"))
        else:
            known = isinstance(raw, str) and raw.strip()
            said = f"unknown level {_short(str(raw))!r}" if known else "no declared level"
            out.append(Finding(d, "undeclared", score, f"{said}; {where}"))
    return score


#: The rubric instance the scorer uses.
RUBRIC: Final = Rubric200()
