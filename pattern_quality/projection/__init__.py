"""Quality projected into Qdrant payloads: the projectors, the rebuild and the check.

PostgreSQL stays the one source of truth; the payload is a projection of it
that can be checked and rebuilt (docs/backfill.md, "Projecting quality into
Qdrant"). :mod:`.payload` holds the object and the latest-wins rule and
:mod:`.reports` the results (no I/O); :mod:`.projector_async` and
:mod:`.rebuild_async` (and their generated sync twins) talk to Qdrant and are
imported on first use: qdrant-client is slow to import.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .payload import DEFAULT_QUALITY_KEY, PointRef, Projected, QualityPayload, State
from .reports import Mismatch, ProjectionCheck, ProjectReport

if TYPE_CHECKING:
    from .projector import QdrantProjector
    from .projector_async import AsyncQdrantProjector
    from .rebuild import project_stored, verify_projection
    from .rebuild_async import aproject_stored, averify_projection

# name -> the module that defines it, loaded on first use.
_LAZY = {
    "QdrantProjector": "projector",
    "AsyncQdrantProjector": "projector_async",
    "project_stored": "rebuild",
    "verify_projection": "rebuild",
    "aproject_stored": "rebuild_async",
    "averify_projection": "rebuild_async",
}


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{module}"), name)


__all__ = [
    "DEFAULT_QUALITY_KEY",
    "AsyncQdrantProjector",
    "Mismatch",
    "PointRef",
    "ProjectReport",
    "Projected",
    "ProjectionCheck",
    "QdrantProjector",
    "QualityPayload",
    "State",
    "aproject_stored",
    "averify_projection",
    "project_stored",
    "verify_projection",
]
