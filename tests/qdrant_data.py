"""Qdrant collections shaped like the legacy ones, for the source and backfill tests.

``code_patterns`` and ``execution_patterns`` have UUID point ids with ``code`` and
``metadata``; ``archon_vectors`` and ``quality_vectors`` have integer ids with
``content_preview`` and ``pattern_confidence``, ``node_types`` arrays, a null
``pattern_confidence``; a few payloads have wrong types.
"""

from __future__ import annotations

import uuid
from typing import Any

from qdrant_client import AsyncQdrantClient, QdrantClient, models

NAMESPACE = uuid.UUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8")

CODE_A = '''"""Send the user an e-mail."""
import smtplib


class UserAuthEffect:
    async def execute_effect(self, user: str) -> bool:
        # connect and send
        if user:
            return True
        return False
'''
CODE_B = "def load(path):\n    pass  # TODO\n"


def legacy_id(point_id: int) -> str:
    """The legacy uuid5 pattern id of an integer point id."""
    return str(uuid.uuid5(NAMESPACE, f"qdrant-pattern-{point_id}"))


U1 = "3f1c2a9e-8b7d-4c5e-9f0a-1b2c3d4e5f60"
U2 = "a0b1c2d3-e4f5-4a6b-8c7d-9e0f1a2b3c4d"
U3 = "00000000-0000-4000-8000-000000000003"
E1 = "11111111-2222-4333-8444-555555555555"
E2 = "66666666-7777-4888-9999-aaaaaaaaaaaa"

#: collection -> [(point id, payload)]
COLLECTIONS: dict[str, list[tuple[int | str, dict[str, Any] | None]]] = {
    "code_patterns": [
        (
            U1,
            {
                "pattern_name": "UserAuthEffect",
                "code": CODE_A,
                "metadata": {"complexity": "low", "a": 1, "b": 2, "c": 3},
                "node_type": "Effect",
                "use_cases": ["login", "signup", "reset"],
                "examples": ["ex1"],
                "confidence": 0.9,
            },
        ),
        (U2, {"pattern_name": "Loader", "code": CODE_B, "metadata": {}, "confidence": 0.4}),
        # wrong type: metadata is a string
        (U3, {"pattern_name": "Broken", "code": "x = 1", "metadata": "not a mapping"}),
    ],
    "execution_patterns": [
        (E1, {"code": "for i in range(3):\n    print(i)\n", "description": "prints numbers"}),
        (E2, None),  # no payload at all
    ],
    "archon_vectors": [
        (
            7,
            {
                "pattern_name": "OrderCompute",
                "content_preview": "async def execute_compute(self):\n    return 1\n",
                "pattern_confidence": 0.75,
                "node_types": ["compute", "effect"],
            },
        ),
        (8, {"content_preview": "import os\n", "pattern_confidence": None, "node_types": []}),
        # wrong type: confidence out of range
        (9, {"content_preview": "y = 2", "pattern_confidence": 1.5}),
    ],
    "quality_vectors": [
        (
            100,
            {
                "content_preview": "while True:\n    break\n",
                "pattern_confidence": 0.2,
                "node_types": ["reducer"],
            },
        ),
        # wrong type: use_cases is a string
        (101, {"content_preview": "z = 3", "use_cases": "just one"}),
        # wrong type: node_types is not a list
        (102, {"content_preview": "z = 4", "node_types": "effect"}),
    ],
}

#: (collection, point id) of the points whose payload is invalid, with the reason.
BAD_POINTS: dict[tuple[str, int | str], str] = {
    ("code_patterns", U3): "metadata: expected a mapping",
    ("archon_vectors", 9): "confidence: expected a number in [0, 1]",
    ("quality_vectors", 101): "use_cases: expected a list or tuple",
    ("quality_vectors", 102): "node_types: expected a list",
}

ALL = tuple(COLLECTIONS)


def pattern_id(point_id: int | str) -> str:
    """The pattern id a point maps to."""
    return legacy_id(point_id) if isinstance(point_id, int) else point_id


def good_ids(collections: tuple[str, ...] = ALL) -> set[str]:
    """Pattern ids of the valid points of the collections."""
    return {
        pattern_id(pid)
        for name in collections
        for pid, _ in COLLECTIONS[name]
        if (name, pid) not in BAD_POINTS
    }


def _points(name: str) -> list[models.PointStruct]:
    return [
        models.PointStruct(id=pid, vector=[float(i + 1), 1.0], payload=payload)
        for i, (pid, payload) in enumerate(COLLECTIONS[name])
    ]


_VECTORS = models.VectorParams(size=2, distance=models.Distance.COSINE)


def populate(client: QdrantClient, collections: tuple[str, ...] = ALL) -> None:
    """Create the legacy-shaped collections in ``client``."""
    for name in collections:
        client.create_collection(name, vectors_config=_VECTORS)
        client.upsert(name, _points(name), wait=True)


async def apopulate(client: AsyncQdrantClient, collections: tuple[str, ...] = ALL) -> None:
    """Create the legacy-shaped collections in an async ``client``."""
    for name in collections:
        await client.create_collection(name, vectors_config=_VECTORS)
        await client.upsert(name, _points(name), wait=True)


def populate_many(client: QdrantClient, name: str, count: int, start: int = 0) -> list[str]:
    """Create ``name`` with ``count`` valid integer-id points; return their pattern ids."""
    client.create_collection(name, vectors_config=_VECTORS)
    ids = list(range(start, start + count))
    for lo in range(0, count, 500):
        chunk = ids[lo : lo + 500]
        client.upsert(
            name,
            [
                models.PointStruct(
                    id=i,
                    vector=[1.0, float(i % 7)],
                    payload={
                        "pattern_name": f"P{i}Effect",
                        "content_preview": f"import os\nif x == {i}:\n    y = {i}\n",
                        "pattern_confidence": (i % 10) / 10,
                        "node_types": ["effect"],
                    },
                )
                for i in chunk
            ],
            wait=True,
        )
    return [legacy_id(i) for i in ids]
