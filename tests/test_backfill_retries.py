"""backfill(): retries of transient errors, the database going away mid-run, converging re-runs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict
from qdrant_client import QdrantClient

from pattern_quality.backfill import (
    BackfillError,
    backfill,
)
from pattern_quality.errors import (
    DatabaseUnavailableError,
    SchemaNotReadyError,
)
from pattern_quality.qdrant import (
    QdrantPatternSource,
    QdrantUnavailableError,
)
from pattern_quality.storage.memory import InMemoryQualityStore
from pattern_quality.storage.postgres import PostgresQualityStore
from tests import qdrant_data as data
from tests.backfill_items import NO_WAIT, _mapping, _row_count, _rows, _uid

# --- retries and the database going away -------------------------------------------------


class Flaky(InMemoryQualityStore):
    """An in-memory store whose first ``failures`` writes raise ``error``."""

    def __init__(self, failures: int, error: Exception) -> None:
        super().__init__()
        self.failures, self.error, self.calls = failures, error, 0

    def upsert(self, scores: Any) -> int:
        self.calls += 1
        if self.calls <= self.failures:
            raise self.error
        return super().upsert(scores)


def test_transient_write_errors_are_retried() -> None:
    store = Flaky(2, DatabaseUnavailableError("database is unavailable"))
    report = backfill([_mapping(i) for i in range(5)], store, batch_size=2, retry=NO_WAIT)
    assert (report.stored, report.batches, report.retries, store.calls) == (5, 3, 2, 5)
    assert report.ok


def test_a_write_that_keeps_failing_stops_the_run_and_keeps_committed_batches() -> None:
    items = [_mapping(i) for i in range(10)]

    class DiesAfterTwo(Flaky):
        def upsert(self, scores: Any) -> int:
            self.calls += 1
            if self.calls > 2:
                raise DatabaseUnavailableError("could not upsert: database db is unavailable")
            return InMemoryQualityStore.upsert(self, scores)

    store = DiesAfterTwo(0, DatabaseUnavailableError("x"))
    with pytest.raises(BackfillError) as info:
        backfill(items, store, batch_size=3, retry=NO_WAIT)
    report = info.value.report
    assert isinstance(info.value.__cause__, DatabaseUnavailableError)
    assert (report.completed, report.stored, report.batches, store.count()) == (False, 6, 2, 6)
    assert store.calls == 2 + NO_WAIT.attempts
    assert str(info.value) == (
        "backfill stopped while writing batch 3 (3 scores): could not upsert: database db is "
        "unavailable. 6 rows from 2 batches were committed and stay stored; run the backfill "
        "again to finish (re-runs update rows, never duplicate them)"
    )
    assert report.error == str(info.value)


@pytest.mark.parametrize(
    "exc", [SchemaNotReadyError("no table"), ValueError("bad"), RuntimeError("bug")]
)
def test_non_transient_write_errors_are_not_retried(exc: Exception) -> None:
    store = Flaky(1, exc)
    with pytest.raises(BackfillError) as info:
        backfill([_mapping(1)], store, retry=NO_WAIT)
    assert store.calls == 1
    assert info.value.__cause__ is exc
    assert info.value.report.stored == 0


def test_source_failure_flushes_the_scored_patterns_then_stops() -> None:
    def source() -> Iterator[dict[str, Any]]:
        yield from (_mapping(i) for i in range(5))
        raise QdrantUnavailableError("could not scroll 'code_patterns' on Qdrant at x: refused")

    store = InMemoryQualityStore()
    with pytest.raises(BackfillError) as info:
        backfill(source(), store, batch_size=2)
    assert isinstance(info.value.__cause__, QdrantUnavailableError)
    assert (info.value.report.stored, store.count()) == (5, 5)
    assert str(info.value).startswith(
        "backfill stopped while reading the source: could not scroll 'code_patterns'"
    )


def _block_database(server_dsn: str, dbname: str) -> None:
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS false')
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (dbname,),
        )


def _unblock_database(server_dsn: str, dbname: str) -> None:
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(f'ALTER DATABASE "{dbname}" ALLOW_CONNECTIONS true')


def _terminate_backends(server_dsn: str, dbname: str) -> None:
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s",
            (dbname,),
        )


def test_database_going_away_mid_run_stops_cleanly_and_a_rerun_converges(
    pg_server_dsn: str, migrated_dsn: str
) -> None:
    dbname = conninfo_to_dict(migrated_dsn)["dbname"]
    assert isinstance(dbname, str)
    qdrant = QdrantClient(":memory:")
    ids = data.populate_many(qdrant, "archon_vectors", 100)
    source = QdrantPatternSource(qdrant, collections=["archon_vectors"], page_size=7)

    def dying() -> Iterator[Any]:
        for n, item in enumerate(source.scan(), start=1):
            if n == 45:  # two batches of 20 are committed (or in flight) by now
                _block_database(pg_server_dsn, dbname)
            yield item

    try:
        with (
            PostgresQualityStore(migrated_dsn, timeout=2) as store,
            pytest.raises(BackfillError) as info,
        ):
            backfill(dying(), store, batch_size=20, retry=NO_WAIT)
    finally:
        _unblock_database(pg_server_dsn, dbname)
    report = info.value.report
    assert isinstance(info.value.__cause__, DatabaseUnavailableError)
    assert not report.completed
    assert report.stored == _row_count(migrated_dsn) == 20 * report.batches
    assert report.batches >= 1
    assert "run the backfill again to finish" in str(info.value)

    with PostgresQualityStore(migrated_dsn) as store:
        rerun = backfill(source, store, batch_size=20)
    assert rerun.ok and rerun.stored == 100
    assert set(_rows(migrated_dsn)) == set(ids)
    assert _row_count(migrated_dsn) == 100


def test_a_killed_connection_is_retried_and_the_run_completes(
    pg_server_dsn: str, migrated_dsn: str
) -> None:
    dbname = conninfo_to_dict(migrated_dsn)["dbname"]
    assert isinstance(dbname, str)

    def source() -> Iterator[dict[str, Any]]:
        for i in range(60):
            if i == 30:
                _terminate_backends(pg_server_dsn, dbname)
            yield _mapping(i)

    with PostgresQualityStore(migrated_dsn) as store:
        report = backfill(source(), store, batch_size=10, retry=NO_WAIT)
    assert report.ok and report.stored == 60
    assert set(_rows(migrated_dsn)) == {_uid(i) for i in range(60)}
