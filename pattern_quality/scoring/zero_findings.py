"""Why a dimension scored 0.0: the finding the scorer adds when the rubric gave none.

A rubric appends a :class:`~pattern_quality.models.Finding` for every rule that
*earned* something, so a dimension where nothing earned credit could end up at
0.000 with no finding at all. :func:`explain_zeros` closes that gap for every
rubric in one place: it never changes a score, it only adds one zero-effect
``nothing_found`` finding naming what the dimension rewards and what was missing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Final

from ..models import Finding

__all__ = ["NOTHING_FOUND", "ZERO_REASONS", "explain_zeros"]

#: The rule name of the finding :func:`explain_zeros` adds.
NOTHING_FOUND: Final = "nothing_found"

_NO_TEXT: Final = "and no description over 100 characters"

#: What was missing when a dimension scored 0.0 without a finding, by rubric version.
ZERO_REASONS: Final[Mapping[str, Mapping[str, str]]] = {
    "1.0.0": {
        "documentation": f"no triple-quoted string, no '#' comment, no type hint {_NO_TEXT}",
        "metadata_richness": "no use cases, no examples and at most 3 metadata keys",
    },
    "2.0.0": {
        "documentation": f"no code to read {_NO_TEXT}",
        "metadata_richness": "no use cases, no examples and at most 3 metadata keys with values",
    },
    "3.0.0": {
        "documentation": f"no code to read {_NO_TEXT}",
        "metadata_richness": "no use cases, no examples, no contract fields and no other "
        "metadata keys with values",
    },
}


def _reason(version: str, dimension: str) -> str:
    known = ZERO_REASONS.get(version, {}).get(dimension)
    if known is not None:
        return known
    return f"nothing that rubric {version} rewards in {dimension.replace('_', ' ')} was found"


def explain_zeros(
    version: str, scores: Iterable[tuple[str, float]], findings: Sequence[Finding]
) -> tuple[Finding, ...]:
    """Return ``findings`` plus one ``nothing_found`` finding per silent zero dimension.

    Args:
        version: The rubric version that scored.
        scores: ``(dimension, score)`` pairs; a ``_score`` suffix of the name is
            dropped (``completeness`` and ``completeness_score`` are the same).
        findings: The rubric's findings.

    Returns:
        The findings, in order, followed by a zero-effect finding for each dimension
        scored exactly 0.0 that has none (the same tuple contents when there is
        nothing to add).
    """
    explained = {f.dimension for f in findings}
    added = [
        Finding(dimension, NOTHING_FOUND, 0.0, _reason(version, dimension))
        for key, value in scores
        if value == 0.0 and (dimension := key.removesuffix("_score")) not in explained
    ]
    return (*findings, *added)
