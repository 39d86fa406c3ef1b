"""Stored timestamps read back as the same aware UTC instants whatever the session TimeZone."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from psycopg.conninfo import make_conninfo

from pattern_quality import AsyncPostgresQualityStore, PostgresQualityStore, QualityScore

MEASURED = datetime(2026, 3, 29, 1, 30, 15, 123456, tzinfo=UTC)  # a DST change in Europe
PID = "0f8fad5b-d9cb-469f-a165-70867728950e"


def _score() -> QualityScore:
    return QualityScore(
        pattern_id=PID,
        pattern_name="TzEffect",
        composite_score=0.5,
        completeness_score=0.5,
        documentation_score=0.5,
        onex_compliance_score=0.5,
        metadata_richness_score=0.5,
        complexity_score=0.5,
        measurement_timestamp=MEASURED,
    )


@pytest.mark.parametrize("zone", ["UTC", "Europe/Berlin", "America/St_Johns", "Asia/Kolkata"])
def test_sync_reads_are_utc(migrated_dsn: str, zone: str) -> None:
    dsn = make_conninfo(migrated_dsn, options=f"-c TimeZone={zone}")
    with PostgresQualityStore(dsn) as store:
        store.upsert(_score())
        row = store.get(PID)
        many = store.get_many([PID])[PID]
        streamed = next(iter(store.iter_all()))
    assert row is not None
    for got in (row, many, streamed):
        assert got.measurement_timestamp == MEASURED
        assert got.measurement_timestamp.tzinfo is UTC
        assert got.created_at is not None and got.created_at.tzinfo is UTC
        assert got.updated_at is not None and got.updated_at.tzinfo is UTC
        assert abs((got.created_at - datetime.now(UTC)).total_seconds()) < 600


@pytest.mark.anyio
async def test_async_reads_are_utc(migrated_dsn: str) -> None:
    dsn = make_conninfo(migrated_dsn, options="-c TimeZone=Pacific/Chatham")
    async with AsyncPostgresQualityStore(dsn) as store:
        await store.upsert(_score())
        row = await store.get(PID)
    assert row is not None
    assert row.measurement_timestamp == MEASURED and row.measurement_timestamp.tzinfo is UTC
