"""Incremental re-scoring (``changed_only``) and scoring in worker processes (``workers``).

Real PostgreSQL, local-mode Qdrant and the in-memory fakes; no mocks.
"""

from __future__ import annotations

import json
import threading
import uuid
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import psycopg
import pytest
from qdrant_client import QdrantClient

from pattern_quality._config import DATABASE_URL_ENV_VARS
from pattern_quality.backfill import BackfillError, abackfill, backfill
from pattern_quality.cli import backfill as cli_backfill
from pattern_quality.cli import main
from pattern_quality.hashing import content_hash
from pattern_quality.models import Pattern, StoredQuality
from pattern_quality.scoring import PatternQualityScorer
from pattern_quality.storage.memory import AsyncInMemoryQualityStore, InMemoryQualityStore
from pattern_quality.storage.postgres import PostgresQualityStore
from pattern_quality.storage.postgres_async import AsyncPostgresQualityStore
from tests import qdrant_data as data

N = 12


def _uid(i: int) -> str:
    return str(uuid.UUID(int=i + 1))


def _item(i: int, **changes: Any) -> dict[str, Any]:
    item: dict[str, Any] = {
        "pattern_id": _uid(i),
        "pattern_name": f"Step{i}Effect",
        "code": f'"""Step {i}."""\nimport os\n\n\nasync def execute_effect(x: int) -> int:\n'
        f"    if x > {i}:\n        return x\n    return {i}\n",
        "text": f"Step {i} of the pipeline.",
        "metadata": {"complexity": "low", "owner": "team"},
        "node_type": "effect",
        "use_cases": [f"case {i}"],
        "confidence": 0.5,
    }
    item.update(changes)
    return item


ITEMS = [_item(i) for i in range(N)]


def _db_rows(dsn: str) -> dict[str, tuple[Any, ...]]:
    """pattern_id -> (updated_at, measurement_timestamp, version, content_hash, quality)."""
    with psycopg.connect(dsn) as conn:
        rows = conn.execute(
            "SELECT pattern_id::text, updated_at, measurement_timestamp, version,"
            " metadata->>'content_hash', quality_score FROM pattern_quality_metrics"
        ).fetchall()
    return {r[0]: tuple(r[1:]) for r in rows}


class CountingStore(InMemoryQualityStore):
    """The in-memory fake, recording the ids of every ``get_many`` call."""

    def __init__(self) -> None:
        super().__init__()
        self.lookups: list[list[str]] = []

    def get_many(self, pattern_ids: Iterable[str]) -> dict[str, StoredQuality]:
        ids = list(pattern_ids)
        self.lookups.append(ids)
        return super().get_many(ids)


# --- changed_only ------------------------------------------------------------------------


def test_every_backfilled_row_carries_its_content_hash(migrated_dsn: str) -> None:
    with PostgresQualityStore(migrated_dsn) as store:
        report = backfill(ITEMS, store)
    assert report.stored == N
    rows = _db_rows(migrated_dsn)
    for item in ITEMS:
        assert rows[item["pattern_id"]][2:4] == ("3.0.0", content_hash(item))


def test_rerun_over_an_unchanged_collection_writes_nothing(migrated_dsn: str) -> None:
    with PostgresQualityStore(migrated_dsn) as store:
        backfill(ITEMS, store, batch_size=5)
        before = _db_rows(migrated_dsn)
        report = backfill(ITEMS, store, batch_size=5, changed_only=True)
    assert (report.seen, report.unchanged, report.scored, report.stored) == (N, N, 0, 0)
    assert (report.batches, report.changed_only, report.ok) == (0, True, True)
    assert report.to_dict()["unchanged"] == N
    assert _db_rows(migrated_dsn) == before  # updated_at and everything else untouched


