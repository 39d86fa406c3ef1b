"""What ``project`` and ``verify --qdrant`` found: :class:`ProjectReport`, :class:`ProjectionCheck`.

Plain value objects built by the rebuild (:mod:`.rebuild_async`); the command
line prints them as text or ``--json``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final

import attrs

from .payload import State

__all__ = ["MAX_EXAMPLES", "PROBLEMS", "Mismatch", "ProjectReport", "ProjectionCheck"]

#: Example points kept per state (the counts are always exact).
MAX_EXAMPLES: Final = 5
#: The states ``verify --qdrant`` reports as problems, in report order.
PROBLEMS: Final = (State.MISSING, State.STALE, State.AHEAD)


@attrs.frozen(slots=True, kw_only=True)
class ProjectReport:
    """What one ``project`` run did.

    Attributes:
        collections: The collections read.
        changed_only: Points whose projection already matched their row were left alone.
        points: Points read.
        written: Points whose projection was (re)written from their stored row.
        cleared: Points whose projection was removed (no stored row any more).
        unchanged: Points left alone because they already held their row's projection.
        unscored: Points with neither a stored row nor a projection.
        requests: Payload write requests sent (one per page with something to write).
        elapsed: Wall-clock seconds.
    """

    collections: tuple[str, ...] = ()
    changed_only: bool = False
    points: int = 0
    written: int = 0
    cleared: int = 0
    unchanged: int = 0
    unscored: int = 0
    requests: int = 0
    elapsed: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """Return the report as a JSON-ready mapping.

        Returns:
            Every attribute.
        """
        out = attrs.asdict(self)
        out["collections"] = list(self.collections)
        return out


@attrs.frozen(slots=True)
class Mismatch:
    """One point whose projection does not match its stored row.

    Attributes:
        collection: The collection.
        point_id: The point id.
        pattern_id: The pattern id it maps to.
        payload_measured_at: The measurement time in the payload (ISO 8601), if any.
        row_measured_at: The measurement time of the stored row (ISO 8601), if any.
    """

    collection: str
    point_id: int | str
    pattern_id: str
    payload_measured_at: str | None
    row_measured_at: str | None

    def to_dict(self) -> dict[str, Any]:
        """Return the example as a JSON-ready mapping.

        Returns:
            Every attribute.
        """
        return attrs.asdict(self)


@attrs.frozen(slots=True, kw_only=True)
class ProjectionCheck:
    """What ``verify --qdrant`` found.

    Attributes:
        collections: The collections read.
        points: Points read.
        counts: Points per :class:`~.payload.State` value (every state present).
        examples: Up to :data:`MAX_EXAMPLES` points per problem state.
    """

    collections: tuple[str, ...] = ()
    points: int = 0
    counts: Mapping[str, int] = attrs.field(factory=dict)
    examples: Mapping[str, tuple[Mismatch, ...]] = attrs.field(factory=dict)

    @property
    def problems(self) -> int:
        """Points whose projection is missing, stale or ahead of the database."""
        return sum(self.counts.get(s.value, 0) for s in PROBLEMS)

    @property
    def ok(self) -> bool:
        """Every point's projection matches its stored row (or neither exists)."""
        return self.problems == 0

    def to_dict(self) -> dict[str, Any]:
        """Return the check as a JSON-ready mapping (``verify --qdrant --json``).

        Returns:
            ``collections``, ``points``, ``ok``, ``problems``, ``counts`` and ``examples``.
        """
        return {
            "collections": list(self.collections),
            "points": self.points,
            "ok": self.ok,
            "problems": self.problems,
            "counts": dict(self.counts),
            "examples": {k: [m.to_dict() for m in v] for k, v in self.examples.items()},
        }
