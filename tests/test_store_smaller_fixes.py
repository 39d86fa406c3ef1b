"""Issue 12, item 9: lone surrogates as U+FFFD, updated_at >= created_at, one pool per database."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from pattern_quality import PostgresQualityStore, close_pools
from pattern_quality.storage import registry
from pattern_quality.storage.base import QualityStore
from tests.stores import ID1, KINDS, open_store, score, store_kinds


@pytest.fixture(params=store_kinds(*KINDS))
def store(request: pytest.FixtureRequest) -> Iterator[QualityStore]:
    s = open_store(request.param, request)
    yield s
    s.close()


def test_lone_surrogates_are_stored_as_the_replacement_character(store: QualityStore) -> None:
    store.upsert(score(ID1, name="Auth\ud800Effect\udfff"))
    row = store.get(ID1)
    assert row is not None and row.pattern_name == "Auth\ufffdEffect\ufffd"


@pytest.mark.timeout(120)
def test_updated_at_is_never_before_created_at_under_concurrency(migrated_dsn: str) -> None:
    # T1 starts (now() = t1), T2 inserts the row later and commits, then T1 updates it:
    # without GREATEST(...) T1 would date the update t1 < created_at.
    with PostgresQualityStore(migrated_dsn) as setup:
        setup.count()
    early = psycopg.connect(migrated_dsn)
    try:
        early.execute("SELECT now()")  # the transaction, and its now(), start here
        with PostgresQualityStore(migrated_dsn) as other:
            other.upsert(score(ID1, at=0))
        from pattern_quality.storage import statements
        from pattern_quality.storage._calls import cursor, write_rows
        from pattern_quality.storage.rows import prepare_upsert

        with cursor(early) as cur:
            t = statements.TableRef.of(statements.DEFAULT_TABLE, None)
            assert write_rows(cur, t, prepare_upsert([score(ID1, at=1)])) == 1
        early.commit()
    finally:
        early.close()
    with psycopg.connect(migrated_dsn) as conn:
        row = conn.execute("SELECT created_at, updated_at FROM pattern_quality_metrics").fetchone()
    assert row is not None and row[1] >= row[0]


@pytest.mark.timeout(120)
def test_concurrent_writers_never_leave_updated_before_created(migrated_dsn: str) -> None:
    ids = [f"6f1c2f3e-0a6b-4f43-9a36-{i:012x}" for i in range(40)]
    with PostgresQualityStore(migrated_dsn, max_size=8) as s:

        def write(offset: int) -> None:
            for round_ in range(5):
                s.upsert([score(pid, at=offset + round_) for pid in ids])

        threads = [threading.Thread(target=write, args=(k,)) for k in range(6)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(60)
    with psycopg.connect(migrated_dsn) as conn:
        bad = conn.execute(
            "SELECT count(*) FROM pattern_quality_metrics WHERE updated_at < created_at"
        ).fetchone()
    assert bad == (0,)


@pytest.fixture
def no_shared_pools() -> Iterator[None]:
    close_pools()
    yield
    close_pools()


def test_the_registry_keeps_one_pool_per_database_not_per_spelling(
    migrated_dsn: str, no_shared_pools: None
) -> None:
    p = {k: v for k, v in conninfo_to_dict(migrated_dsn).items() if v}
    kv = " ".join(f"{k}={v}" for k, v in p.items())
    reordered = " ".join(f"{k}={v}" for k, v in reversed(list(p.items())))
    spaced = "  ".join(f"{k} = {v}" for k, v in p.items())
    spellings = [migrated_dsn, kv, reordered, spaced]
    stores = {id(registry.shared_store(s)) for s in spellings}
    assert len(stores) == 1
    assert id(registry.shared_store(kv + " application_name=x")) not in stores
