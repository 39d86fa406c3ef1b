"""What the projection writes into a Qdrant point, and how it decides (no I/O).

PostgreSQL holds the one current score of every pattern; the projection copies a
small object of it into the payload of the pattern's Qdrant points, under one
configurable top-level key (:data:`DEFAULT_QUALITY_KEY`)::

    {"quality": {"score": 0.82, "tier": "good", "rubric": "2.0.0",
                 "measured_at": "2026-01-05T10:00:00.123456+00:00"}}

:class:`QualityPayload` is that object; :func:`latest_per_pattern` and
:func:`plan_writes` hold the latest-wins rule (an older measurement never
replaces a newer one in a payload), and :func:`classify` compares a payload with
its stored row for ``verify --qdrant`` and ``project --changed-only``.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, Final, TypeAlias

import attrs

from ..ids import canonical_pattern_id
from ..models import Pattern, QualityScore, Tier

__all__ = [
    "DEFAULT_QUALITY_KEY",
    "PointRef",
    "Projected",
    "QualityPayload",
    "State",
    "check_key",
    "classify",
    "latest_per_pattern",
    "PointsOf",
    "plan_writes",
    "points_of",
    "wanted_payloads",
]

#: The payload key the projection writes under unless told otherwise.
DEFAULT_QUALITY_KEY: Final = "quality"
_KEY = re.compile(r"[A-Za-z_][A-Za-z0-9_]*\Z")


def check_key(key: object) -> str:
    """Return ``key`` if it can name the projection's payload key.

    Args:
        key: The key asked for.

    Returns:
        The key.

    Raises:
        ValueError: It is not a plain identifier (letters, digits, ``_``; no dots,
            which Qdrant would read as a nested path).
    """
    if not isinstance(key, str) or not _KEY.match(key):
        raise ValueError(
            f"the projection key must be a plain identifier such as 'quality' "
            f"(letters, digits and _, no dots), got {key!r}"
        )
    return key


@attrs.frozen(slots=True)
class PointRef:
    """One Qdrant point: its collection and its id as Qdrant knows it.

    Attributes:
        collection: The collection.
        point_id: The point id (an ``int`` or a UUID string).
    """

    collection: str
    point_id: int | str


@attrs.frozen(slots=True)
class QualityPayload:
    """The projection of one stored score.

    Attributes:
        score: The composite score.
        tier: Its tier (``excellent``, ``good``, ``fair``, ``poor``).
        rubric: The rubric version that produced it.
        measured_at: When it was measured (UTC).
    """

    score: float
    tier: str
    rubric: str
    measured_at: datetime

    @classmethod
    def of(cls, score: QualityScore) -> QualityPayload:
        """Return the projection of a score or stored row.

        Args:
            score: A :class:`~pattern_quality.models.QualityScore` (or a stored row).

        Returns:
            Its payload object.
        """
        composite = score.composite_score
        return cls(
            composite, Tier.from_score(composite).value, score.version, score.measurement_timestamp
        )

    @classmethod
    def parse(cls, value: object) -> QualityPayload | None:
        """Read a payload object back (``None`` when it is missing or not one of ours).

        Args:
            value: What the point's payload holds under the key.

        Returns:
            The object, or ``None``.
        """
        if not isinstance(value, Mapping):
            return None
        score, tier, rubric, measured = (
            value.get(k) for k in ("score", "tier", "rubric", "measured_at")
        )
        if isinstance(score, bool) or not isinstance(score, int | float):
            return None
        if not isinstance(tier, str) or not isinstance(rubric, str):
            return None
        if not isinstance(measured, str):
            return None
        try:
            at = datetime.fromisoformat(measured)
        except ValueError:
            return None
        if at.tzinfo is None:
            return None
        return cls(float(score), tier, rubric, at.astimezone(UTC))

    def to_payload(self) -> dict[str, Any]:
        """Return the JSON object written into the point.

        Returns:
            ``{"score", "tier", "rubric", "measured_at"}``, the time in ISO 8601 (UTC).
        """
        return {
            "score": self.score,
            "tier": self.tier,
            "rubric": self.rubric,
            "measured_at": self.measured_at.astimezone(UTC).isoformat(),
        }


def latest_per_pattern(scores: Iterable[QualityScore]) -> dict[str, QualityScore]:
    """Keep one score per pattern: the latest measurement (on a tie, the last given).

    The same rule as the stores' ``upsert``, so a batch projects what it stored.

    Args:
        scores: Scores whose ids the stores accept.

    Returns:
        The kept score per canonical pattern id.
    """
    kept: dict[str, QualityScore] = {}
    for score in scores:
        key = canonical_pattern_id(score.pattern_id)
        held = kept.get(key)
        if held is None or score.measurement_timestamp >= held.measurement_timestamp:
            kept[key] = score
    return kept


def plan_writes(
    wanted: Mapping[PointRef, QualityPayload], current: Mapping[PointRef, QualityPayload | None]
) -> tuple[dict[PointRef, QualityPayload], int]:
    """Drop the writes that would replace a newer measurement (latest wins).

    Args:
        wanted: The payload each point should get.
        current: What each existing point holds now (``None``: nothing of ours).
            Points missing from it do not exist in Qdrant and get no write.

    Returns:
        The writes to make, and how many were dropped because the point holds a
        newer measurement.
    """
    writes: dict[PointRef, QualityPayload] = {}
    newer = 0
    for ref, payload in wanted.items():
        if ref not in current:
            continue
        held = current[ref]
        if held is not None and held.measured_at > payload.measured_at:
            newer += 1
            continue
        writes[ref] = payload
    return writes, newer


@attrs.frozen(slots=True)
class Projected:
    """What one :meth:`~.projector_async.AsyncQdrantProjector.project` call did.

    Attributes:
        written: Points whose payload was written.
        newer: Points left alone because they hold a newer measurement.
        absent: Points that do not exist in Qdrant (nothing to write into).
    """

    written: int = 0
    newer: int = 0
    absent: int = 0


class State(enum.StrEnum):
    """How a point's payload compares with its stored row."""

    OK = "ok"  #: the payload is the row's projection
    MISSING = "missing"  #: a row exists, the point has no projection
    STALE = "stale"  #: the payload is older than the row, or differs at the same time
    AHEAD = "ahead"  #: the payload is newer than the row, or there is no row at all
    UNSCORED = "unscored"  #: neither a row nor a projection


