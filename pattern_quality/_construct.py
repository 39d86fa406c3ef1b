"""How the value objects of :mod:`pattern_quality.models` are built and validated.

The attrs classes there declare their fields; the converters here validate each
field (and name it in the error), and the fast paths build an object without
running them when every value already has exactly the expected type and range,
which is what the backfill's hot paths give. Anything else goes through the
converters, so an object that exists is valid either way.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from numbers import Real
from typing import TYPE_CHECKING, Any, Final

from .errors import PatternValidationError
from .ids import pattern_id_text as _pattern_id

if TYPE_CHECKING:
    from .models import Finding, Pattern, QualityScore

__all__ = ["check_unit_interval", "finding_effect", "pattern_from_mapping", "score_from_parts"]

# Construction without converters, for values already checked (the fast paths below).
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


def _utc(value: object) -> datetime:
    if type(value) is datetime and value.tzinfo is UTC:
        return value
    if not isinstance(value, datetime):
        raise _type_error("measurement_timestamp", "a timezone-aware datetime", value)
    if value.tzinfo is None or value.utcoffset() is None:
        raise PatternValidationError(
            f"measurement_timestamp: expected a timezone-aware datetime, got naive {value!r}"
        )
    try:
        return value.astimezone(UTC)
    except OverflowError:  # e.g. year 1 at +01:00: before datetime.min in UTC
        raise PatternValidationError(
            f"measurement_timestamp: {value.isoformat()} is out of range once in UTC"
        ) from None


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
    from .models import Finding  # models imports this module

    if isinstance(value, str | bytes | Mapping) or not isinstance(value, Iterable):
        raise _type_error("findings", "a sequence of Finding", value)
    found = value if isinstance(value, tuple) else tuple(value)
    for i, item in enumerate(found):
        if not isinstance(item, Finding):
            raise _type_error(f"findings[{i}]", "a Finding", item)
    return found


def finding_effect(value: object) -> float:
    """Validate :attr:`Finding.effect`: a real number that fits a float.

    A float is taken as it is (a non-finite one is stored as 0.0, see
    docs/storage.md); an ``int`` too large for a float, a ``bool`` or a
    non-number is refused.

    Args:
        value: The effect.

    Returns:
        It as a float.

    Raises:
        PatternValidationError: Not a real number, or too large for a float.
    """
    if type(value) is float:
        return value
    if isinstance(value, bool) or not isinstance(value, Real):
        raise _type_error("effect", "a real number", value)
    try:
        return float(value)
    except OverflowError:  # e.g. 10**400 from JSON
        raise PatternValidationError(
            f"effect: expected a number that fits a float, got {_short_repr(value)}"
        ) from None


def _extra_scores(value: object) -> tuple[tuple[str, float], ...]:
    """Extra dimension scores as ``((key, score), ...)``, each key ending ``_score``."""
    if value is None:
        return ()
    items = value.items() if isinstance(value, Mapping) else value
    if isinstance(items, str | bytes) or not isinstance(items, Iterable):
        raise _type_error("extra_scores", "a mapping of dimension keys to scores", value)
    out = []
    for item in items:
        if not (isinstance(item, tuple) and len(item) == 2 and isinstance(item[0], str)):
            raise _type_error("extra_scores", "(key, score) pairs", item)
        key, score = item
        if not key.endswith("_score"):
            raise PatternValidationError(f"extra_scores: key {key!r} must end with '_score'")
        out.append((key, check_unit_interval(key, score)))
    return tuple(out)


def _version(value: object) -> str:
    return _str("version", value)


def _content_hash(value: object) -> str | None:
    return _opt_str("content_hash", value)


def _now() -> datetime:
    return datetime.now(UTC)


def _opt_utc(value: object) -> datetime | None:
    return None if value is None else _utc(value)


def pattern_from_mapping(cls: type[Pattern], data: Mapping[str, Any]) -> Pattern:
    """The body of :meth:`Pattern.from_mapping <pattern_quality.models.Pattern.from_mapping>`."""
    if isinstance(data, cls):
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


def score_from_parts(
    cls: type[QualityScore],
    pattern: Pattern,
    composite: float,
    dims: tuple[float, float, float, float, float],
    timestamp: datetime,
    version: str,
    findings: tuple[Finding, ...],
    content_hash: str | None,
    extra: tuple[tuple[str, float], ...] = (),
) -> QualityScore:
    """The body of ``QualityScore._from_parts`` (the scorer's hot path).

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
        and all(type(v) is float and 0.0 <= v <= 1.0 for _, v in extra)
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
            extra_scores=extra,
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
    _set(self, "extra_scores", extra)
    return self
