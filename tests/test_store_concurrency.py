"""Concurrent writers with overlapping ids: one row per id holding the max timestamp, no deadlock.

Each writer sends rounds of shuffled batches over the same ids with shuffled
timestamps, some large (COPY path) and some small (executemany path), some with
an id repeated. A deadlock would surface as a StoreError in a writer.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import random
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

import psycopg
import pytest

from pattern_quality import (
    AsyncPostgresQualityStore,
    InMemoryQualityStore,
    PostgresQualityStore,
    QualityScore,
)
from pattern_quality.storage.base import QualityStore

IDS = [f"7e3a0000-0000-4000-8000-{i:012x}" for i in range(240)]
T0 = datetime(2024, 1, 1, tzinfo=UTC)
WRITERS = 4
ROUNDS = 6


def make_score(pid: str, tick: int) -> QualityScore:
    """A score whose values are a function of (id, tick): ties carry identical rows."""
    value = (tick % 97) / 96
    return QualityScore(
        pattern_id=pid,
        pattern_name=f"p{tick}",
        composite_score=value,
        completeness_score=value,
        documentation_score=0.5,
        onex_compliance_score=0.5,
        metadata_richness_score=0.5,
        complexity_score=0.5,
        confidence=0.5,
        measurement_timestamp=T0 + timedelta(seconds=tick),
    )


def plan(seed: int) -> list[list[tuple[str, int]]]:
    """The batches of one writer: (id, tick) pairs, shuffled."""
    rnd = random.Random(seed)
    batches = []
    for _ in range(ROUNDS):
        ids = IDS if rnd.random() < 0.5 else rnd.sample(IDS, 40)  # COPY path or executemany
        batch = [(pid, rnd.randrange(50)) for pid in ids]
        batch += [(pid, rnd.randrange(50)) for pid in rnd.sample(ids, 5)]  # repeats in a call
        rnd.shuffle(batch)
        batches.append(batch)
    return batches


def expected_max() -> dict[str, int]:
    best: dict[str, int] = {}
    for seed in range(WRITERS):
        for batch in plan(seed):
            for pid, tick in batch:
                best[pid] = max(best.get(pid, -1), tick)
    return best


def write_plan(store: QualityStore, seed: int) -> int:
    return sum(store.upsert([make_score(p, t) for p, t in batch]) for batch in plan(seed))


def write_plan_in_process(dsn: str, seed: int) -> int:
    with PostgresQualityStore(dsn, max_size=1) as store:
        return write_plan(store, seed)


def check(rows: dict[str, QualityScore]) -> None:
    best = expected_max()
    assert sorted(rows) == sorted(best)
    for pid, tick in best.items():
        assert rows[pid].measurement_timestamp == T0 + timedelta(seconds=tick), pid
        assert rows[pid] == make_score(pid, tick), pid


def check_postgres(dsn: str) -> None:
    with psycopg.connect(dsn) as conn:
        dupes = conn.execute(
            "SELECT count(*) FROM (SELECT pattern_id FROM pattern_quality_metrics"
            " GROUP BY pattern_id HAVING count(*) > 1) d"
        ).fetchone()
    assert dupes == (0,)
    with PostgresQualityStore(dsn) as store:
        check({r.pattern_id: r.to_score() for r in store.iter_all() if r.pattern_id})


def run_threads(make: Callable[[int], QualityStore]) -> None:
    stores = [make(seed) for seed in range(WRITERS)]
    try:
        with ThreadPoolExecutor(WRITERS) as pool:
            written = list(pool.map(write_plan, stores, range(WRITERS)))
    finally:
        for s in stores:
            s.close()
    assert all(n > 0 for n in written)


def test_threads_with_their_own_pools(migrated_dsn: str) -> None:
    run_threads(lambda _: PostgresQualityStore(migrated_dsn, max_size=1))
    check_postgres(migrated_dsn)


def test_threads_sharing_one_pool(migrated_dsn: str) -> None:
    shared = PostgresQualityStore(migrated_dsn, max_size=WRITERS)
    try:
        with ThreadPoolExecutor(WRITERS) as pool:
            list(pool.map(write_plan, [shared] * WRITERS, range(WRITERS)))
    finally:
        shared.close()
    check_postgres(migrated_dsn)


def test_processes(migrated_dsn: str) -> None:
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(WRITERS, mp_context=spawn) as pool:
        written = list(pool.map(write_plan_in_process, [migrated_dsn] * WRITERS, range(WRITERS)))
    assert all(n > 0 for n in written)
    check_postgres(migrated_dsn)


@pytest.mark.anyio
async def test_async_tasks_sharing_one_pool(migrated_dsn: str) -> None:
    async def writer(store: AsyncPostgresQualityStore, seed: int) -> int:
        total = 0
        for batch in plan(seed):
            total += await store.upsert([make_score(p, t) for p, t in batch])
        return total

    async with AsyncPostgresQualityStore(migrated_dsn, max_size=WRITERS) as store:
        written = await asyncio.gather(*(writer(store, s) for s in range(WRITERS)))
    assert all(n > 0 for n in written)
    check_postgres(migrated_dsn)


def test_fake_under_threads() -> None:
    shared = InMemoryQualityStore()
    with ThreadPoolExecutor(WRITERS) as pool:
        list(pool.map(write_plan, [shared] * WRITERS, range(WRITERS)))
    check({r.pattern_id: r.to_score() for r in shared.iter_all() if r.pattern_id})
