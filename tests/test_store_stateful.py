"""The store state machine (pattern_quality.testing) against every store.

The same random upserts (repeated ids in a batch, older/newer/equal timestamps,
every id spelling), invalid batches, gets, deletes, counts and scans go to the
store under test and to the in-memory fake; they must agree after every step.
"""

from __future__ import annotations

from collections.abc import Iterable

import psycopg
import pytest
from hypothesis import HealthCheck, Phase, settings
from hypothesis.stateful import run_state_machine_as_test

from pattern_quality import (
    AsyncInMemoryQualityStore,
    AsyncPostgresQualityStore,
    InMemoryQualityStore,
    PostgresQualityStore,
)
from pattern_quality.models import QualityScore
from pattern_quality.storage.base import QualityStore
from pattern_quality.testing import BlockingStore, QualityStoreStateMachine

SETTINGS = settings(
    max_examples=25,
    stateful_step_count=15,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


def _empty(dsn: str) -> str:
    with psycopg.connect(dsn) as conn:
        conn.execute("TRUNCATE pattern_quality_metrics")
    return dsn


def test_postgres_store_agrees_with_the_fake(migrated_dsn: str) -> None:
    class Machine(QualityStoreStateMachine):
        def make_store(self) -> QualityStore:
            return PostgresQualityStore(_empty(migrated_dsn), max_size=1)

    run_state_machine_as_test(Machine, settings=SETTINGS)


def test_async_postgres_store_agrees_with_the_fake(migrated_dsn: str) -> None:
    class Machine(QualityStoreStateMachine):
        def make_store(self) -> QualityStore:
            dsn = _empty(migrated_dsn)
            return BlockingStore(lambda: AsyncPostgresQualityStore(dsn, max_size=1))

    run_state_machine_as_test(Machine, settings=SETTINGS)


def test_async_fake_agrees_with_the_fake() -> None:
    class Machine(QualityStoreStateMachine):
        def make_store(self) -> QualityStore:
            return BlockingStore(AsyncInMemoryQualityStore)

    run_state_machine_as_test(Machine, settings=SETTINGS)


class _StaleWinsStore(InMemoryQualityStore):
    """A broken store: it lets an older measurement overwrite a newer one."""

    def upsert(self, scores: QualityScore | Iterable[QualityScore]) -> int:
        batch = [scores] if isinstance(scores, QualityScore) else list(scores)
        for s in batch:
            self.delete([str(s.pattern_id)])
        return super().upsert(batch)


def test_the_machine_catches_a_store_that_regresses_rows() -> None:
    class Machine(QualityStoreStateMachine):
        def make_store(self) -> QualityStore:
            return _StaleWinsStore()

    no_shrink = settings(
        SETTINGS,
        max_examples=200,
        database=None,
        report_multiple_bugs=False,
        phases=[Phase.generate],  # finding the bug is the point; shrinking it is slow
    )
    with pytest.raises(AssertionError):
        run_state_machine_as_test(Machine, settings=no_shrink)


def test_the_machine_needs_a_factory() -> None:
    with pytest.raises(NotImplementedError, match="make_store"):
        QualityStoreStateMachine()
