"""Value objects: :class:`Pattern` (scorer input), :class:`QualityScore` (its output),
:class:`StoredQuality` (a stored row) and :class:`Tier`.

All are frozen, slotted attrs classes. Construction validates: an object that
exists is valid, so the stores and the scorer never re-check what the types
already guarantee.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from numbers import Real
from typing import Any, Final

import attrs

from .errors import PatternValidationError
from .ids import pattern_id_text as _pattern_id

__all__ = [
    "DIMENSION_KEYS",
    "EXCELLENT_THRESHOLD",
    "FAIR_THRESHOLD",
    "GOOD_THRESHOLD",
    "Finding",
    "Pattern",
    "QualityScore",
    "StoredQuality",
    "Tier",
]

#: Lower bounds of the tiers (SPEC §3): excellent >= 0.9, good >= 0.7, fair >= 0.5.
EXCELLENT_THRESHOLD: Final = 0.9
GOOD_THRESHOLD: Final = 0.7
FAIR_THRESHOLD: Final = 0.5

#: The five dimensions as they are keyed in the stored ``metadata`` JSON (SPEC §4),
#: in composite order.
DIMENSION_KEYS: Final = (
    "completeness_score",
    "documentation_score",
    "onex_compliance_score",
    "metadata_richness_score",
    "complexity_score",
)

# Construction without converters, for values already checked (see from_mapping).
_new = object.__new__
_set = object.__setattr__

_PATTERN_KEYS: Final = frozenset(
    {
        "pattern_id",
        "pattern_name",
        "code",
        "text",
        "metadata",
        "node_type",
        "use_cases",
        "examples",
        "confidence",
    }
)


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
    effect: float
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


def _type_error(field: str, expected: str, value: object) -> PatternValidationError:
    return PatternValidationError(
        f"{field}: expected {expected}, got {type(value).__name__} {_short_repr(value)}"
    )


def _short_repr(value: object, limit: int = 60) -> str:
    try:
        text = repr(value)
    except ValueError:  # e.g. an int with more digits than repr() allows
        return f"<{type(value).__name__} too large to show>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def check_unit_interval(field: str, value: object) -> float:
    """Return ``value`` as a float, checking it is a finite real number in [0, 1].

    Args:
        field: The field name used in the error message.
        value: The value to check. ``bool`` is rejected although it is an ``int``.

    Returns:
        The value as a ``float``.

    Raises:
        PatternValidationError: Not a real number, not finite, or outside [0, 1].
    """
    if type(value) is float and 0.0 <= value <= 1.0:  # fast path; NaN fails the test
        return value
    if isinstance(value, bool) or not isinstance(value, Real):
        raise _type_error(field, "a real number in [0, 1]", value)
    try:
        number = float(value)
    except OverflowError:  # an int too large for a float, e.g. 10**400 from JSON
        raise PatternValidationError(
            f"{field}: expected a number in [0, 1], got {_short_repr(value)}"
        ) from None
    if not math.isfinite(number):
        raise PatternValidationError(f"{field}: expected a finite number in [0, 1], got {number!r}")
    if not 0.0 <= number <= 1.0:
        raise PatternValidationError(f"{field}: expected a number in [0, 1], got {number!r}")
    return number


def _opt_str(field: str, value: object) -> str | None:
    if value is None or isinstance(value, str):
        return value
    raise _type_error(field, "str", value)


def _str(field: str, value: object) -> str:
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    raise _type_error(field, "str", value)


def _seq(field: str, value: object) -> tuple[Any, ...]:
    if value is None:
        return ()
    if isinstance(value, tuple):
        return value
    if isinstance(value, list):
        return tuple(value)
    raise _type_error(field, "a list or tuple", value)


def _mapping(field: str, value: object) -> Mapping[str, Any]:
    if type(value) is dict:
        return value
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return value
    raise _type_error(field, "a mapping", value)


def _confidence(value: object) -> float:
    return 0.0 if value is None else check_unit_interval("confidence", value)


# Named converters (mypy's attrs plugin does not follow lambdas or partials).
def _pattern_name(value: object) -> str:
    return _str("pattern_name", value)


def _code(value: object) -> str:
    return _str("code", value)


def _text(value: object) -> str:
    return _str("text", value)


def _metadata(value: object) -> Mapping[str, Any]:
    return _mapping("metadata", value)


def _extra(value: object) -> Mapping[str, Any]:
    return _mapping("extra", value)


def _node_type(value: object) -> str | None:
    return _opt_str("node_type", value)


def _use_cases(value: object) -> tuple[Any, ...]:
    return _seq("use_cases", value)


def _examples(value: object) -> tuple[Any, ...]:
    return _seq("examples", value)


@attrs.frozen(slots=True)
class Pattern:
    """One code pattern, the scorer's input (SPEC §2).

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
        """Build a pattern from a retrieved mapping (SPEC §2).

        Args:
            data: Any mapping; missing keys and ``None`` values mean "missing".

        Returns:
            The validated pattern.

        Raises:
            PatternValidationError: ``data`` is not a mapping, or a field has the
                wrong type (the message names the field, the expected type and the
                value given), or ``confidence`` is NaN, infinite or outside [0, 1].
        """
        if isinstance(data, Pattern):
            return data
        if not isinstance(data, Mapping):
            raise _type_error("pattern", "a mapping", data)
        # Hot path of every backfill: values of the expected exact type are taken
        # as they are; anything else goes through the validating converters.
        get = data.get
        pattern_id = get("pattern_id")
        if pattern_id is not None and type(pattern_id) is not str:
            pattern_id = _pattern_id(pattern_id)
        name = get("pattern_name")
        if type(name) is not str:
            name = _pattern_name(name)
        code = get("code")
        if type(code) is not str:
            code = _code(code)
        text = get("text")
        if type(text) is not str:
            text = _text(text)
        metadata = get("metadata")
        if type(metadata) is not dict:
            metadata = _metadata(metadata)
        node_type = get("node_type")
        if node_type is not None and type(node_type) is not str:
            node_type = _node_type(node_type)
        use_cases = _use_cases(get("use_cases"))
        examples = _examples(get("examples"))
        confidence = get("confidence")
        if not (type(confidence) is float and 0.0 <= confidence <= 1.0):
            confidence = _confidence(confidence)
        if data.keys() <= _PATTERN_KEYS:
            extra: dict[str, Any] = {}
        else:
            extra = {k: v for k, v in data.items() if k not in _PATTERN_KEYS}
        self = _new(cls)
        _set(self, "pattern_id", pattern_id)
        _set(self, "pattern_name", name)
        _set(self, "code", code)
        _set(self, "text", text)
        _set(self, "metadata", metadata)
        _set(self, "node_type", node_type)
        _set(self, "use_cases", use_cases)
        _set(self, "examples", examples)
        _set(self, "confidence", confidence)
        _set(self, "extra", extra)
        return self

    def to_dict(self) -> dict[str, Any]:
        """Return the pattern as a plain mapping (SPEC §2 keys, then the extra keys).

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


def _utc(value: object) -> datetime:
    if type(value) is datetime and value.tzinfo is UTC:
        return value
    if not isinstance(value, datetime):
        raise _type_error("measurement_timestamp", "a timezone-aware datetime", value)
    if value.tzinfo is None or value.utcoffset() is None:
        raise PatternValidationError(
            f"measurement_timestamp: expected a timezone-aware datetime, got naive {value!r}"
        )
    return value.astimezone(UTC)


def _composite(value: object) -> float:
    return check_unit_interval("composite_score", value)


def _completeness(value: object) -> float:
    return check_unit_interval("completeness_score", value)


def _documentation(value: object) -> float:
    return check_unit_interval("documentation_score", value)


def _onex(value: object) -> float:
    return check_unit_interval("onex_compliance_score", value)


def _richness(value: object) -> float:
    return check_unit_interval("metadata_richness_score", value)


def _complexity(value: object) -> float:
    return check_unit_interval("complexity_score", value)


def _score_confidence(value: object) -> float:
    return check_unit_interval("confidence", value)


def _findings(value: Iterable[Finding]) -> tuple[Finding, ...]:
    return value if isinstance(value, tuple) else tuple(value)


def _version(value: object) -> str:
    return _str("version", value)


def _content_hash(value: object) -> str | None:
    return _opt_str("content_hash", value)


def _now() -> datetime:
    return datetime.now(UTC)


@attrs.frozen(slots=True)
class QualityScore:
    """The score of one pattern: the composite, the five dimensions, and provenance.

    Every score and the confidence are finite floats in [0, 1] and the timestamp
    is an aware UTC datetime; anything else raises :class:`PatternValidationError`
    at construction.

    Attributes:
        pattern_id: The pattern's id as given (validated as a UUID by the stores).
        pattern_name: The pattern's name.
        composite_score: Weighted sum of the dimensions (SPEC §3 order).
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
    ) -> QualityScore:
        """Build a score from a validated pattern and rubric output (the scorer's hot path).

        The identity fields, confidence and timestamp come from already-validated
        objects; the six scores are still range-checked, and anything unusual goes
        through the validating constructor, which raises.
        """
        c, d, o, m, x = dims
        if not (
            type(composite) is float
            and 0.0 <= composite <= 1.0
            and 0.0 <= c <= 1.0
            and 0.0 <= d <= 1.0
            and 0.0 <= o <= 1.0
            and 0.0 <= m <= 1.0
            and 0.0 <= x <= 1.0
            and type(c) is type(d) is type(o) is type(m) is type(x) is float
            and timestamp.tzinfo is UTC
            and (content_hash is None or type(content_hash) is str)
        ):
            return cls(
                pattern_id=pattern.pattern_id,
                pattern_name=pattern.pattern_name,
                composite_score=composite,
                completeness_score=c,
                documentation_score=d,
                onex_compliance_score=o,
                metadata_richness_score=m,
                complexity_score=x,
                confidence=pattern.confidence,
                measurement_timestamp=timestamp,
                version=version,
                findings=findings,
                content_hash=content_hash,
            )
        self = _new(cls)
        _set(self, "pattern_id", pattern.pattern_id)
        _set(self, "pattern_name", pattern.pattern_name)
        _set(self, "composite_score", composite)
        _set(self, "completeness_score", c)
        _set(self, "documentation_score", d)
        _set(self, "onex_compliance_score", o)
        _set(self, "metadata_richness_score", m)
        _set(self, "complexity_score", x)
        _set(self, "confidence", pattern.confidence)
        _set(self, "measurement_timestamp", timestamp)
        _set(self, "version", version)
        _set(self, "findings", findings)
        _set(self, "content_hash", content_hash)
        return self

    @property
    def tier(self) -> Tier:
        """The tier of :attr:`composite_score`."""
        return Tier.from_score(self.composite_score)

    @property
    def dimension_scores(self) -> dict[str, float]:
        """The five dimension scores keyed as in the stored ``metadata`` (SPEC §4)."""
        return {
            "completeness_score": self.completeness_score,
            "documentation_score": self.documentation_score,
            "onex_compliance_score": self.onex_compliance_score,
            "metadata_richness_score": self.metadata_richness_score,
            "complexity_score": self.complexity_score,
        }

    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready mapping: every field, the tier, the timestamp in ISO 8601.

        Returns:
            A new ``dict``.
        """
        out = attrs.asdict(self, recurse=False)
        out["measurement_timestamp"] = self.measurement_timestamp.isoformat()
        out["findings"] = [f.to_dict() for f in self.findings]
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


def _opt_utc(value: object) -> datetime | None:
    return None if value is None else _utc(value)


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

    def to_score(self) -> QualityScore:
        """Return the plain :class:`QualityScore` part of this row.

        Returns:
            A new ``QualityScore`` with the same score fields.
        """
        fields = attrs.fields(QualityScore)
        return QualityScore(**{f.name: getattr(self, f.name) for f in fields})
