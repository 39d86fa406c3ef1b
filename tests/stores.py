"""What the store tests share: store kinds (the ``postgres*`` ones marked ``db``), scores."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from pattern_quality import (
    AsyncInMemoryQualityStore,
    AsyncPostgresQualityStore,
    InMemoryQualityStore,
    PostgresQualityStore,
    QualityScore,
)
from pattern_quality.models import Finding
from pattern_quality.storage.base import QualityStore
from pattern_quality.testing import BlockingStore


def store_kinds(*kinds: str) -> list[Any]:
    """Return fixture params for store kinds, the ``postgres*`` ones marked ``db``.

    Such a fixture asks for ``migrated_dsn`` with ``request.getfixturevalue``,
    which the automatic marking in conftest.py cannot see.
    """
    return [
        pytest.param(kind, marks=pytest.mark.db, id=kind) if kind.startswith("postgres") else kind
        for kind in kinds
    ]


T0 = datetime(2024, 5, 1, 12, 0, tzinfo=UTC)
ID1 = "6f1c2f3e-0a6b-4f43-9a36-0d7f6c1b2a01"
ID2 = "6f1c2f3e-0a6b-4f43-9a36-0d7f6c1b2a02"
ID3 = "6f1c2f3e-0a6b-4f43-9a36-0d7f6c1b2a03"
KINDS = ("memory", "memory-async", "postgres", "postgres-async")


def score(
    pid: str = ID1,
    at: float = 0,
    composite: float = 0.5,
    *,
    name: str = "UserAuthEffect",
    findings: tuple[Finding, ...] = (),
    version: str = "1.0.0",
) -> QualityScore:
    """A score measured ``at`` seconds after T0."""
    return QualityScore(
        pattern_id=pid,
        pattern_name=name,
        composite_score=composite,
        completeness_score=0.8,
        documentation_score=0.6,
        onex_compliance_score=0.7,
        metadata_richness_score=0.3,
        complexity_score=0.4,
        confidence=0.9,
        measurement_timestamp=T0 + timedelta(seconds=at),
        version=version,
        findings=findings,
    )


def open_store(kind: str, request: pytest.FixtureRequest) -> QualityStore:
    if kind == "memory":
        return InMemoryQualityStore()
    if kind == "memory-async":
        return BlockingStore(AsyncInMemoryQualityStore)
    dsn = request.getfixturevalue("migrated_dsn")
    if kind == "postgres":
        return PostgresQualityStore(dsn, max_size=2)
    return BlockingStore(lambda: AsyncPostgresQualityStore(dsn, max_size=2))
