"""What every rubric provides: five dimension scores for one pattern (and, for rubrics
with more dimensions, their own composite)."""

from __future__ import annotations

from typing import NamedTuple, Protocol, runtime_checkable

from ..models import Finding, Pattern

__all__ = ["DimensionScores", "FullScores", "Rubric", "WeightedRubric"]


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


class FullScores(NamedTuple):
    """A rubric's whole output when it has more than the five legacy dimensions.

    Attributes:
        dims: The five legacy dimensions.
        extra: ``(key, score)`` of the other dimensions, in composite order
            (keys as stored, e.g. ``substance_score``).
        composite: The rubric's own weighted composite, in [0, 1].
    """

    dims: DimensionScores
    extra: tuple[tuple[str, float], ...]
    composite: float


@runtime_checkable
class WeightedRubric(Protocol):
    """A rubric with its own dimensions and weights (rubric 3.0.0 on)."""

    version: str

    def score(self, pattern: Pattern, findings: list[Finding] | None = None) -> DimensionScores:
        """Return the five legacy dimension scores of ``pattern`` (see :class:`Rubric`)."""
        ...

    def score_full(self, pattern: Pattern, findings: list[Finding] | None = None) -> FullScores:
        """Return every dimension score of ``pattern`` and its composite.

        Args:
            pattern: The validated pattern.
            findings: When a list is given, one :class:`Finding` per rule that
                moved a score is appended.

        Returns:
            The scores and the composite.
        """
        ...
