"""``QualityFilter.qdrant_filter``: quality inside the vector search (qdrant-client local mode)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from qdrant_client import QdrantClient, models

from pattern_quality import (
    AsyncInMemoryQualityStore,
    AsyncQualityFilter,
    InMemoryQualityStore,
    PatternValidationError,
    QualityFilter,
    backfill,
)
from pattern_quality.projection import QualityPayload
from pattern_quality.sources.qdrant import QdrantPatternSource
from tests import qdrant_data as data

AT = datetime(2026, 1, 5, tzinfo=UTC)
#: point id -> (score, rubric, team) ; None: no projection
POINTS: dict[int, tuple[float, str, str] | None] = {
    1: (0.95, "2.0.0", "a"),
    2: (0.75, "2.0.0", "a"),
    3: (0.70, "1.0.0", "b"),
    4: (0.55, "2.0.0", "b"),
    5: (0.20, "2.0.0", "a"),
    6: None,
    7: None,
}


@pytest.fixture
def client() -> QdrantClient:
    c = QdrantClient(":memory:")
    c.create_collection(
        "code_patterns", vectors_config=models.VectorParams(size=2, distance=models.Distance.DOT)
    )
    points = []
    for pid, spec in POINTS.items():
        payload: dict[str, object] = {"team": "a" if pid in (6, 1, 2, 5) else "b"}
        if spec is not None:
            score, rubric, team = spec
            payload["team"] = team
            payload["quality"] = QualityPayload(score, _tier(score), rubric, AT).to_payload()
        points.append(models.PointStruct(id=pid, vector=[1.0, pid / 10], payload=payload))
    c.upsert("code_patterns", points)
    return c


def _tier(score: float) -> str:
    return (
        "excellent"
        if score >= 0.9
        else "good"
        if score >= 0.7
        else "fair"
        if score >= 0.5
        else "poor"
    )


def search(client: QdrantClient, query_filter: models.Filter, limit: int = 10) -> set[int]:
    hits = client.query_points(
        "code_patterns", query=[1.0, 0.5], query_filter=query_filter, limit=limit
    ).points
    return {int(h.id) for h in hits}


def test_threshold_tiers_rubric_and_the_unprojected_policy(client: QdrantClient) -> None:
    quality = QualityFilter(InMemoryQualityStore())
    assert search(client, quality.qdrant_filter(0.7, unprojected="exclude")) == {1, 2, 3}
    assert search(client, quality.qdrant_filter(0.7)) == {1, 2, 3, 6, 7}  # default: include
    assert search(client, quality.qdrant_filter(tiers=["good"], unprojected="exclude")) == {2, 3}
    assert search(client, quality.qdrant_filter(0.7, rubric="2.0.0", unprojected="exclude")) == {
        1,
        2,
    }
    only_projected = quality.qdrant_filter(unprojected="exclude")
    assert search(client, only_projected) == {1, 2, 3, 4, 5}
    assert search(client, quality.qdrant_filter()) == set(POINTS)
    quality.close()


def test_combined_with_the_callers_filter(client: QdrantClient) -> None:
    team_a = models.Filter(
        must=[models.FieldCondition(key="team", match=models.MatchValue(value="a"))]
    )
    quality = QualityFilter(InMemoryQualityStore())
    assert search(client, quality.qdrant_filter(0.7, base=team_a)) == {1, 2, 6}
    both = quality.qdrant_filter(0.7, base=team_a, unprojected="exclude")
    assert search(client, both) == {1, 2}
    assert isinstance(both.must, list) and both.must[0] is team_a
    quality.close()


def test_k_good_patterns_come_back_where_post_filtering_loses_them(client: QdrantClient) -> None:
    # Post-filtering the top 3 keeps only what happens to be good among them.
    top3 = client.query_points("code_patterns", query=[1.0, 0.5], limit=3).points
    kept_after = [h for h in top3 if (h.payload or {}).get("quality", {}).get("score", 0) >= 0.7]
    within = search(
        client,
        QualityFilter(InMemoryQualityStore()).qdrant_filter(0.7, unprojected="exclude"),
        limit=3,
    )
    assert len(within) == 3 > len(kept_after)


def test_bad_arguments_raise(client: QdrantClient) -> None:
    quality = QualityFilter(InMemoryQualityStore())
    for kwargs, match in (
        ({"min_quality": 1.5}, "min_quality"),
        ({"min_quality": "high"}, "min_quality"),
        ({"tiers": ["great"]}, "tiers: expected one of"),
        ({"tiers": []}, "at least one"),
        ({"rubric": [""]}, "non-empty"),
        ({"unprojected": "maybe"}, "unprojected"),
    ):
        with pytest.raises(PatternValidationError, match=match):
            quality.qdrant_filter(**kwargs)
    with pytest.raises(ValueError, match="plain identifier"):
        quality.qdrant_filter(0.5, key="quality.score")
    quality.close()


@pytest.mark.anyio
async def test_async_twin_builds_the_same_filter() -> None:
    async with AsyncQualityFilter(AsyncInMemoryQualityStore()) as quality:
        built = quality.qdrant_filter(0.7, tiers="good", rubric=["2.0.0"], key="pq")
    sync = QualityFilter(InMemoryQualityStore())
    assert built == sync.qdrant_filter(0.7, tiers="good", rubric=["2.0.0"], key="pq")
    sync.close()


def test_the_whole_retrieval_call_over_a_backfilled_projection() -> None:
    client = QdrantClient(":memory:")
    data.populate(client, ("code_patterns", "archon_vectors"))
    store = InMemoryQualityStore()
    source = QdrantPatternSource(client, collections=["code_patterns", "archon_vectors"])
    backfill(source, store, project=True)
    quality = QualityFilter(store)
    for name in ("code_patterns", "archon_vectors"):
        hits = client.query_points(
            name,
            query=[1.0, 1.0],
            query_filter=quality.qdrant_filter(0.45, unprojected="exclude"),
            limit=8,
            with_payload=True,
        ).points
        stored = {
            pid: s.composite_score
            for pid, s in store.get_many(
                [data.pattern_id(h.id if isinstance(h.id, int) else str(h.id)) for h in hits]
            ).items()
        }
        assert hits and all(score >= 0.45 for score in stored.values())
        # The classic filter agrees on every point the search returned.
        result = quality.filter(
            [
                {"pattern_id": data.pattern_id(h.id if isinstance(h.id, int) else str(h.id))}
                for h in hits
            ],
            0.45,
        )
        assert result.passed == len(hits)
    quality.close()
