"""Manifest-injection filter over {memory, postgres} x {sync, async} stores."""

from __future__ import annotations

import asyncio
import logging
import threading
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest

from pattern_quality import (
    AsyncInMemoryQualityStore,
    AsyncPostgresQualityStore,
    AsyncQualityFilter,
    InMemoryQualityStore,
    PatternQualityScorer,
    PatternValidationError,
    PostgresQualityStore,
    QualityFilter,
    QualityScore,
)
from pattern_quality.filtering import FilterResult
from tests.stores import store_kinds

SCORER = PatternQualityScorer()


def _pid(n: int) -> str:
    return str(uuid.UUID(int=n))


def _score(pid: str, composite: float) -> QualityScore:
    return QualityScore(
        pattern_id=pid,
        pattern_name=f"p{pid[-4:]}",
        composite_score=composite,
        completeness_score=composite,
        documentation_score=composite,
        onex_compliance_score=composite,
        metadata_richness_score=composite,
        complexity_score=composite,
        confidence=0.5,
        measurement_timestamp=datetime(2026, 1, 1, tzinfo=UTC),
    )


class Harness:
    """Drives a sync or async filter through one sync interface."""

    def __init__(self, kind: str, make_store: Callable[[], Any], is_async: bool) -> None:
        self.kind = kind
        self.is_async = is_async
        self._runner = asyncio.Runner() if is_async else None
        self.store = self._call(make_store) if is_async else make_store()

    def _call(self, fn: Callable[[], Any]) -> Any:
        assert self._runner is not None

        async def wrapped() -> Any:
            value = fn()
            return await value if asyncio.iscoroutine(value) else value

        return self._runner.run(wrapped())

    def seed(self, scores: list[QualityScore]) -> None:
        if self.is_async:
            self._call(lambda: self.store.upsert(scores))
        else:
            self.store.upsert(scores)

    def stored(self, ids: list[str]) -> dict[str, Any]:
        if self.is_async:
            return dict(self._call(lambda: self.store.get_many(ids)))
        return dict(self.store.get_many(ids))

    def run_filter(self, patterns: list[Any], min_quality: float, **options: Any) -> FilterResult:
        if self.is_async:

            async def go() -> FilterResult:
                async with AsyncQualityFilter(self.store, SCORER, **options) as f:
                    return await f.filter(patterns, min_quality=min_quality)

            assert self._runner is not None
            return self._runner.run(go())
        with QualityFilter(self.store, SCORER, **options) as f:
            return f.filter(patterns, min_quality=min_quality)

    def close(self) -> None:
        if self.is_async:
            self._call(self.store.close)
            assert self._runner is not None
            self._runner.close()
        else:
            self.store.close()


@pytest.fixture(
    params=store_kinds("memory-sync", "memory-async", "postgres-sync", "postgres-async")
)
def harness(request: pytest.FixtureRequest) -> Iterator[Harness]:
    kind, mode = request.param.split("-")
    is_async = mode == "async"
    if kind == "memory":
        make: Callable[[], Any] = AsyncInMemoryQualityStore if is_async else InMemoryQualityStore
    else:
        dsn = request.getfixturevalue("migrated_dsn")
        if is_async:

            async def make_async() -> Any:
                store = AsyncPostgresQualityStore(dsn)
                await store.open()
                return store

            make = make_async
        else:
            make = lambda: PostgresQualityStore(dsn)  # noqa: E731
    h = Harness(request.param, make, is_async)
    yield h
    h.close()


def _patterns(n: int) -> list[dict[str, Any]]:
    return [{"pattern_id": _pid(i), "pattern_name": f"P{i}", "code": "x = 1\n"} for i in range(n)]


def test_order_preserved_and_threshold_inclusive(harness: Harness) -> None:
    patterns = _patterns(6)
    composites = [0.9, 0.2, 0.7, 0.69999, 1.0, 0.7]
    harness.seed([_score(p["pattern_id"], c) for p, c in zip(patterns, composites, strict=True)])
    shuffled = [patterns[i] for i in (4, 1, 0, 5, 3, 2)]

    result = harness.run_filter(shuffled, 0.7)

    assert [p["pattern_id"] for p in result.patterns] == [
        patterns[i]["pattern_id"] for i in (4, 0, 5, 2)
    ]
    assert result.scores == (1.0, 0.9, 0.7, 0.7)
    assert (result.total, result.passed, result.threshold) == (6, 4, 0.7)
    assert (result.from_store, result.computed, result.written_back) == (6, 0, 0)
    assert result.fallback is False and result.reason is None


def test_unknown_patterns_are_scored_and_written_back_in_one_batch(harness: Harness) -> None:
    patterns = _patterns(5)
    harness.seed([_score(patterns[0]["pattern_id"], 0.95)])
    expected = {p["pattern_id"]: SCORER.score_pattern(p).composite_score for p in patterns[1:]}

    result = harness.run_filter(patterns, 0.0)

    assert (result.from_store, result.computed, result.written_back) == (1, 4, 4)
    assert result.scores == (0.95, *expected.values())
    stored = harness.stored([p["pattern_id"] for p in patterns])
    assert {k: v.composite_score for k, v in stored.items() if k in expected} == expected
    assert stored[patterns[0]["pattern_id"]].composite_score == 0.95