def test_a_changed_payload_is_rescored_and_only_it(migrated_dsn: str) -> None:
    changed = list(ITEMS)
    changed[3] = _item(3, code=ITEMS[3]["code"] + "# TODO: retry\n")
    changed[7] = _item(7, metadata={"complexity": "high", "owner": "team"})
    changed[9] = _item(9, confidence=0.75)  # stored with the row, so it counts too
    with PostgresQualityStore(migrated_dsn) as store:
        backfill(ITEMS, store)
        before = _db_rows(migrated_dsn)
        report = backfill(changed, store, changed_only=True, batch_size=4)
        after = _db_rows(migrated_dsn)
        stored = store.get_many([_uid(i) for i in (3, 7, 9)])
    assert (report.unchanged, report.scored, report.stored, report.batches) == (N - 3, 3, 3, 3)
    moved = {pid for pid in after if after[pid] != before[pid]}
    assert moved == {_uid(3), _uid(7), _uid(9)}
    scorer = PatternQualityScorer(explain=False)
    for i in (3, 7, 9):
        pid = _uid(i)
        assert after[pid][0] > before[pid][0]  # updated_at moved
        assert after[pid][3] == content_hash(changed[i]) != before[pid][3]
        assert stored[pid].composite_score == scorer.score_pattern(changed[i]).composite_score
    assert stored[_uid(3)].completeness_score < scorer.score_pattern(ITEMS[3]).completeness_score


def test_another_rubric_rescores_everything_once(migrated_dsn: str) -> None:
    legacy = PatternQualityScorer("1.0.0", explain=False)
    with PostgresQualityStore(migrated_dsn) as store:
        backfill(ITEMS, store)
        first = backfill(ITEMS, store, scorer=legacy, changed_only=True)
        after_first = _db_rows(migrated_dsn)
        second = backfill(ITEMS, store, scorer=legacy, changed_only=True)
        back = backfill(ITEMS, store, changed_only=True)  # the default rubric again
    assert (first.scored, first.stored, first.unchanged) == (N, N, 0)
    assert {row[2] for row in after_first.values()} == {"1.0.0"}
    assert (second.scored, second.stored, second.unchanged) == (0, 0, N)
    assert (back.scored, back.stored, back.unchanged, back.rubric_version) == (N, N, 0, "3.0.0")


def test_rows_of_the_previous_default_are_rescored_once_by_3_0_0(migrated_dsn: str) -> None:
    with PostgresQualityStore(migrated_dsn) as store:
        old = backfill(ITEMS, store, scorer=PatternQualityScorer("2.0.0", explain=False))
        first = backfill(ITEMS, store, changed_only=True)
        rows = _db_rows(migrated_dsn)
        second = backfill(ITEMS, store, changed_only=True)
        stored = store.get_many([item["pattern_id"] for item in ITEMS])
    assert old.rubric_version == "2.0.0"
    assert (first.scored, first.stored, first.unchanged, first.rubric_version) == (N, N, 0, "3.0.0")
    assert {row[2] for row in rows.values()} == {"3.0.0"}
    assert (second.scored, second.stored, second.unchanged) == (0, 0, N)
    assert all(
        dict(row.extra_scores).keys() == {"substance_score", "robustness_score"}
        for row in stored.values()
    )


def test_rows_without_a_hash_are_rescored() -> None:
    store = InMemoryQualityStore()
    store.upsert([PatternQualityScorer().score_pattern(item) for item in ITEMS[:5]])  # no hash
    report = backfill(ITEMS, store, changed_only=True)
    assert (report.scored, report.unchanged, report.stored) == (N, 0, N)
    assert store.get(_uid(0)).content_hash == content_hash(ITEMS[0])  # type: ignore[union-attr]
    assert backfill(ITEMS, store, changed_only=True).unchanged == N


