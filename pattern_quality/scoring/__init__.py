"""Scoring: :class:`PatternQualityScorer` and one module per rubric version."""

from __future__ import annotations

from .base import DimensionScores, Rubric
from .scorer import DEFAULT_RUBRIC, WEIGHTS, PatternQualityScorer, available_rubrics

__all__ = [
    "DEFAULT_RUBRIC",
    "WEIGHTS",
    "DimensionScores",
    "PatternQualityScorer",
    "Rubric",
    "available_rubrics",
]
