"""The seed's call site, verbatim, against the test database."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from psycopg.conninfo import conninfo_to_dict

from pattern_quality import PatternQualityScorer, close_pools
from pattern_quality.storage.registry import shared_store

PATTERN_ID = "3f2b8c1e-9a4d-4e7f-b6a5-1c2d3e4f5a6b"
pattern_data: dict[str, Any] = {
    "pattern_id": PATTERN_ID,
    "pattern_name": "UserAuthEffect",
    "code": (
        "import asyncio\n\n"
        "class UserAuthEffect:\n"
        '    """Authenticate a user against the identity service."""\n\n'
        "    async def execute_effect(self, contract: dict) -> bool:\n"
        "        # validate first\n"
        "        if not contract:\n"
        "            return False\n"
        "        return await self._client.check(contract)\n"
    ),
    "text": "Authenticates a user with the identity service and returns whether access is granted.",
    "metadata": {"complexity": "low", "author": "auth-team", "language": "python", "tags": []},
    "node_type": "effect",
    "use_cases": ["login", "token refresh"],
    "examples": ["await UserAuthEffect().execute_effect({'user': 'a'})"],
    "confidence": 0.85,
}


def as_url(dsn: str) -> str:
    """Spell a key/value connection string as a postgresql:// URL, like the seed's."""
    p = conninfo_to_dict(dsn)
    auth = quote(str(p.get("user", "")), safe="")
    if p.get("password"):
        auth += ":" + quote(str(p["password"]), safe="")
    host, port = str(p.get("host", "")), p.get("port")
    query = ""
    if host.startswith("/"):  # a Unix socket directory goes in the query string
        query, host = "?host=" + quote(host, safe=""), ""
    netloc = (auth + "@" if auth else "") + host + (f":{port}" if port and not query else "")
    if port and query:
        query += f"&port={port}"
    return f"postgresql://{netloc}/{p['dbname']}{query}"


@pytest.fixture
def url(migrated_dsn: str) -> Iterator[str]:
    yield as_url(migrated_dsn)
    close_pools()


def _rows(dsn: str) -> list[tuple[Any, ...]]:
    with psycopg.connect(dsn) as conn:
        return conn.execute(
            "SELECT pattern_id::text, quality_score, confidence, version, metadata"
            " FROM pattern_quality_metrics"
        ).fetchall()


def _backends(dsn: str) -> int:
    """Count the other sessions connected to the database (the pool's, and any closing)."""
    with psycopg.connect(dsn) as conn:
        row = conn.execute(
            "SELECT count(*) FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()
    assert row is not None
    return int(row[0])


def test_seed_snippet_verbatim(url: str, migrated_dsn: str) -> None:
    async def main() -> None:
        scorer = PatternQualityScorer()
        score = scorer.score_pattern(pattern_data)
        await scorer.store_quality_metrics(score, url)

    asyncio.run(main())  # as the seed's script runs it: its own event loop
    expected = PatternQualityScorer().score_pattern(pattern_data)
    [(pid, quality, confidence, version, meta)] = _rows(migrated_dsn)
    assert (pid, quality, confidence, version) == (
        PATTERN_ID,
        expected.composite_score,
        0.85,
        "3.0.0",  # the default rubric
    )
    assert {k: meta[k] for k in expected.dimension_scores} == expected.dimension_scores
    assert meta["pattern_name"] == "UserAuthEffect"


def test_seed_snippet_is_safely_rerunnable_and_reuses_one_pool(url: str, migrated_dsn: str) -> None:
    async def main() -> None:
        scorer = PatternQualityScorer()
        score = scorer.score_pattern(pattern_data)
        await scorer.store_quality_metrics(score, url)

    asyncio.run(main())  # a script may call asyncio.run many times: the pool survives
    store = shared_store(url)
    pool = store._pool
    for _ in range(10):
        asyncio.run(main())
    assert shared_store(url) is store and store._pool is pool  # one store, one pool, reused
    # psycopg_pool may add a connection in the background (up to max_size) when a
    # request finds it empty, e.g. the first one right after a non-blocking open, so
    # the promise is a bound, not an exact set of backends at one instant.
    stats = pool.get_stats()
    assert stats["requests_num"] >= 11  # every call was served by this pool...
    assert 1 <= stats["connections_num"] <= stats["pool_max"]  # ...without a connection per call
    assert 1 <= _backends(migrated_dsn) <= stats["pool_max"]  # the pool kept one open
    [(pid, *_)] = _rows(migrated_dsn)  # still one row per pattern
    assert pid == PATTERN_ID


def test_sync_path_and_many_scores(url: str, migrated_dsn: str) -> None:
    scorer = PatternQualityScorer()
    ids = [f"00000000-0000-4000-8000-{i:012x}" for i in range(5)]
    scores = [scorer.score_pattern({**pattern_data, "pattern_id": pid}) for pid in ids]
    assert scorer.store_quality_metrics_sync(scores, url) == 5
    assert scorer.store_quality_metrics_sync(scores[0], url) == 1  # same timestamp: rewritten
    assert sorted(r[0] for r in _rows(migrated_dsn)) == ids
