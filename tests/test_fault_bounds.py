"""Every call bounded in time: held locks, a frozen (SIGSTOPped) server, close().

Each test runs against a PostgreSQL of its own (``fault_pg``), never the shared
test server. The assertions are about order, not speed: the filter returns
while its lookup is still stuck on the frozen server; a script exits while the
server is still frozen; ``asyncio.run`` returns while the lock is still held.
pytest-timeout bounds every test.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import textwrap
import threading
from collections.abc import Iterable, Iterator
from typing import Any

import psycopg
import pytest

from pattern_quality import (
    AsyncPostgresQualityStore,
    AsyncQualityFilter,
    PatternQualityScorer,
    PostgresQualityStore,
    QualityFilter,
    RetryPolicy,
    StoreTimeoutError,
    close_pools,
    migrate,
)
from pattern_quality.models import StoredQuality
from tests.fault_server import FaultServer
from tests.stores import ID1, ID2, score

pytestmark = pytest.mark.timeout(120)
PATTERNS = [{"pattern_id": ID1, "code": "def f():\n    return 1\n"}, {"pattern_id": ID2}]


@pytest.fixture
def dsn(fault_pg: FaultServer) -> str:
    fault_pg.create_role("pq", "p@ss w%rd", "pqdb")
    url = fault_pg.url("pq", "p@ss w%rd", "pqdb")
    migrate(url)
    return url


@pytest.fixture
def locked(fault_pg: FaultServer, dsn: str) -> Iterator[threading.Event]:
    """Hold an exclusive lock on the table from a second connection until the event is set."""
    release, holding = threading.Event(), threading.Event()

    def hold() -> None:
        with psycopg.connect(fault_pg.admin_dsn("pqdb")) as conn:
            conn.execute("LOCK TABLE pattern_quality_metrics IN ACCESS EXCLUSIVE MODE")
            holding.set()
            release.wait(100)

    holder = threading.Thread(target=hold, daemon=True)
    holder.start()
    assert holding.wait(30)
    yield release
    release.set()
    holder.join(30)


def test_store_connections_carry_the_documented_timeouts(dsn: str) -> None:
    def settings(store: PostgresQualityStore) -> tuple[str, str]:
        store.open()
        with store._pool.connection() as conn:
            row = conn.execute("SELECT current_setting('statement_timeout'), "
                               "current_setting('lock_timeout')").fetchone()  # fmt: skip
        assert row is not None
        return str(row[0]), str(row[1])

    with PostgresQualityStore(dsn) as default:
        assert settings(default) == ("1min", "10s")
    with PostgresQualityStore(dsn, statement_timeout=2.5, lock_timeout=0.25) as tight:
        assert settings(tight) == ("2500ms", "250ms")
    with PostgresQualityStore(dsn + "?options=-c%20lock_timeout%3D3s", lock_timeout=1) as own:
        assert settings(own)[1] == "3s"  # the DSN's own setting wins
    with PostgresQualityStore(dsn, statement_timeout=None, lock_timeout=None) as server:
        assert settings(server) == ("0", "0")
    for bad in (0, -1, True, "5"):
        with pytest.raises(ValueError, match="lock_timeout"):
            PostgresQualityStore(dsn, lock_timeout=bad)  # type: ignore[arg-type]


def test_a_held_lock_is_a_store_timeout_not_a_wait(dsn: str, locked: threading.Event) -> None:
    with PostgresQualityStore(dsn, lock_timeout=0.2) as store:
        with pytest.raises(StoreTimeoutError, match="lock") as info:
            store.upsert(score(ID1))
        assert not RetryPolicy.is_transient(info.value)
        assert not locked.is_set()  # it returned while the lock was still held
    scorer = PatternQualityScorer()
    with pytest.raises(StoreTimeoutError):  # the shared store has the default lock_timeout
        scorer.store_quality_metrics_sync(score(ID2), dsn)
    assert not locked.is_set()
    close_pools()


@pytest.mark.anyio
async def test_async_store_and_seed_call_are_bounded_by_the_lock_timeout(
    dsn: str, locked: threading.Event
) -> None:
    async with AsyncPostgresQualityStore(dsn, lock_timeout=0.2) as store:
        with pytest.raises(StoreTimeoutError):
            await store.upsert(score(ID1))
    scorer = PatternQualityScorer()
    with pytest.raises((TimeoutError, StoreTimeoutError)):
        await asyncio.wait_for(scorer.store_quality_metrics(score(ID2), dsn), 0.5)
    assert not locked.is_set()
    close_pools()  # returns: the worker thread ended at the default lock_timeout


class Watched:
    """A store whose ``get_many`` says when it started and whether it has finished."""

    def __init__(self, inner: Any) -> None:
        self.inner, self.started, self.finished = inner, threading.Event(), threading.Event()

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)

    def get_many(self, ids: Iterable[str]) -> dict[str, StoredQuality]:
        self.started.set()
        try:
            return self.inner.get_many(ids)  # type: ignore[no-any-return]
        finally:
            self.finished.set()


class AsyncWatched(Watched):
    async def get_many(self, ids: Iterable[str]) -> dict[str, StoredQuality]:  # type: ignore[override]
        self.started.set()
        try:
            return await self.inner.get_many(ids)  # type: ignore[no-any-return]
        finally:
            self.finished.set()


def test_sync_filter_returns_while_the_lookup_is_stuck(fault_pg: FaultServer, dsn: str) -> None:
    with PostgresQualityStore(dsn) as store:
        store.upsert(score(ID1))
        watched = Watched(store)
        with QualityFilter(watched, timeout=0.25, write_back=False) as quality:
            assert quality.filter(PATTERNS, min_quality=0.0).from_store == 1
            watched.finished.clear()
            with fault_pg.frozen():
                result = quality.filter(PATTERNS, min_quality=0.0)
                assert (result.fallback, result.reason) == (True, "store lookup timed out")
                assert watched.started.is_set() and not watched.finished.is_set()


@pytest.mark.anyio
async def test_async_filter_returns_while_the_lookup_is_stuck_and_leaves_nothing(
    fault_pg: FaultServer, dsn: str
) -> None:
    async with AsyncPostgresQualityStore(dsn) as store:
        await store.upsert(score(ID1))
        watched = AsyncWatched(store)
        async with AsyncQualityFilter(watched, timeout=0.25) as quality:
            assert (await quality.filter(PATTERNS, min_quality=0.0)).from_store == 1
            await quality.flush()
            watched.finished.clear()
            before = asyncio.all_tasks()  # the pool's workers and this test
            with fault_pg.frozen():
                result = await quality.filter(PATTERNS, min_quality=0.0)
                assert (result.fallback, result.reason) == (True, "store lookup timed out")
                assert watched.started.is_set() and not watched.finished.is_set()
                # The abandoned lookup ends without the server: nothing is left pending.
                left = asyncio.all_tasks() - before
                assert left  # the lookup, still running when filter() returned
                await asyncio.wait(left, timeout=30)
                assert watched.finished.is_set()
                assert not (asyncio.all_tasks() - before)
        # The connection the lookup used was closed; the pool replaced it.
        assert (await store.get_many([ID1])).keys() == {ID1}


SCRIPT = textwrap.dedent(
    """
    import asyncio, sys
    from pattern_quality import (AsyncPostgresQualityStore, AsyncQualityFilter,
                                 PostgresQualityStore, QualityFilter)
    patterns = [{"pattern_id": "ID1", "code": "x = 1"}]
    if sys.argv[2] == "sync":
        store = PostgresQualityStore(sys.argv[1]); store.open()
        quality = QualityFilter(store, timeout=0.25, write_back=False)
        print("ready", flush=True); sys.stdin.readline()
        print(quality.filter(patterns, min_quality=0.0).reason, flush=True)
    else:
        async def main():
            async with AsyncPostgresQualityStore(sys.argv[1]) as store:
                quality = AsyncQualityFilter(store, timeout=0.25, write_back=False)
                print("ready", flush=True); sys.stdin.readline()
                print((await quality.filter(patterns, min_quality=0.0)).reason, flush=True)
        asyncio.run(main())
    """
).replace("ID1", ID1)


@pytest.mark.parametrize("kind", ["sync", "async"])
def test_a_script_exits_while_the_server_is_frozen(
    fault_pg: FaultServer, dsn: str, kind: str
) -> None:
    proc = subprocess.Popen(
        [sys.executable, "-c", SCRIPT, dsn, kind],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
        with fault_pg.frozen():
            out, err = proc.communicate("go\n", timeout=60)  # fails if exit waits for the server
        assert proc.returncode == 0, err
        assert out.strip() == "store lookup timed out"
    finally:
        proc.kill()
        proc.wait()


def test_close_never_raises_with_a_write_back_stuck(
    fault_pg: FaultServer, dsn: str, caplog: pytest.LogCaptureFixture
) -> None:
    gate = threading.Event()

    class Gated(Watched):
        def upsert(self, scores: Any) -> int:
            gate.wait(60)
            return self.inner.upsert(scores)  # type: ignore[no-any-return]

    with PostgresQualityStore(dsn) as store:
        quality = QualityFilter(Gated(store), timeout=5)
        assert quality.filter(PATTERNS, min_quality=0.0).written_back == 2
        with fault_pg.frozen(), caplog.at_level(logging.WARNING, "pattern_quality.filtering"):
            gate.set()  # the write-back now runs into the frozen server
            quality.close(timeout=0.2)  # returns, logs, never raises
            assert "write-back(s) still running" in caplog.text


# --- a long-lived store across a server restart (item 5) --------------------------------


def test_a_long_lived_store_survives_a_restart(fault_pg: FaultServer, dsn: str) -> None:
    with PostgresQualityStore(dsn, min_size=4, max_size=4) as store:
        # Fill the pool: four idle connections, each killed by the restart.
        threads = [threading.Thread(target=store.count) for _ in range(8)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(30)
        store._pool.wait(30)  # a long-lived store: its pool full of idle connections
        fault_pg.restart()
        results = [store.upsert(score(ID1, at=i)) for i in range(8)]
        assert results == [1] * 8  # 0 failed calls
        with QualityFilter(store, timeout=5, write_back=False) as quality:
            store._pool.wait(30)
            fault_pg.restart()
            assert not quality.filter(PATTERNS, min_quality=0.0).fallback
        store._pool.wait(30)
        fault_pg.restart()
        assert store.count() == 1 and store.get(ID1) is not None
        assert store.delete([ID1]) == 1


@pytest.mark.anyio
async def test_a_long_lived_async_store_survives_a_restart(fault_pg: FaultServer, dsn: str) -> None:
    async with AsyncPostgresQualityStore(dsn, min_size=3, max_size=3) as store:
        await asyncio.gather(*(store.count() for _ in range(6)))
        await store._pool.wait(30)
        fault_pg.restart()
        results = [await store.upsert(score(ID1, at=i)) for i in range(6)]
        assert results == [1] * 6
        async with AsyncQualityFilter(store, timeout=5, write_back=False) as quality:
            await store._pool.wait(30)
            fault_pg.restart()
            assert not (await quality.filter(PATTERNS, min_quality=0.0)).fallback
        await store._pool.wait(30)
        fault_pg.restart()
        assert (await store.get_many([ID1])).keys() == {ID1}