def classify(payload: QualityPayload | None, row: QualityPayload | None) -> State:
    """Compare a point's payload with the projection of its stored row.

    Args:
        payload: What the point holds (``None``: nothing).
        row: The projection of the stored row (``None``: no row).

    Returns:
        The state.
    """
    if row is None:
        return State.UNSCORED if payload is None else State.AHEAD
    if payload is None:
        return State.MISSING
    if payload.measured_at > row.measured_at:
        return State.AHEAD
    if payload == row:
        return State.OK
    return State.STALE


#: The Qdrant points of each pattern id of a batch.
PointsOf: TypeAlias = Mapping[str, Sequence[PointRef]]


def points_of(patterns: Iterable[tuple[Pattern, str]]) -> dict[str, list[PointRef]]:
    """Group the points the patterns came from by pattern id.

    Args:
        patterns: ``(pattern, canonical pattern id)`` pairs; a pattern read from
            Qdrant names its point in ``extra["collection"]`` and ``extra["point_id"]``
            (patterns that do not are left out: they have no point to project into).

    Returns:
        The points of each pattern id, in the order given.
    """
    grouped: dict[str, list[PointRef]] = {}
    for pattern, pattern_id in patterns:
        collection, point_id = pattern.extra.get("collection"), pattern.extra.get("point_id")
        if not isinstance(collection, str) or not collection:
            continue
        if isinstance(point_id, bool) or not isinstance(point_id, int | str):
            continue
        grouped.setdefault(pattern_id, []).append(PointRef(collection, point_id))
    return grouped


def wanted_payloads(
    batch: Iterable[QualityScore], points: PointsOf
) -> dict[PointRef, QualityPayload]:
    """Return the projection each point of a stored batch should get.

    Args:
        batch: The scores written in one store call.
        points: The points of each pattern id (from :func:`points_of`).

    Returns:
        One payload per point: its pattern's latest score in the batch.
    """
    wanted: dict[PointRef, QualityPayload] = {}
    for pattern_id, score in latest_per_pattern(batch).items():
        refs = points.get(pattern_id)
        if refs:
            payload = QualityPayload.of(score)
            for ref in refs:
                wanted[ref] = payload
    return wanted
