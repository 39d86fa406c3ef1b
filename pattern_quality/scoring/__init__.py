"""Scoring: :class:`PatternQualityScorer` and one module per rubric version."""

from __future__ import annotations

from .base import DimensionScores, Rubric
from .scorer import WEIGHTS, PatternQualityScorer, available_rubrics

__all__ = ["WEIGHTS", "DimensionScores", "PatternQualityScorer", "Rubric", "available_rubrics"]
