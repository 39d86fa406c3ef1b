"""Rubric 1.0.0 (legacy, bit-exact). PLACEHOLDER: being written under issue 2."""

from __future__ import annotations

from typing import Final

from ..models import Finding, Pattern
from .base import DimensionScores

VERSION: Final = "1.0.0"


class Rubric100:
    """Rubric 1.0.0."""

    version: str = VERSION

    def score(self, pattern: Pattern, findings: list[Finding] | None = None) -> DimensionScores:
        """Return the five dimension scores of ``pattern``."""
        raise NotImplementedError


RUBRIC: Final = Rubric100()
