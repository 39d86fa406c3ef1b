"""The legacy mapping of a Qdrant point to a :class:`~pattern_quality.models.Pattern`.

One home for the rules of docs/legacy.md ("Qdrant points to patterns"): which
payload key feeds which pattern field, and how a point id becomes a pattern id;
and for :class:`PointFailure`, what a source yields in place of a point whose
payload cannot become a valid pattern.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, Final

import attrs

from ..errors import PatternValidationError
from ..ids import parse_pattern_id
from ..models import Pattern

__all__ = [
    "DEFAULT_COLLECTIONS",
    "KNOWN_COLLECTIONS",
    "POINT_ID_NAMESPACE",
    "PointFailure",
    "failure_reason",
    "pattern_id_for_point",
    "point_failure",
    "point_to_pattern",
]

#: Namespace of the uuid5 ids given to points whose id is not a UUID
#: (docs/legacy.md#qdrant-points-to-patterns).
POINT_ID_NAMESPACE: Final = uuid.UUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
_POINT_ID_PREFIX: Final = "qdrant-pattern-"

#: The legacy collections (docs/legacy.md#qdrant-points-to-patterns).
KNOWN_COLLECTIONS: Final = (
    "code_patterns",
    "execution_patterns",
    "archon_vectors",
    "quality_vectors",
)
#: Collections scanned when none are named.
DEFAULT_COLLECTIONS: Final = ("code_patterns", "execution_patterns")


@attrs.frozen(slots=True)
class PointFailure:
    """A point whose payload could not become a valid :class:`Pattern`.

    Sources yield these in place of the pattern, and the scan goes on.

    Attributes:
        collection: The collection the point came from (``""`` for other sources).
        point_id: The point id as Qdrant returned it (``int`` or ``str``), or the
            item's id for other sources.
        pattern_id: The pattern id the point maps to, when it could be computed.
        reason: A short grouping key, e.g. ``metadata: expected a mapping``.
        detail: The full message, with the offending value.
    """

    collection: str
    point_id: int | str | None
    pattern_id: str | None
    reason: str
    detail: str

    def to_dict(self) -> dict[str, Any]:
        """Return the failure as a JSON-ready mapping.

        Returns:
            ``{"collection", "point_id", "pattern_id", "reason", "detail"}``.
        """
        return {
            "collection": self.collection,
            "point_id": self.point_id,
            "pattern_id": self.pattern_id,
            "reason": self.reason,
            "detail": self.detail,
        }


def failure_reason(message: str) -> str:
    """Return the grouping key of a validation message: the text before ``, got``.

    Args:
        message: A :class:`PatternValidationError` message such as
            ``"metadata: expected a mapping, got str 'x'"``.

    Returns:
        ``"metadata: expected a mapping"``; the whole first line when there is no ``, got``.
    """
    head = message.split(", got ", 1)[0]
    return head.splitlines()[0] if head else message


def pattern_id_for_point(point_id: object) -> str:
    """Return the pattern id of a Qdrant point id (docs/legacy.md#qdrant-points-to-patterns).

    Args:
        point_id: The point id: a UUID string (any spelling
            :func:`~pattern_quality.ids.canonical_pattern_id` accepts), a
            :class:`uuid.UUID`, or an integer.

    Returns:
        The canonical lowercase UUID when the id parses as one; otherwise
        ``uuid5(POINT_ID_NAMESPACE, "qdrant-pattern-" + str(point_id))``.
    """
    canonical = parse_pattern_id(point_id)
    if canonical is not None:
        return canonical
    return str(uuid.uuid5(POINT_ID_NAMESPACE, _POINT_ID_PREFIX + str(point_id)))


def _default(value: object, default: str) -> object:
    return default if value is None else value


def _first(payload: Mapping[str, Any], *keys: str) -> Any:
    # The legacy tool chained the keys with Python ``or``: a missing, null or
    # falsy value ("" , 0.0, [], {}) falls back to the next key
    # (docs/legacy.md#qdrant-points-to-patterns). Stored rows were computed so.
    for key in keys:
        value = payload.get(key)
        if value:
            return value
    return None


def point_to_pattern(
    collection: str, point_id: int | str | uuid.UUID, payload: Mapping[str, Any] | None
) -> Pattern:
    """Map one Qdrant point to a :class:`Pattern` (docs/legacy.md#qdrant-points-to-patterns).

    As the legacy tool did, with Python ``or``: ``code`` falls back to
    ``content_preview``, ``text`` to ``description``, ``node_type`` to the first
    element of ``node_types`` and ``confidence`` to ``pattern_confidence`` when
    the first key is missing, ``null`` or falsy (``""``, ``0``, ``0.0``);
    ``pattern_name`` defaults to ``unnamed_pattern`` when missing or ``null``.

    Args:
        collection: The collection name (kept in :attr:`Pattern.extra`).
        point_id: The point id.
        payload: The point's payload (``None`` for a point without one).

    Returns:
        The pattern; :attr:`Pattern.extra` holds ``collection`` and ``point_id``.

    Raises:
        PatternValidationError: A field has the wrong type or an invalid value.
    """
    data: Mapping[str, Any] = {} if payload is None else payload
    node_type = data.get("node_type")
    if not node_type:  # legacy ``or``: "" falls back to node_types too
        node_types = data.get("node_types")
        if node_types is not None and not isinstance(node_types, list | tuple):
            raise PatternValidationError(
                f"node_types: expected a list, got {type(node_types).__name__} {_short(node_types)}"
            )
        node_type = node_types[0] if node_types else None
    return Pattern(
        pattern_id=pattern_id_for_point(point_id),
        pattern_name=_default(data.get("pattern_name"), "unnamed_pattern"),
        code=_first(data, "code", "content_preview"),
        text=_first(data, "text", "description"),
        metadata=data.get("metadata"),
        node_type=node_type,
        use_cases=data.get("use_cases"),
        examples=data.get("examples"),
        confidence=_first(data, "confidence", "pattern_confidence"),
        extra={
            "collection": collection,
            "point_id": str(point_id) if isinstance(point_id, uuid.UUID) else point_id,
        },
    )


def _short(value: object, limit: int = 60) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def point_failure(
    collection: str, point_id: int | str, exc: PatternValidationError
) -> PointFailure:
    """Build the failure record of a point that :func:`point_to_pattern` rejected.

    Args:
        collection: The collection name.
        point_id: The point id.
        exc: The validation error.

    Returns:
        The failure, grouped by :func:`failure_reason`.
    """
    message = str(exc)
    return PointFailure(
        collection=collection,
        point_id=point_id,
        pattern_id=pattern_id_for_point(point_id),
        reason=failure_reason(message),
        detail=message,
    )
