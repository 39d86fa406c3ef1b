"""What only the PostgreSQL stores do.

The stored row layout, legacy rows, a chunked call rolled back as one, quoted
names and borrowed pools; the contract every store shares is in
tests/test_store_contract.py.
"""

from __future__ import annotations

from collections.abc import Iterator

import psycopg
import pytest
from psycopg.types.json import Jsonb

from pattern_quality import AsyncPostgresQualityStore, PostgresQualityStore, StoreError
from pattern_quality.errors import DriverError
from pattern_quality.models import Finding
from pattern_quality.storage import statements
from pattern_quality.storage.base import QualityStore
from pattern_quality.testing import BlockingStore
from tests.stores import ID1, ID2, open_store, score, store_kinds


@pytest.fixture(params=store_kinds("postgres", "postgres-async"))
def pg_store(request: pytest.FixtureRequest) -> Iterator[QualityStore]:
    s = open_store(request.param, request)
    yield s
    s.close()


# PostgreSQL specifics -------------------------------------------------------------------


def _raw(dsn: str, table: str = "pattern_quality_metrics") -> list[tuple[object, ...]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "SELECT pattern_id::text, quality_score, confidence, version, metadata"
            f" FROM {table} ORDER BY pattern_id"
        ).fetchall()


@pytest.mark.parametrize("kind", ["postgres", "postgres-async"])
def test_stored_row_layout_follows_the_legacy_table(
    kind: str, migrated_dsn: str, request: pytest.FixtureRequest
) -> None:
    dsn = migrated_dsn
    with open_store(kind, request) as s:
        s.upsert(score(ID1, composite=0.55, findings=(Finding("complexity", "level", 0.6),)))
    [(pid, quality, confidence, version, meta)] = _raw(dsn)
    assert (pid, quality, confidence, version) == (ID1, 0.55, 0.9, "1.0.0")
    assert meta == {
        "completeness_score": 0.8,
        "documentation_score": 0.6,
        "onex_compliance_score": 0.7,
        "metadata_richness_score": 0.3,
        "complexity_score": 0.4,
        "pattern_name": "UserAuthEffect",
        "findings": [{"dimension": "complexity", "rule": "level", "effect": 0.6, "detail": ""}],
    }


def test_legacy_rows_are_readable(pg_store: QualityStore, migrated_dsn: str) -> None:
    legacy = {
        "completeness_score": 0.5,
        "documentation_score": 0.25,
        "onex_compliance_score": 1,
        "metadata_richness_score": 0,
        "complexity_score": 0.4,
    }
    with psycopg.connect(migrated_dsn) as conn:
        conn.execute(
            "INSERT INTO pattern_quality_metrics (pattern_id, quality_score, confidence,"
            " version, metadata) VALUES (%s, 0.5, 0.7, NULL, %s)",
            (ID1, Jsonb(legacy)),
        )
    got = pg_store.get(ID1)
    assert got is not None
    assert (got.pattern_name, got.version, got.findings, got.onex_compliance_score) == (
        "",
        "",
        (),
        1.0,
    )
    assert pg_store.upsert(score(ID1, at=-(10**8))) == 0  # legacy row measured now(): newer


def test_failure_in_a_later_chunk_rolls_back_the_whole_call(
    pg_store: QualityStore, migrated_dsn: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(statements, "UPSERT_CHUNK_SIZE", 40)
    ids = [f"00000000-0000-4000-8000-{i:012x}" for i in range(200)]
    with psycopg.connect(migrated_dsn) as conn:
        conn.execute(
            "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN"
            f" IF NEW.pattern_id = '{ids[170]}' THEN RAISE EXCEPTION 'refused by trigger';"
            " END IF; RETURN NEW; END $$"
        )
        conn.execute(
            "CREATE TRIGGER refuse BEFORE INSERT ON pattern_quality_metrics"
            " FOR EACH ROW EXECUTE FUNCTION refuse()"
        )
    with pytest.raises(StoreError, match="refused by trigger") as info:
        pg_store.upsert([score(pid) for pid in ids])
    assert isinstance(info.value.__cause__, DriverError)
    assert "refused by trigger" in str(info.value.__cause__)
    assert pg_store.count() == 0
    assert pg_store.upsert([score(pid) for pid in ids[:100]]) == 100


@pytest.mark.parametrize("async_", [False, True])
def test_custom_schema_and_table_names_are_quoted(
    migrated_dsn: str, async_: bool, request: pytest.FixtureRequest
) -> None:
    with psycopg.connect(migrated_dsn) as conn:
        conn.execute('CREATE SCHEMA "Quality ""Data"""')
        conn.execute(
            'CREATE TABLE "Quality ""Data"""."scores; DROP TABLE x" '
            "(LIKE pattern_quality_metrics INCLUDING ALL)"
        )
    table, schema = "scores; DROP TABLE x", 'Quality "Data"'
    s: QualityStore = (
        BlockingStore(lambda: AsyncPostgresQualityStore(migrated_dsn, table=table, schema=schema))
        if async_
        else PostgresQualityStore(migrated_dsn, table=table, schema=schema)
    )
    with s:
        assert s.upsert([score(ID1), score(ID2)]) == 2
        assert [r.pattern_id for r in s.iter_all()] == [ID1, ID2]
    assert _raw(migrated_dsn) == []
    assert len(_raw(migrated_dsn, '"Quality ""Data"""."scores; DROP TABLE x"')) == 2


def test_from_pool_with_autocommit_and_dict_rows(migrated_dsn: str) -> None:
    from psycopg.rows import dict_row
    from psycopg_pool import ConnectionPool

    with ConnectionPool(
        migrated_dsn,
        kwargs={"autocommit": True, "row_factory": dict_row},
        min_size=1,
        max_size=2,
        open=True,
    ) as pool:
        store = PostgresQualityStore.from_pool(pool)
        assert store.upsert([score(f"00000000-0000-4000-8000-{i:012x}") for i in range(100)]) == 100
        got = store.get("00000000-0000-4000-8000-000000000007")
        assert got is not None and got.composite_score == 0.5
        store.close()  # does not close a borrowed pool
        assert not pool.closed
        with pool.connection() as conn:
            row: object = conn.execute(
                "SELECT count(*) AS n FROM pattern_quality_metrics"
            ).fetchone()
            assert row == {"n": 100}


@pytest.mark.anyio
async def test_async_from_pool(migrated_dsn: str) -> None:
    from psycopg_pool import AsyncConnectionPool

    async with AsyncConnectionPool(migrated_dsn, min_size=1, max_size=2, open=False) as pool:
        store = AsyncPostgresQualityStore.from_pool(pool)
        written = await store.upsert([score(ID1), score(ID2)])
        count = await store.count()
        await store.close()
        closed = pool.closed
    assert (written, count, closed) == (2, 2, False)
