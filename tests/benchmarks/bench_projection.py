"""What users feel from the projection: good patterns per query, latency, backfill cost.

One run, one local-mode Qdrant collection of N points (default 20,000: the
bundled sample cycled with fresh UUID ids, so the weak share is the sample's own
under the default rubric), one embedded PostgreSQL:

1. backfill throughput of the collection into PostgreSQL without and with
   ``project=True`` (two fresh databases, same source, same scorer, in-process);
2. for k = 8 and k = 32, over Q random query vectors: (a) ``query_points(limit=k)``
   then ``QualityFilter.filter`` (one store read per query), versus (b)
   ``query_points(limit=k, query_filter=quality.qdrant_filter(0.7,
   unprojected="exclude"))``: good patterns returned per query (composite >=
   0.7) and latency p50 / p95.

qdrant-client's local mode evaluates payload filters in Python over every point
(no payload index), so (b) is slower there than on a server; the counts are
what the search returns either way.

Run: ``.venv/bin/python -m tests.benchmarks.bench_projection`` (``--quick``: 20k
points, fewer queries). Starts an embedded PostgreSQL unless
PATTERN_QUALITY_TEST_DSN names a server.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
import uuid
from typing import Any

from qdrant_client import QdrantClient, models

from pattern_quality import PatternQualityScorer, PostgresQualityStore, QualityFilter, backfill
from pattern_quality.sample import load_sample_patterns
from pattern_quality.sources.mapping import pattern_id_for_point
from pattern_quality.sources.qdrant import QdrantPatternSource
from tests.benchmarks._bench_pg import bench_server, create_database, drop_databases

NAME = "code_patterns"
DIM = 64
MIN_QUALITY = 0.7
_NS = uuid.UUID("2f0a9a57-3b4c-4d7e-9f10-000000000014")


def build(client: QdrantClient, count: int, rng: random.Random) -> None:
    sample = load_sample_patterns()
    client.create_collection(
        NAME, vectors_config=models.VectorParams(size=DIM, distance=models.Distance.COSINE)
    )
    batch: list[models.PointStruct] = []
    for i in range(count):
        payload = {k: v for k, v in sample[i % len(sample)].items() if k != "pattern_id"}
        vector = [rng.gauss(0.0, 1.0) for _ in range(DIM)]
        batch.append(
            models.PointStruct(id=str(uuid.uuid5(_NS, str(i))), vector=vector, payload=payload)
        )
        if len(batch) == 2000:
            client.upsert(NAME, batch, wait=True)
            batch = []
    if batch:
        client.upsert(NAME, batch, wait=True)


def run_backfill(client: QdrantClient, dsn: str, project: bool) -> tuple[float, int, int]:
    source = QdrantPatternSource(client, collections=[NAME])
    with PostgresQualityStore(dsn) as store:
        start = time.perf_counter()
        report = backfill(
            source, store, project=project, scorer=PatternQualityScorer(explain=False)
        )
        elapsed = time.perf_counter() - start
    assert report.ok and report.not_projected == ()
    return report.seen / elapsed, report.stored, report.projected


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1]


def queries(
    client: QdrantClient, quality: QualityFilter, vectors: list[list[float]], k: int
) -> dict[str, tuple[list[int], list[float]]]:
    post_good: list[int] = []
    in_good: list[int] = []
    post_ms: list[float] = []
    in_ms: list[float] = []
    inside = quality.qdrant_filter(MIN_QUALITY, unprojected="exclude")
    for vector in vectors:
        start = time.perf_counter()
        hits = client.query_points(NAME, query=vector, limit=k, with_payload=True).points
        patterns: list[dict[str, Any]] = [
            {**(h.payload or {}), "pattern_id": pattern_id_for_point(h.id)} for h in hits
        ]
        result = quality.filter(patterns, MIN_QUALITY)
        post_ms.append((time.perf_counter() - start) * 1000)
        post_good.append(result.passed)

        start = time.perf_counter()
        hits = client.query_points(
            NAME, query=vector, query_filter=inside, limit=k, with_payload=True
        ).points
        in_ms.append((time.perf_counter() - start) * 1000)
        scores = [(h.payload or {})["quality"]["score"] for h in hits]
        assert all(s >= MIN_QUALITY for s in scores)
        in_good.append(len(hits))
    return {
        "search, then QualityFilter": (post_good, post_ms),
        "search with qdrant_filter": (in_good, in_ms),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=20_000)
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--quick", action="store_true", help="30 queries")
    args = parser.parse_args()
    n_queries = 30 if args.quick else args.queries
    rng = random.Random(14)

    client = QdrantClient(":memory:")
    build(client, args.points, rng)
    with bench_server() as server:
        try:
            plain_dsn = create_database(server, "pq_proj")
            proj_dsn = create_database(server, "pq_proj")
            plain_rate, stored, _ = run_backfill(client, plain_dsn, project=False)
            proj_rate, _, projected = run_backfill(client, proj_dsn, project=True)
            assert projected == stored == args.points
            vectors = [[rng.gauss(0.0, 1.0) for _ in range(DIM)] for _ in range(n_queries)]
            with (
                PostgresQualityStore(proj_dsn) as store,
                QualityFilter(store, write_back=False) as quality,
            ):
                every = client.scroll(NAME, limit=args.points)[0]
                briefs = store.get_briefs([pattern_id_for_point(r.id) for r in every])
                n_good = sum(1 for b in briefs.values() if b.composite_score >= MIN_QUALITY)
                good_share = n_good / args.points
                results = {k: queries(client, quality, vectors, k) for k in (8, 32)}
        finally:
            drop_databases(server, "pq_proj")

    print(f"{args.points:,} points (local mode), {good_share:.1%} with composite >= {MIN_QUALITY}")
    print(f"{n_queries} queries per k; latency in ms\n")
    print("| k | path | good per query (mean) | min | p50 ms | p95 ms |")
    print("|---:|---|---:|---:|---:|---:|")
    for k, rows in results.items():
        for name, (good, ms) in rows.items():
            print(
                f"| {k} | {name} | {statistics.mean(good):.2f} | {min(good)} | "
                f"{pct(ms, 50):.2f} | {pct(ms, 95):.2f} |"
            )
    slower = 1 - proj_rate / plain_rate
    print("\n| backfill | patterns/s |\n|---|---:|")
    print(f"| without projection | {plain_rate:,.0f} |")
    print(f"| with --project-to-qdrant | {proj_rate:,.0f} |")
    print(f"\nprojection cost on throughput: {slower:.1%} (goal <= 15 %)")
    print("command: .venv/bin/python -m tests.benchmarks.bench_projection")


if __name__ == "__main__":
    main()
