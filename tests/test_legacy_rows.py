"""Issue 12, item 6: legacy rows with metadata '{}' (the column default) or NULL are valid.

Composite known, dimensions unknown (NaN, ``dimensions_known`` False): every
read path returns them, ``report --json`` leaves them out of the dimension
averages, the filter uses their composite, ``verify`` counts them in a note,
and ``backfill --changed-only`` re-scores them.
"""

from __future__ import annotations

import json
import math
import uuid

import psycopg
import pytest

from pattern_quality import PostgresQualityStore, QualityFilter, backfill, verify
from pattern_quality.cli import main
from tests.stores import ID1, score

LEGACY = [str(uuid.UUID(int=i + 1)) for i in range(2)]


def _insert_legacy(dsn: str) -> None:
    with psycopg.connect(dsn) as conn:
        conn.execute(
            "INSERT INTO pattern_quality_metrics (pattern_id, quality_score, confidence, "
            "measurement_timestamp) VALUES (%s, 0.9, 0.5, now() - interval '1 day')",
            (LEGACY[0],),
        )  # metadata: the column default '{}'
        conn.execute(
            "INSERT INTO pattern_quality_metrics (pattern_id, quality_score, confidence, "
            "measurement_timestamp, metadata) VALUES (%s, 0.2, 0.5, now(), NULL)",
            (LEGACY[1],),
        )


def test_every_read_path_returns_legacy_rows(migrated_dsn: str) -> None:
    _insert_legacy(migrated_dsn)
    with PostgresQualityStore(migrated_dsn) as store:
        store.upsert(score(ID1))
        row = store.get(LEGACY[0])
        assert row is not None and row.composite_score == 0.9 and not row.dimensions_known
        assert math.isnan(row.completeness_score)
        assert set(store.get_many([*LEGACY, ID1])) == {*LEGACY, ID1}
        rows = list(store.iter_all())
        assert [r.dimensions_known for r in rows] == [r.pattern_id == ID1 for r in rows]
        with QualityFilter(store, write_back=False) as quality:
            result = quality.filter([{"pattern_id": p} for p in LEGACY], min_quality=0.5)
        assert (result.fallback, result.from_store, result.passed) == (False, 2, 1)


def test_report_and_verify_with_legacy_rows(
    migrated_dsn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    _insert_legacy(migrated_dsn)
    with PostgresQualityStore(migrated_dsn) as store:
        store.upsert(score(ID1))
    assert main(["report", "--json", "--database-url", migrated_dsn]) == 0
    document = json.loads(capsys.readouterr().out)
    assert document["count"] == 3
    assert document["dimension_averages"]["completeness_score"] == pytest.approx(0.8)
    report = verify(migrated_dsn)
    assert report.ok
    assert any("2 legacy row(s) without dimension scores" in n for n in report.notes)


def test_backfill_changed_only_rescores_legacy_rows(migrated_dsn: str) -> None:
    _insert_legacy(migrated_dsn)
    items = [{"pattern_id": p, "code": "def f():\n    return 1\n"} for p in LEGACY]
    with PostgresQualityStore(migrated_dsn) as store:
        report = backfill(items, store, changed_only=True)
        assert report.stored == 2
        assert all(r.dimensions_known for r in store.get_many(LEGACY).values())
