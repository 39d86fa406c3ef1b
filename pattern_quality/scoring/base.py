"""What every rubric provides: five dimension scores for one pattern."""

from __future__ import annotations

from typing import NamedTuple, Protocol

from ..models import Finding, Pattern

__all__ = ["DimensionScores", "Rubric"]


class DimensionScores(NamedTuple):
    """The five dimension scores of one pattern, in composite order."""

    completeness: float
    documentation: float
    onex_compliance: float
    metadata_richness: float
    complexity: float


class Rubric(Protocol):
    """A scoring rubric: a version string and a pure function of a pattern."""

    version: str

    def score(self, pattern: Pattern, findings: list[Finding] | None = None) -> DimensionScores:
        """Return the five dimension scores of ``pattern``, each in [0, 1].

        Args:
            pattern: The validated pattern.
            findings: When a list is given, the rubric appends one :class:`Finding`
                per rule that moved a score; ``None`` skips that work.

        Returns:
            The five dimension scores.
        """
        ...