def test_one_get_many_per_batch_with_the_batch_ids() -> None:
    store = CountingStore()
    upper = [_item(i, pattern_id=_uid(i).upper()) for i in range(7)]  # any UUID spelling
    report = backfill(upper, store, batch_size=3, changed_only=True)
    assert report.scored == 7
    assert store.lookups == [[_uid(0), _uid(1), _uid(2)], [_uid(3), _uid(4), _uid(5)], [_uid(6)]]
    store.lookups.clear()
    report = backfill(upper, store, batch_size=3, changed_only=True)
    assert (report.unchanged, len(store.lookups)) == (7, 3)
    store.lookups.clear()
    backfill(upper, store, batch_size=3)  # no look-ups without changed_only
    assert store.lookups == []


def test_changed_only_options() -> None:
    with pytest.raises(ValueError, match="changed_only=True needs a store"):
        backfill(ITEMS, None, dry_run=True, changed_only=True)
    store = InMemoryQualityStore()
    backfill(ITEMS[:6], store)
    report = backfill(ITEMS, store, dry_run=True, changed_only=True)  # reads, never writes
    assert (report.unchanged, report.scored, report.stored, store.count()) == (6, 6, 0, 6)
    for workers in (0, -1, 1.5, True):
        with pytest.raises(ValueError, match="workers must be an integer >= 1"):
            backfill(ITEMS, store, workers=workers)  # type: ignore[arg-type]


def test_a_failing_lookup_stops_the_run_with_the_partial_report(migrated_dsn: str) -> None:
    class Failing(InMemoryQualityStore):
        def get_many(self, pattern_ids: Iterable[str]) -> dict[str, StoredQuality]:
            if _uid(6) in list(pattern_ids):
                raise RuntimeError("lookup broke")
            return {}

    store = Failing()
    with pytest.raises(BackfillError, match=r"reading the stored rows of batch 2 \(6 ids\)") as exc:
        backfill(ITEMS, store, batch_size=6, changed_only=True)
    assert isinstance(exc.value.__cause__, RuntimeError)
    assert (exc.value.report.stored, exc.value.report.completed) == (6, False)
    assert store.count() == 6


@pytest.mark.anyio
async def test_a_failing_lookup_stops_the_async_run_too() -> None:
    class Failing(AsyncInMemoryQualityStore):
        async def get_many(self, pattern_ids: Iterable[str]) -> dict[str, StoredQuality]:
            if _uid(6) in list(pattern_ids):
                raise RuntimeError("lookup broke")
            return {}

    store = Failing()
    with pytest.raises(BackfillError, match=r"reading the stored rows of batch 2") as exc:
        await abackfill(ITEMS, store, batch_size=6, changed_only=True)
    assert (exc.value.report.stored, exc.value.report.completed) == (6, False)


@pytest.mark.anyio
async def test_async_twin(migrated_dsn: str) -> None:
    before_run = _db_rows(migrated_dsn)
    async with AsyncPostgresQualityStore(migrated_dsn) as store:
        first = await abackfill(ITEMS, store, batch_size=5)
        again = await abackfill(ITEMS, store, batch_size=5, changed_only=True)
    assert before_run == {}
    assert (first.stored, again.unchanged, again.stored, again.scored) == (N, N, 0, 0)


# --- workers -----------------------------------------------------------------------------


def _scores(store: InMemoryQualityStore) -> dict[str, tuple[Any, ...]]:
    rows = store.get_many([_uid(i) for i in range(N)] + [data.U1])
    return {
        pid: (*row.dimension_scores.values(), row.composite_score, row.content_hash, row.findings)
        for pid, row in rows.items()
    }


def test_worker_processes_give_the_same_scores_and_report() -> None:
    odd = _item(5, metadata={"complexity": "low", "lock": threading.Lock()})  # cannot be pickled
    items = [*ITEMS[:5], odd, *ITEMS[6:], {"pattern_id": "nope"}]
    here, there = InMemoryQualityStore(), InMemoryQualityStore()
    one = backfill(items, here, batch_size=5)
    two = backfill(items, there, batch_size=5, workers=2)
    assert _scores(here) == _scores(there)
    assert len(_scores(there)) == N
    strip = {"elapsed": 0, "throughput": 0, "workers": 0}
    assert one.to_dict() | strip == two.to_dict() | strip
    assert (two.workers, two.scored, two.failed) == (2, N, 1)
    explained = InMemoryQualityStore()
    backfill(ITEMS, explained, scorer=PatternQualityScorer(explain=True), workers=2)
    row = explained.get(_uid(0))
    assert row is not None and row.findings
    assert row.findings == PatternQualityScorer().score_pattern(ITEMS[0]).findings[:20]


