"""Summaries of many scores: tier distribution and dimension averages, as data and as text.

Used by ``pattern-quality demo`` and meant for every command that scores or reads
many patterns (backfill, report). Scores are consumed one at a time, so a
summary of a whole collection never holds the scores in memory.

Example:
    >>> from pattern_quality import PatternQualityScorer
    >>> from pattern_quality.report import format_summary, summarize
    >>> scorer = PatternQualityScorer(explain=False)
    >>> summary = summarize(scorer.score_many([{"code": "import os"}]))
    >>> summary.total, summary.tier_counts["poor"]
    (1, 1)
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from types import MappingProxyType
from typing import Final

import attrs

from .models import DIMENSION_KEYS, QualityScore, Tier

__all__ = ["Summary", "SummaryBuilder", "format_summary", "summarize"]

_BAR_WIDTH: Final = 40


def _frozen_counts(value: Mapping[str, int]) -> Mapping[str, int]:
    return MappingProxyType(dict(value))


def _frozen_floats(value: Mapping[str, float]) -> Mapping[str, float]:
    return MappingProxyType(dict(value))


@attrs.frozen(slots=True)
class Summary:
    """The distribution of many scores.

    Attributes:
        total: Number of scores summarised.
        tier_counts: Count per tier value (``"excellent"``, ``"good"``, ``"fair"``,
            ``"poor"``, in that order; every tier present, possibly 0).
        dimension_averages: Mean of each dimension keyed as in
            :data:`~pattern_quality.models.DIMENSION_KEYS`, then ``"composite_score"``
            (all 0.0 when ``total`` is 0).
        versions: Rubric versions seen, sorted.
    """

    total: int
    tier_counts: Mapping[str, int] = attrs.field(converter=_frozen_counts)
    dimension_averages: Mapping[str, float] = attrs.field(converter=_frozen_floats)
    versions: tuple[str, ...] = ()

    def tier_percent(self, tier: Tier | str) -> float:
        """Return the share of a tier in percent.

        Args:
            tier: A :class:`Tier` or its value.

        Returns:
            ``100 * count / total``, or 0.0 when nothing was summarised.
        """
        if not self.total:
            return 0.0
        return 100.0 * self.tier_counts[Tier(tier).value] / self.total


_AVERAGED: Final = (*DIMENSION_KEYS, "composite_score")


class SummaryBuilder:
    """Accumulates scores one at a time into a :class:`Summary`.

    Example:
        >>> builder = SummaryBuilder()
        >>> builder.summary().total
        0
    """

    def __init__(self) -> None:
        """Start with nothing counted."""
        self._total = 0
        self._tiers = dict.fromkeys((t.value for t in Tier), 0)
        self._values: dict[str, list[float]] = {key: [] for key in _AVERAGED}
        self._without_dimensions = 0  # legacy rows: composite only (NaN dimensions)
        self._versions: set[str] = set()

    def add(self, score: QualityScore) -> None:
        """Count one score.

        Args:
            score: The score to count.
        """
        self._total += 1
        self._tiers[score.tier.value] += 1
        values = self._values
        if math.isnan(score.completeness_score):  # a legacy row: dimensions unknown
            self._without_dimensions += 1
        else:
            values["completeness_score"].append(score.completeness_score)
            values["documentation_score"].append(score.documentation_score)
            values["onex_compliance_score"].append(score.onex_compliance_score)
            values["metadata_richness_score"].append(score.metadata_richness_score)
            values["complexity_score"].append(score.complexity_score)
        values["composite_score"].append(score.composite_score)
        self._versions.add(score.version)
        if len(values["composite_score"]) >= 4096:  # keep memory flat: fold into one partial
            for key, column in values.items():
                values[key] = [math.fsum(column)]

    def summary(self) -> Summary:
        """Return the summary of everything added so far.

        Returns:
            A new :class:`Summary`; the builder can keep accumulating.
        """
        n = self._total
        known = n - self._without_dimensions  # rows with dimension scores
        averages = {
            k: (math.fsum(v) / m if (m := n if k == "composite_score" else known) else 0.0)
            for k, v in self._values.items()
        }
        return Summary(
            total=n,
            tier_counts=self._tiers,
            dimension_averages=averages,
            versions=tuple(sorted(self._versions)),
        )


def summarize(scores: Iterable[QualityScore]) -> Summary:
    """Summarise scores: count per tier, average per dimension.

    Args:
        scores: Any iterable of scores; consumed lazily, once.

    Returns:
        The :class:`Summary`.
    """
    builder = SummaryBuilder()
    for score in scores:
        builder.add(score)
    return builder.summary()


def format_summary(summary: Summary, *, title: str | None = None) -> str:
    """Render a summary as a plain-text block (ASCII bars, no trailing newline).

    Args:
        summary: The summary to render.
        title: First line; defaults to ``"Scored N patterns (rubric ...)"``.

    Returns:
        The tier table (count, percent, bar) followed by the dimension averages.
    """
    if title is None:
        rubric = ", ".join(summary.versions) or "-"
        noun = "pattern" if summary.total == 1 else "patterns"
        title = f"Scored {summary.total:,} {noun} (rubric {rubric})"
    lines = [title, "", f"{'tier':<10} {'count':>7} {'share':>7}"]
    for tier in Tier:
        count = summary.tier_counts[tier.value]
        percent = summary.tier_percent(tier)
        bar = "#" * round(percent / 100 * _BAR_WIDTH)
        lines.append(f"{tier.value:<10} {count:>7,} {percent:>6.1f}%  {bar}".rstrip())
    lines += ["", "dimension averages"]
    for key, value in summary.dimension_averages.items():
        label = key.removesuffix("_score")
        lines.append(f"  {label:<18} {value:.3f}")
    return "\n".join(lines)
