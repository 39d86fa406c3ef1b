"""Rubric 2.0.0, the default rubric: the five dimensions judged through the Python AST.

:mod:`.rubric` holds the rules; :mod:`.analyze` reads the code once (one
``ast.parse`` by :mod:`.python_facts`, one comment scan by :mod:`.lexer`) into
:class:`~.facts.CodeFacts`, or through :mod:`.fallback` when it does not parse.
"""

from __future__ import annotations

from .rubric import LEVEL_THRESHOLDS, MAX_SOURCE_CHARS, RUBRIC, SIGNATURES, VERSION, Rubric200

__all__ = ["LEVEL_THRESHOLDS", "MAX_SOURCE_CHARS", "RUBRIC", "SIGNATURES", "VERSION", "Rubric200"]
