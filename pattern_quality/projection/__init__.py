"""Quality projected into Qdrant payloads: the projectors and the payload object.

PostgreSQL stays the one source of truth; the payload is a projection of it
that can be checked and rebuilt (docs/backfill.md, "Projecting quality into
Qdrant"). :mod:`.payload` holds the object and the latest-wins rule (no I/O);
:mod:`.projector_async` (and the generated :mod:`.projector`) talk to Qdrant and
are imported on first use: qdrant-client is slow to import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .payload import DEFAULT_QUALITY_KEY, PointRef, Projected, QualityPayload, State

if TYPE_CHECKING:
    from .projector import QdrantProjector
    from .projector_async import AsyncQdrantProjector


def __getattr__(name: str) -> Any:
    # qdrant-client takes about a second to import: load the projectors on first use.
    if name == "QdrantProjector":
        from .projector import QdrantProjector

        return QdrantProjector
    if name == "AsyncQdrantProjector":
        from .projector_async import AsyncQdrantProjector

        return AsyncQdrantProjector
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "DEFAULT_QUALITY_KEY",
    "AsyncQdrantProjector",
    "PointRef",
    "Projected",
    "QdrantProjector",
    "QualityPayload",
    "State",
]
