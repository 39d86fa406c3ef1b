"""The projection of stored quality into Qdrant payloads, written by the backfill.

Real parts only: qdrant-client's local mode and the embedded PostgreSQL. The
payload object and the latest-wins rule are checked on their own first.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import UUID

import pytest
from qdrant_client import AsyncQdrantClient, QdrantClient

from pattern_quality import (
    AsyncInMemoryQualityStore,
    AsyncPostgresQualityStore,
    PostgresQualityStore,
    abackfill,
    backfill,
)
from pattern_quality.errors import QdrantUnavailableError
from pattern_quality.projection import PointRef, QdrantProjector, QualityPayload, State
from pattern_quality.projection.payload import check_key, classify, plan_writes, wanted_payloads
from pattern_quality.projection.rebuild import project_stored, verify_projection
from pattern_quality.sources.qdrant import QdrantPatternSource
from pattern_quality.sources.qdrant_async import AsyncQdrantPatternSource
from pattern_quality.storage.in_memory import InMemoryQualityStore
from tests import qdrant_data as data
from tests.stores import ID1, ID2, T0, score


def payloads(client: QdrantClient, key: str = "quality") -> dict[tuple[str, int | str], object]:
    """Every point's value under ``key`` (``None`` when it has none)."""
    out: dict[tuple[str, int | str], object] = {}
    for name in data.ALL:
        if not client.collection_exists(name):
            continue
        for record in client.scroll(name, limit=100, with_payload=True)[0]:
            out[(name, str(record.id) if isinstance(record.id, UUID) else record.id)] = (
                record.payload or {}
            ).get(key)
    return out


def rows(dsn: str) -> dict[str, QualityPayload]:
    with PostgresQualityStore(dsn) as store:
        return {r.pattern_id or "": QualityPayload.of(r) for r in store.iter_all()}


# -- the payload object and the rules -------------------------------------------------------


def test_payload_round_trips_and_rejects_what_is_not_ours() -> None:
    p = QualityPayload.of(score(ID1, composite=0.82, version="2.0.0"))
    assert p.tier == "good" and p.rubric == "2.0.0" and p.measured_at == T0
    assert p.to_payload() == {
        "score": 0.82,
        "tier": "good",
        "rubric": "2.0.0",
        "measured_at": "2024-05-01T12:00:00+00:00",
    }
    assert QualityPayload.parse(p.to_payload()) == p
    for bad in (
        None,
        "x",
        {},
        {**p.to_payload(), "score": True},
        {**p.to_payload(), "measured_at": "yesterday"},
        {**p.to_payload(), "measured_at": "2024-05-01T12:00:00"},  # no time zone
        {**p.to_payload(), "tier": 3},
    ):
        assert QualityPayload.parse(bad) is None, bad


def test_key_must_be_a_plain_identifier() -> None:
    assert check_key("quality_v2") == "quality_v2"
    for bad in ("", "quality.score", "a b", 3, None, "9x"):
        with pytest.raises(ValueError, match="plain identifier"):
            check_key(bad)


def test_plan_keeps_newer_payloads_and_skips_absent_points() -> None:
    old, new = QualityPayload.of(score(at=0)), QualityPayload.of(score(at=10))
    a, b, c, d = (PointRef("code_patterns", i) for i in (1, 2, 3, 4))
    writes, newer = plan_writes(
        {a: old, b: new, c: old, d: new}, {a: new, b: old, c: None}
    )  # d does not exist
    assert writes == {b: new, c: old} and newer == 1
    same, _ = plan_writes({a: new}, {a: new})  # equal times: the write wins, as in the stores
    assert same == {a: new}


def test_batch_projects_the_latest_score_of_each_pattern_to_all_its_points() -> None:
    early, late = score(ID1, at=0, composite=0.2), score(ID1.upper(), at=5, composite=0.9)
    points = {ID1: [PointRef("a", 1), PointRef("b", ID1)], ID2: [PointRef("a", 2)]}
    wanted = wanted_payloads([late, early, score(ID2)], points)
    assert wanted[PointRef("a", 1)].score == wanted[PointRef("b", ID1)].score == 0.9
    assert set(wanted) == {PointRef("a", 1), PointRef("b", ID1), PointRef("a", 2)}


