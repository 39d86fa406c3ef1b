"""Rubric 3.0.0: seven dimensions read through the tree-sitter analysis layer.

The language is detected per pattern (:func:`~..analysis.detect`); code in a
language with rules is analysed once into :class:`~..analysis.Facts` and judged
by :mod:`.code_rules` and :mod:`.platform_rules`. Code in any other language
gets explicit "not scored by language rules" findings and neutral code scores,
never a silent "poor". Every score is a float in [0, 1]; the same pattern always
gets the same scores. Rules, reasons and measured effects: docs/rubric.md#rubric-300.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

from ...models import Finding, Pattern
from ..analysis import OTHER, Facts, analyze, detect
from ..base import DimensionScores, FullScores
from .code_rules import completeness, complexity, documentation, substance
from .platform_rules import (
    code_kinds,
    declared_kind,
    metadata_richness,
    name_kind,
    onex,
    robustness,
)

__all__ = ["RUBRIC", "VERSION", "WEIGHTS", "Rubric300"]

VERSION: Final = "3.0.0"

#: Composite weights, in the order the composite sums them (they sum to 1).
WEIGHTS: Final[Mapping[str, float]] = MappingProxyType(
    {
        "completeness": 0.10,
        "documentation": 0.20,
        "onex_compliance": 0.10,
        "metadata_richness": 0.05,
        "complexity": 0.10,
        "substance": 0.25,
        "robustness": 0.20,
    }
)
_NEUTRAL: Final = 0.5
_DESCRIPTION: Final = 0.15


class Rubric300:
    """Rubric 3.0.0: substance, robustness and language-aware rules on top of the five.

    Attributes:
        version: ``"3.0.0"``.
    """

    version: str = VERSION

    def score(self, pattern: Pattern, findings: list[Finding] | None = None) -> DimensionScores:
        """Return the five legacy dimension scores of ``pattern`` (see :meth:`score_full`).

        Args:
            pattern: The validated pattern.
            findings: When a list is given, findings are appended to it.

        Returns:
            The five dimension scores, each in [0, 1].
        """
        return self.score_full(pattern, findings).dims

    def score_full(self, pattern: Pattern, findings: list[Finding] | None = None) -> FullScores:
        """Return all seven dimension scores of ``pattern`` and their composite.

        Args:
            pattern: The validated pattern.
            findings: When a list is given, one :class:`Finding` is appended per rule
                that moved a score, plus zero-effect notes (the language and how it
                was found, anything skipped).

        Returns:
            The five legacy dimensions, ``substance_score`` and ``robustness_score``,
            and the composite (weights :data:`WEIGHTS`, summed in that order).
        """
        out = findings
        code = pattern.code
        has_code = bool(code) and not code.isspace()
        language, how = detect(pattern)
        facts: Facts | None = None
        if has_code and language != OTHER:
            facts = analyze(code, language)
        if out is not None and has_code:
            out.append(Finding("completeness", "language", 0.0, f"read as {language} ({how})"))
            for note in facts.notes if facts is not None else ():
                out.append(Finding("completeness", "note", 0.0, note))
        o = onex(pattern, facts, out)
        m = metadata_richness(pattern, facts, out)
        if facts is not None:
            kinds = code_kinds(facts)
            kind = (
                declared_kind(pattern, facts)
                or (min(kinds) if kinds else "")
                or name_kind(pattern, facts)
            )
            raw = pattern.metadata.get("complexity")
            level = raw.strip().lower() if isinstance(raw, str) else ""
            c = completeness(facts, out)
            d = documentation(facts, pattern.text, out)
            x = complexity(facts, level, kind, out)
            s = substance(facts, out)
            r = robustness(facts, kind, out)
        else:
            c, d, x, s, r = _without_rules(pattern, language if has_code else "", out)
        composite = c * 0.10 + d * 0.20 + o * 0.10 + m * 0.05 + x * 0.10 + s * 0.25 + r * 0.20
        return FullScores(
            DimensionScores(c, d, o, m, x),
            (("substance_score", s), ("robustness_score", r)),
            min(1.0, max(0.0, composite)),
        )


def _without_rules(
    pattern: Pattern, language: str, out: list[Finding] | None
) -> tuple[float, float, float, float, float]:
    """No code (all code dimensions 0), or code in a language without rules (neutral)."""
    described = len(pattern.text) > 100
    if not language:
        if out is not None:
            for dim in ("completeness", "complexity", "substance", "robustness"):
                out.append(Finding(dim, "no_code", 0.0, "no code"))
            if described:
                out.append(Finding("documentation", "description", _DESCRIPTION, "description"))
        return 0.0, (_DESCRIPTION if described else 0.0), 0.0, 0.0, 0.0
    doc = _NEUTRAL + (_DESCRIPTION if described else 0.0)
    if out is not None:
        detail = f"language '{pattern.extra.get('language') or pattern.metadata.get('language')}'"
        for dim in ("completeness", "documentation", "complexity", "substance", "robustness"):
            out.append(
                Finding(dim, "not_scored", _NEUTRAL, f"not scored by language rules ({detail})")
            )
        if described:
            out.append(Finding("documentation", "description", _DESCRIPTION, "description"))
    return _NEUTRAL, min(1.0, doc), _NEUTRAL, _NEUTRAL, _NEUTRAL


#: The rubric instance the scorer uses.
RUBRIC: Final = Rubric300()
