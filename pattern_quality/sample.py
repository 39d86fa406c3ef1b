"""A bundled sample of about 1,000 realistic patterns, for demos, tests and benchmarks.

The sample ships inside the package (``pattern_quality/data/sample_patterns.json.gz``)
and is split between the collections ``code_patterns`` and ``execution_patterns``.
It is synthetic but shaped like real ONEX pattern collections: effect, compute,
reducer and orchestrator nodes with ``async def execute_*`` methods, docstrings and
type hints in varying amounts, stubs, undocumented snippets, truncated previews as
mapped from the legacy integer-id collections, varying metadata, use cases,
examples and confidence, and a few messy records with ``None`` fields. Every
record is a valid pattern mapping (docs/legacy.md#pattern-input keys) with a canonical UUID
``pattern_id``.

The file is generated, deterministically, by ``tests/data/generate_sample_corpus.py``
(see ``docs/sample.md``).
"""

from __future__ import annotations

import functools
import gzip
import json
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

from .errors import CollectionNotFoundError

if TYPE_CHECKING:
    from qdrant_client import QdrantClient

__all__ = ["SAMPLE_COLLECTIONS", "load_sample_patterns", "seed_qdrant"]

#: The collections of the bundled sample, in file order.
SAMPLE_COLLECTIONS: Final = ("code_patterns", "execution_patterns")

_RESOURCE: Final = "sample_patterns.json.gz"


@functools.cache
def _raw() -> bytes:
    data = (resources.files("pattern_quality") / "data" / _RESOURCE).read_bytes()
    return gzip.decompress(data)


def load_sample_patterns(collection: str | None = None) -> list[dict[str, Any]]:
    """Return the bundled sample patterns as plain mappings.

    Each call returns new objects, so callers may modify them freely.

    Args:
        collection: ``"code_patterns"`` or ``"execution_patterns"`` for one
            collection; ``None`` (the default) for both, in that order.

    Returns:
        Pattern mappings with the docs/legacy.md#pattern-input keys, ready for
        :meth:`PatternQualityScorer.score_pattern`.

    Raises:
        CollectionNotFoundError: ``collection`` is not a sample collection.
    """
    if collection is not None and collection not in SAMPLE_COLLECTIONS:
        known = ", ".join(SAMPLE_COLLECTIONS)
        raise CollectionNotFoundError(
            f"no sample collection {collection!r}; sample collections: {known}"
        )
    collections: dict[str, list[dict[str, Any]]] = json.loads(_raw())["collections"]
    if collection is not None:
        return collections[collection]
    return [record for name in SAMPLE_COLLECTIONS for record in collections[name]]


#: Size of the small deterministic vectors :func:`seed_qdrant` gives each point.
SEED_VECTOR_SIZE: Final = 8


def _vector(pattern_id: str) -> list[float]:
    # Deterministic stand-in for an embedding: 8 floats from the id's hex digits.
    digits = pattern_id.replace("-", "")
    return [int(digits[i : i + 4], 16) / 65535.0 + 1e-3 for i in range(0, 32, 4)]


def seed_qdrant(client: QdrantClient, collections: tuple[str, ...] = SAMPLE_COLLECTIONS) -> int:
    """Load the bundled sample into Qdrant, one point per pattern (idempotent).

    Missing collections are created (cosine, :data:`SEED_VECTOR_SIZE` dimensions).
    Each pattern becomes a point whose id is its ``pattern_id`` and whose payload
    is the rest of the mapping, so the legacy mapping
    (docs/legacy.md#qdrant-points-to-patterns) turns it back into the
    same pattern. Seeding again overwrites the same points.

    Args:
        client: A Qdrant client (server or local mode).
        collections: Which sample collections to load.

    Returns:
        The number of points written.

    Raises:
        CollectionNotFoundError: A name is not a sample collection.
    """
    from qdrant_client import models

    written = 0
    for name in collections:
        patterns = load_sample_patterns(name)
        if not client.collection_exists(name):
            client.create_collection(
                name,
                vectors_config=models.VectorParams(
                    size=SEED_VECTOR_SIZE, distance=models.Distance.COSINE
                ),
            )
        points = [
            models.PointStruct(
                id=p["pattern_id"],
                vector=_vector(p["pattern_id"]),
                payload={k: v for k, v in p.items() if k != "pattern_id"},
            )
            for p in patterns
        ]
        for start in range(0, len(points), 500):
            client.upsert(name, points[start : start + 500], wait=True)
        written += len(points)
    return written