def test_classify_states() -> None:
    row = QualityPayload.of(score(at=5, composite=0.5))
    older, newer = QualityPayload.of(score(at=0)), QualityPayload.of(score(at=9))
    other = QualityPayload.of(score(at=5, composite=0.6))
    assert classify(row, row) is State.OK
    assert classify(None, row) is State.MISSING
    assert classify(older, row) is State.STALE
    assert classify(other, row) is State.STALE
    assert classify(newer, row) is State.AHEAD
    assert classify(row, None) is State.AHEAD
    assert classify(None, None) is State.UNSCORED


# -- the backfill projects -------------------------------------------------------------------


@pytest.fixture
def qdrant() -> QdrantClient:
    client = QdrantClient(":memory:")
    data.populate(client)
    return client


def test_backfill_projects_every_stored_row_and_no_failed_point(
    qdrant: QdrantClient, migrated_dsn: str
) -> None:
    source = QdrantPatternSource(qdrant, collections=data.ALL)
    with PostgresQualityStore(migrated_dsn) as store:
        report = backfill(source, store, project=True, batch_size=3)
    assert report.project and report.projected == report.stored == 7
    assert report.not_projected == () and report.failed == 4 and not report.ok
    stored = rows(migrated_dsn)
    seen = payloads(qdrant)
    for (name, point_id), value in seen.items():
        pattern_id = data.pattern_id(point_id)
        if (name, point_id) in data.BAD_POINTS:
            assert value is None  # its row failed validation: no projection
        else:
            assert QualityPayload.parse(value) == stored[pattern_id], (name, point_id)
    assert report.to_dict()["projected"] == 7


def test_other_key_and_the_old_payload_stays(qdrant: QdrantClient, migrated_dsn: str) -> None:
    source = QdrantPatternSource(qdrant, collections=["archon_vectors"])
    with PostgresQualityStore(migrated_dsn) as store:
        backfill(source, store, project=source.projector(key="pq"))
    record = qdrant.retrieve("archon_vectors", [7])[0]
    assert record.payload is not None
    assert record.payload["pattern_name"] == "OrderCompute"  # the rest of the payload is kept
    assert "quality" not in record.payload
    parsed = QualityPayload.parse(record.payload["pq"])
    assert (
        parsed is not None
        and parsed.measured_at == rows(migrated_dsn)[data.legacy_id(7)].measured_at
    )


def test_an_older_score_never_replaces_a_newer_payload(qdrant: QdrantClient) -> None:
    future = QualityPayload(0.99, "excellent", "9.9.9", datetime.now(UTC) + timedelta(days=1))
    qdrant.set_payload("archon_vectors", {"quality": future.to_payload()}, points=[7])
    source = QdrantPatternSource(qdrant, collections=["archon_vectors"])
    report = backfill(source, InMemoryQualityStore(), project=True)
    assert report.projection_newer == 1 and report.projected == 1  # points 7 and 8
    assert QualityPayload.parse(payloads(qdrant)[("archon_vectors", 7)]) == future
    assert QualityPayload.parse(payloads(qdrant)[("archon_vectors", 8)]) is not None


def test_project_option_errors(qdrant: QdrantClient) -> None:
    store = InMemoryQualityStore()
    with pytest.raises(ValueError, match="needs a Qdrant source"):
        backfill([{"pattern_id": ID1}], store, project=True)
    source = QdrantPatternSource(qdrant)
    with pytest.raises(ValueError, match="dry_run"):
        backfill(source, None, dry_run=True, project=True)
    with pytest.raises(ValueError, match="needs a QdrantProjector"):
        backfill(source, store, project="yes")  # type: ignore[arg-type]
    assert store.count() == 0


