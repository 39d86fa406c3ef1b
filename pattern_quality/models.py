"""Value objects: :class:`Pattern` (scorer input), :class:`QualityScore` (its output),
:class:`StoredQuality` (a stored row) and :class:`Tier`.

All are frozen, slotted attrs classes. Construction validates: an object that
exists is valid, so the stores and the scorer never re-check what the types
already guarantee.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Mapping
from datetime import datetime
from typing import Any, Final, NamedTuple

import attrs

from ._construct import (
    _code,
    _completeness,
    _complexity,
    _composite,
    _confidence,
    _content_hash,
    _documentation,
    _examples,
    _extra,
    _extra_scores,
    _findings,
    _metadata,
    _node_type,
    _now,
    _onex,
    _opt_utc,
    _pattern_name,
    _richness,
    _score_confidence,
    _text,
    _use_cases,
    _utc,
    _version,
    finding_effect,
    pattern_from_mapping,
    score_from_parts,
)
from .ids import pattern_id_text as _pattern_id

__all__ = [
    "DIMENSION_KEYS",
    "EXCELLENT_THRESHOLD",
    "EXTRA_DIMENSION_KEYS",
    "FAIR_THRESHOLD",
    "GOOD_THRESHOLD",
    "Finding",
    "Pattern",
    "QualityBrief",
    "QualityScore",
    "StoredQuality",
    "Tier",
]

#: Lower bounds of the tiers (docs/legacy.md#rubric-100): excellent >= 0.9, good >= 0.7,
#: fair >= 0.5.
EXCELLENT_THRESHOLD: Final = 0.9
GOOD_THRESHOLD: Final = 0.7
FAIR_THRESHOLD: Final = 0.5

#: The five dimensions as they are keyed in the stored ``metadata`` JSON, in composite
#: order (docs/legacy.md#the-legacy-table).
DIMENSION_KEYS: Final = (
    "completeness_score",
    "documentation_score",
    "onex_compliance_score",
    "metadata_richness_score",
    "complexity_score",
)

#: Dimensions of newer rubrics that the table has no column for (3.0.0: substance and
#: robustness); kept in the stored ``metadata`` JSON under these keys and read back.
EXTRA_DIMENSION_KEYS: Final = ("substance_score", "robustness_score")


class Tier(enum.StrEnum):
    """Quality tier of a composite score."""

    EXCELLENT = "excellent"
    GOOD = "good"
    FAIR = "fair"
    POOR = "poor"

    @classmethod
    def from_score(cls, score: float) -> Tier:
        """Return the tier of a composite score.

        Args:
            score: A composite score in [0, 1].

        Returns:
            ``EXCELLENT`` for >= 0.9, ``GOOD`` for >= 0.7, ``FAIR`` for >= 0.5, else ``POOR``.
        """
        if score >= EXCELLENT_THRESHOLD:
            return cls.EXCELLENT
        if score >= GOOD_THRESHOLD:
            return cls.GOOD
        if score >= FAIR_THRESHOLD:
            return cls.FAIR
        return cls.POOR


@attrs.frozen(slots=True)
class Finding:
    """One reason a dimension scored as it did.

    Attributes:
        dimension: The dimension it belongs to: ``completeness``, ``documentation``,
            ``onex_compliance``, ``metadata_richness`` or ``complexity``.
        rule: A short stable rule name, e.g. ``marker:TODO`` or ``stub``.
        effect: The signed amount the rule added to the dimension before clamping.
        detail: Optional human detail, e.g. ``line 12: stub 'load'``.
    """

    dimension: str
    rule: str
    effect: float = attrs.field(converter=finding_effect)
    detail: str = ""

    def to_dict(self) -> dict[str, Any]:
        """Return the finding as a JSON-ready mapping.

        Returns:
            ``{"dimension", "rule", "effect", "detail"}``.
        """
        return {
            "dimension": self.dimension,
            "rule": self.rule,
            "effect": self.effect,
            "detail": self.detail,
        }


@attrs.frozen(slots=True)
class Pattern:
    """One code pattern, the scorer's input (docs/legacy.md#pattern-input).

    Build it from a retrieved mapping with :meth:`from_mapping`. Missing keys and
    ``None`` values take the defaults below; unknown keys are kept in :attr:`extra`.

    Attributes:
        pattern_id: Identity, text (validated as a UUID only when stored).
        pattern_name: Name such as ``UserAuthEffect``; ``""`` when missing.
        code: Source code; ``""`` when missing.
        text: Free-text description; ``""`` when missing.
        metadata: Free-form mapping; ``metadata["complexity"]`` may declare a level.
        node_type: ONEX node type (effect, compute, reducer, orchestrator) or ``None``.
        use_cases: Use-case descriptions.
        examples: Usage examples.
        confidence: Confidence in [0, 1]; 0.0 when missing.
        extra: Keys of the input mapping that are not pattern fields.
    """

    pattern_id: str | None = attrs.field(default=None, converter=_pattern_id)
    pattern_name: str = attrs.field(default="", converter=_pattern_name)
    code: str = attrs.field(default="", converter=_code)
    text: str = attrs.field(default="", converter=_text)
    metadata: Mapping[str, Any] = attrs.field(factory=dict, converter=_metadata)
    node_type: str | None = attrs.field(default=None, converter=_node_type)
    use_cases: tuple[Any, ...] = attrs.field(default=(), converter=_use_cases)
    examples: tuple[Any, ...] = attrs.field(default=(), converter=_examples)
    confidence: float = attrs.field(default=0.0, converter=_confidence)
    extra: Mapping[str, Any] = attrs.field(factory=dict, converter=_extra)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Pattern:
        """Build a pattern from a retrieved mapping (docs/legacy.md#pattern-input).

        Args:
            data: Any mapping; missing keys and ``None`` values mean "missing".

        Returns:
            The validated pattern.

        Raises:
            PatternValidationError: ``data`` is not a mapping, or a field has the
                wrong type (the message names the field, the expected type and the
                value given), or ``confidence`` is NaN, infinite or outside [0, 1].
        """
        return pattern_from_mapping(cls, data)

    def to_dict(self) -> dict[str, Any]:
        """Return the pattern as a plain mapping: the legacy keys, then the extra ones.

        Returns:
            A new ``dict``; lists are returned as lists.
        """
        out: dict[str, Any] = {
            "pattern_id": self.pattern_id,
            "pattern_name": self.pattern_name,
            "code": self.code,
            "text": self.text,
            "metadata": dict(self.metadata),
            "node_type": self.node_type,
            "use_cases": list(self.use_cases),
            "examples": list(self.examples),
            "confidence": self.confidence,
        }
        out.update(self.extra)
        return out


@attrs.frozen(slots=True)
class QualityScore:
    """The score of one pattern: the composite, the five dimensions, and provenance.

    Every score and the confidence are finite floats in [0, 1] and the timestamp
    is an aware UTC datetime; anything else raises :class:`PatternValidationError`
    at construction.

    Attributes:
        pattern_id: The pattern's id as given (validated as a UUID by the stores).
        pattern_name: The pattern's name.
        composite_score: Weighted sum of the dimensions (docs/legacy.md#rubric-100 order).
        completeness_score: Completeness dimension.
        documentation_score: Documentation dimension.
        onex_compliance_score: ONEX compliance dimension.
        metadata_richness_score: Metadata richness dimension.
        complexity_score: Complexity appropriateness dimension.
        confidence: Confidence of the pattern's source, in [0, 1].
        measurement_timestamp: When the score was measured (UTC).
        version: Rubric version that produced the score.
        findings: Why each dimension scored as it did (empty unless the scorer
            was asked to explain).
        content_hash: :func:`~pattern_quality.hashing.content_hash` of the scored
            pattern, when the scorer computed it (``None`` otherwise); stored
            with the row and compared by incremental re-scoring.
        extra_scores: ``(key, score)`` of the dimensions beyond the five of
            rubric 1.0.0, in composite order (rubric 3.0.0: ``substance_score``,
            ``robustness_score``); empty for rubrics 1.0.0 and 2.0.0.
    """

    pattern_id: str | None = attrs.field(converter=_pattern_id)
    pattern_name: str = attrs.field(converter=_pattern_name)
    composite_score: float = attrs.field(converter=_composite)
    completeness_score: float = attrs.field(converter=_completeness)
    documentation_score: float = attrs.field(converter=_documentation)
    onex_compliance_score: float = attrs.field(converter=_onex)
    metadata_richness_score: float = attrs.field(converter=_richness)
    complexity_score: float = attrs.field(converter=_complexity)
    confidence: float = attrs.field(default=0.0, converter=_score_confidence)
    measurement_timestamp: datetime = attrs.field(factory=_now, converter=_utc)
    version: str = attrs.field(default="1.0.0", converter=_version)
    findings: tuple[Finding, ...] = attrs.field(default=(), converter=_findings)
    content_hash: str | None = attrs.field(default=None, converter=_content_hash)
    extra_scores: tuple[tuple[str, float], ...] = attrs.field(default=(), converter=_extra_scores)

    @classmethod
    def _from_parts(
        cls,
        pattern: Pattern,
        composite: float,
        dims: tuple[float, float, float, float, float],
        timestamp: datetime,
        version: str,
        findings: tuple[Finding, ...],
        content_hash: str | None = None,
        extra: tuple[tuple[str, float], ...] = (),
    ) -> QualityScore:
        """Build a score from a validated pattern and rubric output (the scorer's hot path).

        The six scores are still range-checked, and anything unusual goes through
        the validating constructor, which raises (see :mod:`._construct`).
        """
        return score_from_parts(
            cls, pattern, composite, dims, timestamp, version, findings, content_hash, extra
        )

    @property
    def tier(self) -> Tier:
        """The tier of :attr:`composite_score`."""
        return Tier.from_score(self.composite_score)

    @property
    def dimension_scores(self) -> dict[str, float]:
        """Every dimension score keyed as in the stored ``metadata`` (see docs/legacy.md).

        The five of rubric 1.0.0, then :attr:`extra_scores` (rubric 3.0.0's
        ``substance_score`` and ``robustness_score``).
        """
        out = {
            "completeness_score": self.completeness_score,
            "documentation_score": self.documentation_score,
            "onex_compliance_score": self.onex_compliance_score,
            "metadata_richness_score": self.metadata_richness_score,
            "complexity_score": self.complexity_score,
        }
        if self.extra_scores:
            out.update(self.extra_scores)
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping: every field, the tier, the timestamp in ISO 8601.

        Returns:
            A new ``dict``.
        """
        out = attrs.asdict(self, recurse=False)
        out["measurement_timestamp"] = self.measurement_timestamp.isoformat()
        out["findings"] = [f.to_dict() for f in self.findings]
        out["extra_scores"] = dict(self.extra_scores)
        out["tier"] = self.tier.value
        return out

    def explain(self) -> str:
        """Render the score and the findings behind each dimension as readable text.

        Returns:
            A multi-line block: the composite and tier, then one line per
            dimension with its findings indented below it.
        """
        name = self.pattern_name or self.pattern_id or "pattern"
        lines = [f"{name}: {self.composite_score:.3f} ({self.tier.value}), rubric {self.version}"]
        for key, value in self.dimension_scores.items():
            dimension = key.removesuffix("_score")
            lines.append(f"  {dimension:<17} {value:.3f}")
            for f in self.findings:
                if f.dimension == dimension:
                    detail = f" - {f.detail}" if f.detail else ""
                    lines.append(f"    {f.effect:+.2f} {f.rule}{detail}")
        return "\n".join(lines)


@attrs.frozen(slots=True)
class StoredQuality(QualityScore):
    """A :class:`QualityScore` as stored, with the row's bookkeeping timestamps.

    Attributes:
        created_at: When the row was first written.
        updated_at: When the row was last written.
    """

    created_at: datetime | None = attrs.field(default=None, converter=_opt_utc)
    updated_at: datetime | None = attrs.field(default=None, converter=_opt_utc)

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping, timestamps in ISO 8601.

        Returns:
            A new ``dict``.
        """
        out = super().to_dict()
        for key in ("created_at", "updated_at"):
            value = getattr(self, key)
            out[key] = None if value is None else value.isoformat()
        return out

    @property
    def dimensions_known(self) -> bool:
        """``False`` for a legacy row stored without dimension scores (``metadata`` ``'{}'``).

        Such a row's composite is known and its five dimension scores are NaN;
        reports leave it out of the dimension averages and the backfill re-scores it.
        """
        return not math.isnan(self.completeness_score)

    def to_score(self) -> QualityScore:
        """Return the plain :class:`QualityScore` part of this row.

        Returns:
            A new ``QualityScore`` with the same score fields.
        """
        fields = attrs.fields(QualityScore)
        return QualityScore(**{f.name: getattr(self, f.name) for f in fields})


class QualityBrief(NamedTuple):
    """The part of a stored row the filter needs (``get_briefs``): no dimensions, no JSON.

    Attributes:
        composite_score: The stored composite.
        version: The rubric version that produced it.
        measurement_timestamp: When it was measured (UTC).
    """

    composite_score: float
    version: str
    measurement_timestamp: datetime
