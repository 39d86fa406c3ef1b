"""Rubric 3.0.0: seven dimensions (substance and robustness added) judged through the
tree-sitter analysis layer (:mod:`pattern_quality.scoring.analysis`), per language.

:mod:`.rubric` detects the language and combines the dimensions; :mod:`.code_rules`
holds completeness, documentation, complexity and substance; :mod:`.platform_rules`
ONEX compliance, metadata richness and robustness.
"""

from __future__ import annotations

from .rubric import RUBRIC, VERSION, WEIGHTS, Rubric300

__all__ = ["RUBRIC", "VERSION", "WEIGHTS", "Rubric300"]
