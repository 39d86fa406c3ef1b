"""A bundled sample of about 1,000 realistic patterns, for demos, tests and benchmarks.

The sample ships inside the package (``pattern_quality/data/sample_patterns.json.gz``)
and is split between the collections ``code_patterns`` and ``execution_patterns``.
It is synthetic but shaped like real ONEX pattern collections: effect, compute,
reducer and orchestrator nodes with ``async def execute_*`` methods, docstrings and
type hints in varying amounts, stubs, undocumented snippets, truncated previews as
mapped from the legacy integer-id collections, varying metadata, use cases,
examples and confidence, and a few messy records with ``None`` fields. Every
record is a valid pattern mapping (SPEC §2 keys) with a canonical UUID
``pattern_id``.

The file is generated, deterministically, by ``tests/data/generate_sample_corpus.py``
(see ``docs/sample.md``).
"""

from __future__ import annotations

import functools
import gzip
import json
from importlib import resources
from typing import Any, Final

from .errors import CollectionNotFoundError

__all__ = ["SAMPLE_COLLECTIONS", "load_sample_patterns"]

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
        Pattern mappings with the SPEC §2 keys, ready for
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