@pytest.mark.anyio
async def test_workers_with_changed_only_and_the_async_twin(migrated_dsn: str) -> None:
    changed = [*ITEMS[:-1], _item(N - 1, text="edited")]
    async with AsyncPostgresQualityStore(migrated_dsn) as store:
        first = await abackfill(ITEMS, store, batch_size=4, workers=2)
        again = await abackfill(changed, store, batch_size=4, workers=2, changed_only=True)
    assert (first.stored, first.workers) == (N, 2)
    assert (again.unchanged, again.scored, again.stored) == (N - 1, 1, 1)
    rows = _db_rows(migrated_dsn)
    expected = PatternQualityScorer(explain=False).score_pattern(changed[-1]).composite_score
    assert rows[_uid(N - 1)][3:] == (content_hash(changed[-1]), expected)


# --- command line ------------------------------------------------------------------------


@pytest.fixture
def qdrant_path(tmp_path: Path) -> Path:
    path = tmp_path / "qdrant"
    client = QdrantClient(path=str(path))
    data.populate(client)
    client.close()
    return path


def test_cli_changed_only_and_workers(
    qdrant_path: Path,
    migrated_dsn: str,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    for name in ("QDRANT_URL", "QDRANT_API_KEY", *DATABASE_URL_ENV_VARS):
        monkeypatch.delenv(name, raising=False)
    base = ["backfill", "--database-url", migrated_dsn, "--qdrant-path", str(qdrant_path)]
    base += ["--collection", "all"]
    assert main([*base, "--json", "--workers", "2"]) == 1  # four points fail (listed)
    first = json.loads(capsys.readouterr().out)
    assert (first["stored"], first["workers"], first["changed_only"]) == (7, 2, False)
    before = _db_rows(migrated_dsn)
    assert main([*base, "--changed-only"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert "  unchanged         7  (same content and rubric: not re-scored)" in lines
    assert "  stored            0" in lines
    assert _db_rows(migrated_dsn) == before
    assert main([*base, "--changed-only", "--json", "--rubric", "1.0.0"]) == 1
    third = json.loads(capsys.readouterr().out)
    assert (third["unchanged"], third["scored"], third["stored"]) == (0, 7, 7)
    assert main([*base, "--workers", "0"]) == 2
    assert "--workers: expected an integer >= 1 or 'auto', got '0'" in capsys.readouterr().err
    dry_run = [*base, "--changed-only", "--dry-run", "--json", "--workers", "auto"]
    assert main([*dry_run, "--rubric", "1.0.0"]) == 1
    dry = json.loads(capsys.readouterr().out)  # reads the stored rows, writes nothing
    assert (dry["unchanged"], dry["stored"], dry["dry_run"], dry["workers"]) == (7, 0, True, 1)


def test_auto_workers_by_size() -> None:
    cores = cli_backfill.usable_cores()
    assert cores >= 1
    assert cli_backfill.auto_workers(0) == cli_backfill.auto_workers(9_999) == 1
    assert cli_backfill.auto_workers(cli_backfill.AUTO_WORKERS_FROM) == cores


def test_hash_matches_what_the_source_yields(qdrant_path: Path) -> None:
    from pattern_quality.qdrant import QdrantPatternSource

    with QdrantPatternSource.local(str(qdrant_path), collections=data.ALL) as source:
        patterns = [p for p in source if isinstance(p, Pattern)]
    store = InMemoryQualityStore()
    backfill(patterns, store)
    for pattern in patterns:
        row = store.get(pattern.pattern_id or "")
        assert row is not None and row.content_hash == content_hash(pattern)
