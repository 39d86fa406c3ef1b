"""backfill() / abackfill(): Qdrant local mode and real PostgreSQL (no mocks)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from qdrant_client import AsyncQdrantClient, QdrantClient

from pattern_quality.backfill import (
    BackfillError,
    BackfillReport,
    FailureExample,
    FailureGroup,
    RetryPolicy,
    abackfill,
    backfill,
)
from pattern_quality.errors import (
    CollectionNotFoundError,
    DatabaseUnavailableError,
    SchemaNotReadyError,
)
from pattern_quality.models import QualityScore
from pattern_quality.qdrant import (
    AsyncQdrantPatternSource,
    PointFailure,
    QdrantPatternSource,
)
from pattern_quality.report import summarize
from pattern_quality.sample import load_sample_patterns
from pattern_quality.scoring import DEFAULT_RUBRIC, PatternQualityScorer
from pattern_quality.storage.memory import AsyncInMemoryQualityStore, InMemoryQualityStore
from pattern_quality.storage.postgres import PostgresQualityStore
from pattern_quality.storage.postgres_async import AsyncPostgresQualityStore
from pattern_quality.testing.strategies import invalid_pattern_mappings, pattern_mappings
from tests import qdrant_data as data
from tests.backfill_items import NO_WAIT, _mapping, _row_count, _rows, _uid


@pytest.fixture
def qdrant() -> Iterator[QdrantClient]:
    client = QdrantClient(":memory:")
    data.populate(client)
    yield client
    client.close()


# --- legacy collections into PostgreSQL ------------------------------------------------


def test_legacy_collections_into_postgres(qdrant: QdrantClient, migrated_dsn: str) -> None:
    source = QdrantPatternSource(qdrant, collections=data.ALL)
    with PostgresQualityStore(migrated_dsn) as store:
        report = backfill(source, store, batch_size=3)
    assert (report.seen, report.scored, report.stored, report.skipped) == (11, 7, 7, 0)
    assert report.completed and not report.ok
    assert report.collections == data.ALL
    assert report.batches == 3
    assert {g.reason: g.count for g in report.failures} == {
        "metadata: expected a mapping": 1,
        "confidence: expected a number in [0, 1]": 1,
        "use_cases: expected a list or tuple": 1,
        "node_types: expected a list": 1,
    }
    examples = {(e.collection, e.point_id) for g in report.failures for e in g.examples}
    assert examples == set(data.BAD_POINTS)
    rows = _rows(migrated_dsn)
    assert set(rows) == data.good_ids()
    assert "013a1d7c-2c7e-59d9-b2d4-b74a73d803bf" in rows
    assert sum(report.tiers.values()) == 7


def test_running_twice_updates_rows_instead_of_adding_them(
    qdrant: QdrantClient, migrated_dsn: str
) -> None:
    source = QdrantPatternSource(qdrant, collections=data.ALL)
    with PostgresQualityStore(migrated_dsn) as store:
        first_report = backfill(source, store)
        first = _rows(migrated_dsn)
        second_report = backfill(source, store)
    second = _rows(migrated_dsn)
    assert _row_count(migrated_dsn) == len(second) == len(first) == 7
    assert (first_report.stored, second_report.stored) == (7, 7)
    for pid, (score, created, updated, measured) in second.items():
        old_score, old_created, old_updated, old_measured = first[pid]
        assert score == old_score
        assert created == old_created
        assert updated > old_updated
        assert measured > old_measured


def test_dry_run_scores_and_writes_nothing(qdrant: QdrantClient, migrated_dsn: str) -> None:
    source = QdrantPatternSource(qdrant, collections=data.ALL)
    with PostgresQualityStore(migrated_dsn) as store:
        report = backfill(source, store, dry_run=True)
    assert (report.seen, report.scored, report.stored, report.batches) == (11, 7, 0, 0)
    assert report.dry_run
    assert _row_count(migrated_dsn) == 0
    assert backfill(source, None, dry_run=True).to_dict() | {"elapsed": 0, "throughput": 0} == (
        report.to_dict() | {"elapsed": 0, "throughput": 0}
    )


def test_limit_reads_exactly_that_many_items() -> None:
    store = InMemoryQualityStore()
    pulled: list[int] = []

    def source() -> Iterator[dict[str, Any]]:
        for i in range(100):
            pulled.append(i)
            yield _mapping(i)

    report = backfill(source(), store, limit=10, batch_size=4)
    assert (report.seen, report.scored, report.stored) == (10, 10, 10)
    assert len(pulled) == 10
    assert {s.pattern_id for s in store.iter_all()} == {_uid(i) for i in range(10)}
    assert backfill([_mapping(1)], store, limit=0).seen == 0


def test_min_confidence_skips_and_counts() -> None:
    store = InMemoryQualityStore()
    items = [_mapping(i, confidence=i / 10) for i in range(11)]
    report = backfill(items, store, min_confidence=0.5)
    assert (report.seen, report.scored, report.stored, report.skipped) == (11, 6, 6, 5)
    assert {s.pattern_id for s in store.iter_all()} == {_uid(i) for i in range(5, 11)}


def test_failures_are_grouped_counted_exactly_with_bounded_examples() -> None:
    store = InMemoryQualityStore()
    items: list[Any] = [_mapping(i) for i in range(3)]
    items += [{"pattern_id": _uid(100 + i), "metadata": i} for i in range(12)]
    items += [{"pattern_id": "not-a-uuid"}, {"code": "x"}, "a string"]
    items.append(PointFailure("c", 9, _uid(9), "custom reason", "custom reason: detail"))
    report = backfill(items, store)
    groups = {g.reason: g for g in report.failures}
    assert {r: g.count for r, g in groups.items()} == {
        "metadata: expected a mapping": 12,
        "pattern_id: expected a UUID": 1,
        "pattern_id: missing": 1,
        "pattern: expected a mapping": 1,
        "custom reason": 1,
    }
    assert report.failures[0].reason == "metadata: expected a mapping"  # most frequent first
    assert [e.point_id for e in groups["metadata: expected a mapping"].examples] == [
        _uid(100 + i) for i in range(5)
    ]
    assert groups["custom reason"] == FailureGroup(
        "custom reason", 1, (FailureExample("c", 9, _uid(9), "custom reason: detail"),)
    )
    assert (report.seen, report.scored, report.failed, store.count()) == (19, 3, 16, 3)


def test_report_accounts_for_every_item() -> None:
    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        items=st.lists(st.one_of(pattern_mappings(), invalid_pattern_mappings()), max_size=25),
        min_confidence=st.one_of(st.none(), st.floats(0, 1)),
        batch_size=st.integers(1, 7),
    )
    def check(items: list[Any], min_confidence: float | None, batch_size: int) -> None:
        store = InMemoryQualityStore()
        report = backfill(items, store, min_confidence=min_confidence, batch_size=batch_size)
        assert report.seen == len(items)
        assert report.scored + report.skipped + report.failed == report.seen
        assert sum(report.tiers.values()) == report.scored
        assert report.stored == store.count() <= report.scored

    check()


def test_memory_is_bounded_by_the_batch_size() -> None:
    """The source is read lazily: no more than two batches ahead of the last write."""
    pulled = 0
    ahead: list[int] = []

    class Recording(InMemoryQualityStore):
        def upsert(self, scores: Any) -> int:
            batch = list(scores)
            ahead.append(pulled - self.count() - len(batch))
            return super().upsert(batch)

    def source() -> Iterator[dict[str, Any]]:
        nonlocal pulled
        for i in range(1000):
            pulled += 1
            yield _mapping(i)

    report = backfill(source(), Recording(), batch_size=50)
    assert report.stored == 1000
    assert len(ahead) == 20
    assert max(ahead) <= 2 * 50


# --- options and argument errors -------------------------------------------------------


def test_argument_errors(qdrant: QdrantClient) -> None:
    store = InMemoryQualityStore()
    with pytest.raises(ValueError, match="a store is required unless dry_run=True"):
        backfill([], None)
    with pytest.raises(ValueError, match="collections= needs a source that knows collections"):
        backfill([], store, collections=["code_patterns"])
    with pytest.raises(ValueError, match="batch_size must be an integer >= 1, got 0"):
        backfill([], store, batch_size=0)
    with pytest.raises(ValueError, match="limit must be an integer >= 0 or None, got -1"):
        backfill([], store, limit=-1)
    with pytest.raises(ValueError, match="min_confidence: expected a number in"):
        backfill([], store, min_confidence=1.5)
    with pytest.raises(TypeError, match="source must be an iterable of patterns, got str"):
        backfill("code_patterns", store)  # type: ignore[arg-type]
    with pytest.raises(CollectionNotFoundError):
        backfill(QdrantPatternSource(qdrant), store, collections=["nope"])
    with pytest.raises(TypeError, match="is asynchronous: use abackfill"):
        source = AsyncQdrantPatternSource(AsyncQdrantClient(":memory:"))
        backfill(source, store)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="attempts"):
        RetryPolicy(attempts=0)


def test_retry_policy_delays_and_transience() -> None:
    assert RetryPolicy().delays() == [0.5, 1.0, 2.0]
    assert RetryPolicy(attempts=6, initial_delay=1, max_delay=5).delays() == [1, 2, 4, 5, 5]
    assert RetryPolicy.is_transient(DatabaseUnavailableError("x"))
    assert RetryPolicy.is_transient(TimeoutError())
    assert not RetryPolicy.is_transient(SchemaNotReadyError("x"))
    assert not RetryPolicy.is_transient(ValueError("x"))


def test_report_to_dict_and_averages() -> None:
    report = backfill([_mapping(1), _mapping(2)], InMemoryQualityStore())
    doc = report.to_dict()
    assert list(doc) == [
        "collections", "dry_run", "completed", "ok", "seen", "scored", "stored", "skipped",
        "changed_only", "unchanged", "workers", "failed", "failures", "tiers",
        "dimension_averages", "batches", "retries", "elapsed", "throughput", "rubric_version",
        "error", "project", "projected", "projection_newer", "not_projected",
    ]  # fmt: skip
    assert (doc["changed_only"], doc["unchanged"], doc["workers"]) == (False, 0, 1)
    assert list(doc["tiers"]) == ["excellent", "good", "fair", "poor"]
    assert list(doc["dimension_averages"]) == [
        "completeness_score", "documentation_score", "onex_compliance_score",
        "metadata_richness_score", "complexity_score", "composite_score",
    ]  # fmt: skip
    scores = [PatternQualityScorer().score_pattern(_mapping(i)) for i in (1, 2)]
    assert doc["dimension_averages"]["composite_score"] == pytest.approx(
        (scores[0].composite_score + scores[1].composite_score) / 2
    )
    assert report.summary.total == 2 and report.summary.versions == (DEFAULT_RUBRIC,)
    assert isinstance(report, BackfillReport) and report.rubric_version == DEFAULT_RUBRIC
    legacy = backfill([_mapping(1)], None, dry_run=True, scorer=PatternQualityScorer("1.0.0"))
    assert legacy.rubric_version == "1.0.0"


def test_progress_is_called_with_increments_summing_to_seen() -> None:
    calls: list[int] = []
    report = backfill([_mapping(i) for i in range(25)], None, dry_run=True, batch_size=10,
                      progress=calls.append)  # fmt: skip
    assert calls == [10, 10, 5]
    assert sum(calls) == report.seen


def test_scores_are_the_scorers_scores() -> None:
    captured: list[QualityScore] = []

    class Capture(InMemoryQualityStore):
        def upsert(self, scores: Any) -> int:
            batch = list(scores)
            captured.extend(batch)
            return super().upsert(batch)

    items = [_mapping(i) for i in range(3)]
    backfill(items, Capture())
    expected = [PatternQualityScorer().score_pattern(m) for m in items]
    assert [(s.pattern_id, s.composite_score, s.findings) for s in captured] == [
        (e.pattern_id, e.composite_score, ()) for e in expected
    ]


# --- the async twin ----------------------------------------------------------------------


@pytest.mark.anyio
async def test_abackfill_matches_backfill_on_legacy_collections(
    qdrant: QdrantClient, migrated_dsn: str
) -> None:
    sync_report = backfill(QdrantPatternSource(qdrant, collections=data.ALL), None, dry_run=True)
    aclient = AsyncQdrantClient(":memory:")
    await data.apopulate(aclient)
    source = AsyncQdrantPatternSource(aclient, collections=data.ALL, page_size=2)
    async with AsyncPostgresQualityStore(migrated_dsn) as store:
        report = await abackfill(source, store, batch_size=3)
        again = await abackfill(source, store, batch_size=3)
    assert again.stored == 7
    await aclient.close()
    assert set(_rows(migrated_dsn)) == data.good_ids()
    assert _row_count(migrated_dsn) == 7
    ignore = {"elapsed": 0, "throughput": 0, "stored": 0, "batches": 0, "dry_run": False}
    assert report.to_dict() | ignore == sync_report.to_dict() | ignore
    assert (report.stored, report.batches) == (7, 3)


@pytest.mark.anyio
async def test_abackfill_with_plain_and_sync_sources_and_retries(qdrant: QdrantClient) -> None:
    class AFlaky(AsyncInMemoryQualityStore):
        calls = 0

        async def upsert(self, scores: Any) -> int:
            self.calls += 1
            if self.calls == 1:
                raise DatabaseUnavailableError("gone")
            return await super().upsert(scores)

    async def agen() -> Any:
        for i in range(7):
            yield _mapping(i)

    store = AFlaky()
    a = await abackfill(agen(), store, batch_size=3, retry=NO_WAIT, limit=5)
    b = await abackfill([_mapping(i) for i in range(4)], store, min_confidence=0.9)
    c = await abackfill(QdrantPatternSource(qdrant), store)
    count = await store.count()
    assert (a.seen, a.stored, a.retries, a.batches) == (5, 5, 1, 2)
    assert (b.seen, b.skipped, b.stored) == (4, 4, 0)
    assert (c.seen, c.stored, c.failed) == (5, 4, 1)
    assert c.collections == ("code_patterns", "execution_patterns")
    assert count == 9


@pytest.mark.anyio
async def test_abackfill_stops_with_the_partial_report() -> None:
    class Dies(AsyncInMemoryQualityStore):
        calls = 0

        async def upsert(self, scores: Any) -> int:
            self.calls += 1
            if self.calls > 1:
                raise DatabaseUnavailableError("gone")
            return await super().upsert(scores)

    with pytest.raises(BackfillError) as info:
        await abackfill([_mapping(i) for i in range(9)], Dies(), batch_size=4, retry=NO_WAIT)
    err = info.value
    assert (err.report.stored, err.report.batches, err.report.completed) == (4, 1, False)
    assert str(err).startswith("backfill stopped while writing batch 2 (4 scores): gone.")


@pytest.mark.anyio
async def test_abackfill_reads_a_source_whose_scan_is_not_awaited() -> None:
    """A source written against the older protocol: ``scan`` returns its iterator."""

    class OldSource:
        async def check(self, collections: Any = None) -> tuple[str, ...]:
            return ("old",)

        def scan(self, collections: Any = None) -> Any:
            async def items() -> Any:
                for i in range(3):
                    yield _mapping(i)

            return items()

    store = AsyncInMemoryQualityStore()
    report = await abackfill(OldSource(), store)
    assert (report.collections, report.stored, await store.count()) == (("old",), 3, 3)


def test_report_tiers_and_averages_agree_with_report_summarize() -> None:
    corpus = load_sample_patterns()
    report = backfill(corpus, None, dry_run=True, batch_size=97)
    expected = summarize(PatternQualityScorer(explain=False).score_many(corpus))
    assert report.summary.total == expected.total == len(corpus)
    assert dict(report.summary.tier_counts) == dict(expected.tier_counts)
    assert list(report.dimension_averages) == list(expected.dimension_averages)
    for key, value in expected.dimension_averages.items():
        assert report.dimension_averages[key] == pytest.approx(value, rel=1e-12)