@pytest.mark.anyio
async def test_abackfill_projects_like_backfill(migrated_dsn: str) -> None:
    client = AsyncQdrantClient(":memory:")
    await data.apopulate(client)
    source = AsyncQdrantPatternSource(client, collections=data.ALL)
    async with AsyncPostgresQualityStore(migrated_dsn) as store:
        report = await abackfill(source, store, project=True, batch_size=4)
    assert report.projected == report.stored == 7 and report.not_projected == ()
    record = (await client.retrieve("quality_vectors", [100]))[0]
    assert record.payload is not None
    parsed = QualityPayload.parse(record.payload["quality"])
    assert parsed == rows(migrated_dsn)[data.legacy_id(100)]
    with pytest.raises(ValueError, match="needs an AsyncQdrantProjector"):
        sync = QdrantProjector(QdrantClient(":memory:"))
        await abackfill(source, AsyncInMemoryQualityStore(), project=sync)  # type: ignore[arg-type]


# -- losing Qdrant between the database commit and the projection ---------------------------


def test_qdrant_lost_after_commit_then_repaired(tmp_path: Path, migrated_dsn: str) -> None:
    # The source reads one copy of the collections; the projection goes to another
    # Qdrant (a local storage directory) that goes away after the first batch.
    reader = QdrantClient(":memory:")
    data.populate_many(reader, "code_patterns", 40)
    storage = tmp_path / "qdrant"
    target = QdrantClient(path=str(storage))
    data.populate_many(target, "code_patterns", 40)
    projector = QdrantProjector(target)
    batches: list[int] = []

    def lose_qdrant(_: int) -> None:
        batches.append(1)
        if len(batches) == 3:  # batches 1 and 2 are written and projected by now
            target.close()

    source = QdrantPatternSource(reader, collections=["code_patterns"])
    with PostgresQualityStore(migrated_dsn) as store:
        report = backfill(source, store, batch_size=10, project=projector, progress=lose_qdrant)
        assert store.count() == 40  # every row is stored
    assert report.completed and report.stored == 40 and not report.ok
    lost = report.not_projected
    assert lost and sum(b.rows for b in lost) + report.projected == 40
    assert report.projected >= 20  # batch 3 raced the loss; batch 4 came after it
    assert lost[-1].batch == 4 and "closed" in lost[-1].reason
    assert len(lost[-1].pattern_ids) == 5
    assert report.to_dict()["not_projected"][0]["rows"] == 10

    with (
        QdrantProjector.local(storage) as back,
        PostgresQualityStore(migrated_dsn) as store,
    ):
        before = verify_projection(back, store, ["code_patterns"])
        assert before.counts["missing"] == 40 - report.projected and not before.ok
        assert before.counts["ok"] == report.projected
        repaired = project_stored(back, store, ["code_patterns"], changed_only=True)
        assert repaired.written == 40 - report.projected
        assert repaired.unchanged == report.projected
        after = verify_projection(back, store, ["code_patterns"])
    assert after.ok and after.counts["ok"] == 40


def test_unreachable_qdrant_is_reported_with_its_url(qdrant: QdrantClient) -> None:
    far = QdrantProjector.from_url("https://127.0.0.1:9", api_key="k-secret-77", timeout=2)
    source = QdrantPatternSource(qdrant, collections=["archon_vectors"])
    store = InMemoryQualityStore()
    report = backfill(source, store, project=far)
    assert store.count() == 2 and report.projected == 0
    (batch,) = report.not_projected
    assert "127.0.0.1:9" in batch.reason and "k-secret-77" not in batch.reason
    assert batch.rows == 2


def test_local_mode_makes_no_payload_index_but_a_server_would(qdrant: QdrantClient) -> None:
    projector = QdrantProjector(qdrant)
    assert projector.local_mode and not projector.ensure_index("code_patterns")
    assert qdrant.get_collection("code_patterns").payload_schema == {}
    remote = QdrantProjector.from_url("http://127.0.0.1:9", timeout=2)
    assert not remote.local_mode
    with pytest.raises(QdrantUnavailableError, match="score index of 'code_patterns'"):
        remote.ensure_index("code_patterns")