def test_write_back_can_be_disabled(harness: Harness) -> None:
    patterns = _patterns(3)
    result = harness.run_filter(patterns, 0.0, write_back=False)
    assert (result.computed, result.written_back) == (3, 0)
    assert harness.stored([p["pattern_id"] for p in patterns]) == {}


def test_patterns_without_a_valid_id_are_scored_but_not_stored(harness: Harness) -> None:
    patterns = [{"code": "import os\n"}, {"pattern_id": "not-a-uuid", "code": "import os\n"}]
    result = harness.run_filter(patterns, 0.0)
    assert (result.passed, result.computed, result.written_back) == (2, 2, 0)


@pytest.mark.parametrize(("policy", "kept"), [("keep", 2), ("drop", 1)])
def test_invalid_patterns_follow_the_policy(harness: Harness, policy: str, kept: int) -> None:
    bad = {"pattern_id": _pid(1), "code": 42}
    good = {"pattern_id": _pid(2), "code": "import os\n"}
    result = harness.run_filter([bad, good, "not a mapping"], 0.0, on_invalid=policy)
    assert result.invalid == 2
    assert result.passed == kept + (1 if policy == "keep" else 0)
    assert (bad in result.patterns) is (policy == "keep")
    assert good in result.patterns


def test_invalid_threshold_is_an_error(harness: Harness) -> None:
    with pytest.raises(PatternValidationError, match="min_quality"):
        harness.run_filter(_patterns(1), float("nan"))


def test_store_gone_falls_back_with_one_warning(
    pg_server_dsn: str, migrated_dsn: str, caplog: pytest.LogCaptureFixture
) -> None:
    store = PostgresQualityStore(migrated_dsn)
    patterns = _patterns(3)
    store.upsert([_score(p["pattern_id"], 0.1) for p in patterns])
    dbname = psycopg.conninfo.conninfo_to_dict(migrated_dsn)["dbname"]
    with psycopg.connect(pg_server_dsn, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE "{dbname}" WITH (FORCE)')
    try:
        with (
            caplog.at_level(logging.WARNING, logger="pattern_quality.filtering"),
            QualityFilter(store, SCORER, timeout=5) as quality,
        ):
            result = quality.filter(patterns, min_quality=0.0)
        assert result.fallback is True and result.reason is not None
        assert (result.passed, result.computed, result.from_store) == (3, 3, 0)
        assert result.written_back == 0
        assert len([r for r in caplog.records if "fell back" in r.getMessage()]) == 1
    finally:
        store.close()


def test_slow_store_times_out_and_falls_back(migrated_dsn: str) -> None:
    patterns = _patterns(2)
    with PostgresQualityStore(migrated_dsn) as store:
        store.upsert([_score(p["pattern_id"], 0.1) for p in patterns])
        locker = psycopg.connect(migrated_dsn)
        locker.execute("LOCK TABLE pattern_quality_metrics IN ACCESS EXCLUSIVE MODE")
        try:
            with QualityFilter(store, SCORER, timeout=0.2, write_back=False) as quality:
                result = quality.filter(patterns, min_quality=0.0)
            assert result.fallback is True
            assert result.reason == "store lookup timed out"
            assert result.computed == 2 and result.from_store == 0
        finally:
            locker.rollback()
            locker.close()


@pytest.mark.anyio
async def test_async_slow_store_times_out_and_falls_back(migrated_dsn: str) -> None:
    patterns = _patterns(2)
    async with AsyncPostgresQualityStore(migrated_dsn) as store:
        await store.upsert([_score(p["pattern_id"], 0.1) for p in patterns])
        locker = await psycopg.AsyncConnection.connect(migrated_dsn)
        await locker.execute("LOCK TABLE pattern_quality_metrics IN ACCESS EXCLUSIVE MODE")
        try:
            async with AsyncQualityFilter(store, SCORER, timeout=0.2) as quality:
                result = await quality.filter(patterns, min_quality=0.5)
        finally:
            await locker.rollback()
            await locker.close()
    assert result.fallback is True and result.reason == "store lookup timed out"
    assert result.written_back == 0


def test_sync_and_async_filters_are_twins() -> None:
    import inspect

    def public(cls: type) -> dict[str, inspect.Signature]:
        return {
            name: inspect.signature(member)
            for name, member in vars(cls).items()
            if callable(member) and not name.startswith("_")
        }

    sync, asyn = public(QualityFilter), public(AsyncQualityFilter)
    assert sync.keys() == asyn.keys()
    for name, sig in sync.items():
        assert list(sig.parameters) == list(asyn[name].parameters), name


def test_failing_write_back_is_logged_not_raised(caplog: pytest.LogCaptureFixture) -> None:
    class BrokenWrites(InMemoryQualityStore):
        def upsert(self, scores: Any) -> int:
            raise RuntimeError("disk full")

    done = threading.Event()
    with (
        caplog.at_level(logging.WARNING, logger="pattern_quality.filtering"),
        QualityFilter(BrokenWrites(), SCORER) as quality,
    ):
        result = quality.filter(_patterns(2), min_quality=0.0)
        quality.flush(timeout=5)
        done.set()
    assert done.is_set() and result.written_back == 2
    assert any("write-back failed" in r.getMessage() for r in caplog.records)
