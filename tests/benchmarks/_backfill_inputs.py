"""Inputs of the backfill benchmark: cycled sample patterns, a local Qdrant, the naive baseline.

The baseline is shaped like the legacy tool (docs/legacy.md#what-the-legacy-tool-got-wrong):
everything loaded first, scored with the naive legacy scorer
(``tests/legacy_rubric.py``), then one new connection, one INSERT ... ON CONFLICT
and one commit per row.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
from qdrant_client import QdrantClient, models

from pattern_quality.sample import load_sample_patterns
from tests import legacy_rubric

LEGACY_INSERT = """
INSERT INTO pattern_quality_metrics
    (pattern_id, quality_score, confidence, measurement_timestamp, version, metadata)
VALUES (%s, %s, %s, now(), %s, %s)
ON CONFLICT (pattern_id) DO UPDATE SET
    quality_score = EXCLUDED.quality_score, confidence = EXCLUDED.confidence,
    measurement_timestamp = EXCLUDED.measurement_timestamp, metadata = EXCLUDED.metadata
"""
LEGACY_DIMENSIONS = (
    "completeness_score",
    "documentation_score",
    "onex_compliance_score",
    "metadata_richness_score",
    "complexity_score",
)


def cycled_patterns(n: int, offset: int = 0) -> Iterator[dict[str, Any]]:
    """The bundled sample, cycled, each copy with a fresh deterministic id."""
    corpus = load_sample_patterns()
    for i in range(n):
        yield {**corpus[i % len(corpus)], "pattern_id": str(uuid.UUID(int=offset + i + 1))}


def point_payload(p: dict[str, Any], legacy_int: bool) -> dict[str, Any]:
    if not legacy_int:
        return {k: v for k, v in p.items() if k != "pattern_id"}
    out = {k: v for k, v in p.items() if k not in ("pattern_id", "code", "confidence", "node_type")}
    out["content_preview"] = p.get("code")
    out["pattern_confidence"] = p.get("confidence")
    out["node_types"] = [p["node_type"]] if p.get("node_type") else []
    return out


def local_qdrant(n: int, path: str | None = None) -> QdrantClient:
    """A local-mode client with ``code_patterns`` (UUID ids) and ``archon_vectors`` (int ids)."""
    client = QdrantClient(path=path) if path else QdrantClient(":memory:")
    half = n // 2
    for name, count, legacy_int in (
        ("code_patterns", half, False),
        ("archon_vectors", n - half, True),
    ):
        client.create_collection(
            name, vectors_config=models.VectorParams(size=4, distance=models.Distance.COSINE)
        )
        batch: list[models.PointStruct] = []
        for i, p in enumerate(cycled_patterns(count, offset=10_000_000 if legacy_int else 0)):
            pid: int | str = i if legacy_int else p["pattern_id"]
            batch.append(
                models.PointStruct(
                    id=pid,
                    vector=[1.0, 0.5, 0.25, float(i % 3)],
                    payload=point_payload(p, legacy_int),
                )
            )
            if len(batch) == 1000:
                client.upsert(name, batch, wait=True)
                batch = []
        if batch:
            client.upsert(name, batch, wait=True)
    return client


def baseline_rate(dsn: str, items: list[dict[str, Any]]) -> float:
    """Legacy shape: everything loaded already; per row: score, connect, insert, commit."""
    start = time.perf_counter()
    for item in items:
        result = legacy_rubric.score_pattern(item)
        conn = psycopg.connect(dsn)
        try:
            conn.execute(
                LEGACY_INSERT,
                (
                    item["pattern_id"],
                    result["composite_score"],
                    item.get("confidence") or 0.0,
                    "1.0.0",
                    json.dumps({k: result[k] for k in LEGACY_DIMENSIONS}),
                ),
            )
            conn.commit()
        finally:
            conn.close()
    return len(items) / (time.perf_counter() - start)
