"""``get_briefs``: the filter's narrow read agrees with ``get_many`` on every store."""

from __future__ import annotations

from typing import Any

import pytest

from pattern_quality import (
    AsyncPostgresQualityStore,
    InMemoryQualityStore,
    PatternValidationError,
    PostgresQualityStore,
    QualityFilter,
)
from pattern_quality.models import QualityBrief
from tests.stores import ID1, ID2, ID3, score


@pytest.fixture(params=["memory", pytest.param("postgres", marks=pytest.mark.db)])
def store(request: pytest.FixtureRequest) -> Any:
    if request.param == "memory":
        yield InMemoryQualityStore()
        return
    with PostgresQualityStore(request.getfixturevalue("migrated_dsn"), max_size=2) as pg:
        yield pg


def test_briefs_are_the_rows_composite_rubric_and_time(store: Any) -> None:
    store.upsert([score(ID1, at=5, composite=0.81, version="2.0.0"), score(ID2, composite=0.2)])
    store.upsert(score(ID1, at=1, composite=0.1))  # older: the row keeps the newer one
    briefs = store.get_briefs([ID1.upper(), ID2, ID3])
    rows = store.get_many([ID1, ID2])
    assert set(briefs) == {ID1, ID2}  # canonical keys, the missing id absent
    for pid, brief in briefs.items():
        row = rows[pid]
        assert brief == QualityBrief(row.composite_score, row.version, row.measurement_timestamp)
        assert brief.measurement_timestamp.utcoffset() is not None
    assert briefs[ID1].composite_score == 0.81 and briefs[ID1].version == "2.0.0"
    assert store.get_briefs([]) == {}
    with pytest.raises(PatternValidationError):
        store.get_briefs(["not-a-uuid"])


class Recording(InMemoryQualityStore):
    """The in-memory store, recording which read the filter makes."""

    def __init__(self) -> None:
        super().__init__()
        self.reads: list[str] = []

    def get_many(self, pattern_ids: Any) -> Any:
        self.reads.append("get_many")
        return super().get_many(pattern_ids)

    def get_briefs(self, pattern_ids: Any) -> Any:
        self.reads.append("get_briefs")
        return super().get_briefs(pattern_ids)


def test_the_filter_reads_briefs_in_one_call() -> None:
    store = Recording()
    store.upsert([score(ID1, composite=0.9), score(ID2, composite=0.3)])
    with QualityFilter(store) as quality:
        result = quality.filter([{"pattern_id": ID1}, {"pattern_id": ID2}], 0.7)
    assert result.from_store == 2 and result.passed == 1 and not result.fallback
    assert result.scores == (0.9,)
    assert store.reads == ["get_briefs"]


@pytest.mark.anyio
async def test_async_briefs(migrated_dsn: str) -> None:
    async with AsyncPostgresQualityStore(migrated_dsn, max_size=2) as store:
        await store.upsert(score(ID3, composite=0.66))
        briefs = await store.get_briefs([ID3, ID1])
        row = await store.get(ID3)
    assert row is not None
    assert briefs == {ID3: QualityBrief(0.66, row.version, row.measurement_timestamp)}
