"""I/O-free logic shared by the sync and async Qdrant sources.

The legacy point → pattern mapping (SPEC §5), the per-point failure record, the
``k/N`` shard rule and the translation of qdrant-client errors live here, so
:class:`~pattern_quality.qdrant.QdrantPatternSource` and its async twin cannot drift.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from typing import Any, Final

import attrs

from .._config import mask_dsn
from ..errors import CollectionNotFoundError, PatternQualityError, PatternValidationError
from ..ids import parse_pattern_id
from ..models import Pattern

__all__ = [
    "DEFAULT_COLLECTIONS",
    "DEFAULT_PAGE_SIZE",
    "KNOWN_COLLECTIONS",
    "LOCAL_PAGE_SIZE",
    "POINT_ID_NAMESPACE",
    "PointFailure",
    "QdrantUnavailableError",
    "Shard",
    "failure_reason",
    "missing_collections_error",
    "pattern_id_for_point",
    "point_failure",
    "point_to_pattern",
    "scrub",
    "translate_qdrant_error",
]

#: Namespace of the uuid5 ids given to points whose id is not a UUID (SPEC §5).
POINT_ID_NAMESPACE: Final = uuid.UUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
_POINT_ID_PREFIX: Final = "qdrant-pattern-"

#: The legacy collections (SPEC §5).
KNOWN_COLLECTIONS: Final = (
    "code_patterns",
    "execution_patterns",
    "archon_vectors",
    "quality_vectors",
)
#: Collections scanned when none are named.
DEFAULT_COLLECTIONS: Final = ("code_patterns", "execution_patterns")
#: Points fetched per ``scroll`` call from a Qdrant server (each call is one
#: HTTP round trip; a page of typical payloads stays around a few megabytes).
DEFAULT_PAGE_SIZE: Final = 1000
#: Points per ``scroll`` call in qdrant-client's local mode. Local mode sorts every
#: id of the collection on each call, so small pages make a full scroll quadratic;
#: very large ones pay for deep-copying the page's payloads at once. Measured
#: (docs/performance.md, "Backfill"), full scroll of 20k points: 1.9 s at 5,000 vs
#: 2.5 s at 1,000; of 100k points: 8.8 s at 5,000, 9.5 s at 10,000, 15.6 s at 1,000.
LOCAL_PAGE_SIZE: Final = 5000


class QdrantUnavailableError(PatternQualityError, ConnectionError):
    """Raised when Qdrant cannot be reached or refuses a request (e.g. a wrong API key).

    The message names the Qdrant location and the cause; it never contains the API key.
    """


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
    """Return the pattern id of a Qdrant point id (SPEC §5).

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
    # A key counts as absent when it is missing or null (SPEC §2).
    for key in keys:
        value = payload.get(key)
        if value is not None:
            return value
    return None


def point_to_pattern(
    collection: str, point_id: int | str | uuid.UUID, payload: Mapping[str, Any] | None
) -> Pattern:
    """Map one Qdrant point to a :class:`Pattern` with the legacy rules (SPEC §5).

    A payload key counts as absent when it is missing or ``null``. ``node_type``
    falls back to the first element of ``node_types``; ``code`` to
    ``content_preview``; ``text`` to ``description``; ``confidence`` to
    ``pattern_confidence``; ``pattern_name`` defaults to ``unnamed_pattern``.

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
    if node_type is None:
        node_types = data.get("node_types")
        if node_types is not None:
            if not isinstance(node_types, list | tuple):
                raise PatternValidationError(
                    f"node_types: expected a list, got {type(node_types).__name__} "
                    f"{_short(node_types)}"
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


@attrs.frozen(slots=True)
class Shard:
    """One of ``count`` disjoint slices of the points, by pattern id (``k/N``, 1-based).

    A point belongs to shard ``k`` of ``N`` when ``UUID(pattern_id).int % N == k - 1``,
    so every point belongs to exactly one shard, whatever the collection or id type.

    Attributes:
        index: ``k``, from 1 to ``count``.
        count: ``N``, at least 1.
    """

    index: int
    count: int

    def __attrs_post_init__(self) -> None:
        if isinstance(self.count, bool) or not isinstance(self.count, int) or self.count < 1:
            raise ValueError(f"shard count must be an integer >= 1, got {self.count!r}")
        if (
            isinstance(self.index, bool)
            or not isinstance(self.index, int)
            or not 1 <= self.index <= self.count
        ):
            raise ValueError(f"shard index must be between 1 and {self.count}, got {self.index!r}")

    @classmethod
    def parse(cls, text: str) -> Shard:
        """Parse ``"k/N"``.

        Args:
            text: E.g. ``"2/4"``.

        Returns:
            The shard.

        Raises:
            ValueError: Not of the form ``k/N`` with ``1 <= k <= N``.
        """
        index, sep, count = text.partition("/")
        try:
            if not sep:
                raise ValueError
            return cls(int(index), int(count))
        except ValueError:
            raise ValueError(
                f"invalid shard {text!r}: expected k/N with 1 <= k <= N, e.g. 1/4"
            ) from None

    def owns(self, pattern_id: str) -> bool:
        """Return whether the pattern with this (canonical UUID) id is in this shard.

        Args:
            pattern_id: A UUID string.

        Returns:
            ``True`` when ``UUID(pattern_id).int % count == index - 1``.
        """
        return uuid.UUID(pattern_id).int % self.count == self.index - 1

    def __str__(self) -> str:
        return f"{self.index}/{self.count}"


def missing_collections_error(
    missing: Sequence[str], available: Sequence[str], where: str
) -> CollectionNotFoundError:
    """Build the error for collections that do not exist.

    Args:
        missing: The names asked for that do not exist.
        available: The names that do exist.
        where: The (scrubbed) Qdrant location.

    Returns:
        The error to raise.
    """
    names = ", ".join(repr(n) for n in missing)
    have = ", ".join(sorted(available)) or "none"
    noun = "collection" if len(missing) == 1 else "collections"
    return CollectionNotFoundError(
        f"Qdrant {noun} {names} not found in {where} (available: {have})"
    )


def scrub(text: str, secret: str | None) -> str:
    """Remove an API key and any URL password from ``text``.

    Args:
        text: A message.
        secret: The API key in use, or ``None``.

    Returns:
        The text with the key replaced by ``***`` and passwords masked.
    """
    if secret:
        text = text.replace(secret, "***")
    return mask_dsn(text)


def translate_qdrant_error(
    exc: BaseException, where: str, action: str, secret: str | None
) -> QdrantUnavailableError:
    """Map a qdrant-client error to :class:`QdrantUnavailableError`.

    Args:
        exc: The error raised by the client.
        where: The Qdrant location (URL or local path), already scrubbed.
        action: What was being done, e.g. ``"scroll 'code_patterns'"``.
        secret: The API key, removed from the message if it appears.

    Returns:
        The error to raise ``from exc``.
    """
    status = getattr(exc, "status_code", None)
    if status in (401, 403):
        detail = f"HTTP {status}: the API key was rejected or is missing"
    elif status is not None:
        detail = f"HTTP {status} {getattr(exc, 'reason_phrase', '')}".strip()
    else:
        source = getattr(exc, "source", None)
        cause = source if isinstance(source, BaseException) else exc
        detail = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
        detail = detail or type(cause).__name__
    return QdrantUnavailableError(
        scrub(f"could not {action} on Qdrant at {where}: {detail}", secret)
    )
