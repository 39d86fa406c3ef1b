"""Hypothesis strategies for the test suite (re-exported from the package)."""

from __future__ import annotations

from pattern_quality.testing.strategies import (
    NODE_TYPES,
    aware_datetimes,
    invalid_pattern_mappings,
    pattern_mappings,
    patterns,
    quality_scores,
    uuids,
)

__all__ = [
    "NODE_TYPES",
    "aware_datetimes",
    "invalid_pattern_mappings",
    "pattern_mappings",
    "patterns",
    "quality_scores",
    "uuids",
]
