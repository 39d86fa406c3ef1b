"""``verify`` and ``pattern-quality verify`` against real PostgreSQL."""

from __future__ import annotations

import json
import uuid

import psycopg
import pytest
from psycopg.types.json import Jsonb

from pattern_quality.cli import main
from pattern_quality.migrate import averify, migrate, verify
from pattern_quality.schema.files import load_migrations
from tests.legacy_schema import apply_legacy, duplicate_rows, insert_rows

CHECKS = ["table", "unique constraint", "foreign key", "duplicates", "score ranges"]


def _insert(dsn: str, pid: int, score: float, confidence: float, metadata: object) -> None:
    with psycopg.connect(dsn, autocommit=True) as conn:
        conn.execute(
            "INSERT INTO pattern_quality_metrics (pattern_id, quality_score, confidence, metadata)"
            " VALUES (%s, %s, %s, %s)",
            (uuid.UUID(int=pid), score, confidence, Jsonb(metadata)),
        )


def _drop_checks(dsn: str) -> None:
    """Simulate a damaged table that lost its CHECK constraints."""
    with psycopg.connect(dsn, autocommit=True) as conn:
        for name in ("quality_score", "confidence"):
            conn.execute(
                "ALTER TABLE pattern_quality_metrics"
                f" DROP CONSTRAINT pattern_quality_metrics_{name}_check"
            )


def test_a_migrated_database_passes_every_check(migrated_dsn: str) -> None:
    _insert(migrated_dsn, 1, 0.0, 1.0, {"completeness_score": 1.0, "complexity_score": 0.0})
    report = verify(migrated_dsn)
    assert report.ok and report.failures == ()
    assert [c.name for c in report.checks] == CHECKS
    assert report.rows == 1
    assert report.notes == ()
    assert report.checks[-1].detail == "all scores of 1 row(s) are in [0, 1]"


def test_an_empty_database_fails_on_the_missing_table(empty_dsn: str) -> None:
    report = verify(empty_dsn)
    assert not report.ok
    assert [(c.name, c.ok) for c in report.checks] == [("table", False)]
    assert report.checks[0].detail == (
        "pattern_quality_metrics does not exist; run `pattern-quality migrate`"
    )
    assert report.rows is None
    pending = ", ".join(f"{m.version:03d}" for m in load_migrations())
    assert pending.startswith("012, 013, 014")
    assert report.notes == (f"pending migrations: {pending}",)


def test_legacy_012_with_duplicates_fails_three_checks(empty_dsn: str) -> None:
    apply_legacy(empty_dsn, upto=12)
    insert_rows(empty_dsn, duplicate_rows())
    report = verify(empty_dsn)
    failures = {c.name: c.detail for c in report.failures}
    assert set(failures) == {"unique constraint", "foreign key", "duplicates"}
    assert failures["foreign key"] == (
        "foreign key(s) still present: pattern_quality_metrics_pattern_id_fkey; "
        "run `pattern-quality migrate`"
    )
    assert failures["duplicates"] == (
        "4 pattern_id(s) have more than one row (6 extra row(s)), e.g. "
        + ", ".join(str(uuid.UUID(int=i)) for i in (1, 2, 3, 4))
    )
    assert report.rows == 12
    assert report.notes[0].startswith("no migration is recorded (schema applied by hand)")
    migrate(empty_dsn)
    assert verify(empty_dsn).ok


def test_out_of_range_scores_are_counted_per_column(migrated_dsn: str) -> None:
    _drop_checks(migrated_dsn)
    _insert(migrated_dsn, 1, 1.5, 0.5, {})
    _insert(migrated_dsn, 2, float("nan"), -0.1, {})
    _insert(migrated_dsn, 3, 0.5, 0.5, {"documentation_score": 1.01})
    _insert(migrated_dsn, 4, 0.5, 0.5, {"onex_compliance_score": "0.5"})
    _insert(migrated_dsn, 5, 0.5, 0.5, {"metadata_richness_score": None})
    _insert(migrated_dsn, 6, 0.5, 0.5, {"complexity_score": -0.5, "completeness_score": 0.2})
    # Fine: absent dimensions, other keys, boundary values, non-object metadata.
    _insert(migrated_dsn, 7, 1.0, 0.0, {"complexity": "high", "completeness_score": 1})
    _insert(migrated_dsn, 8, 0.0, 1.0, ["not", "an", "object"])
    report = verify(migrated_dsn)
    assert [c.name for c in report.failures] == ["score ranges"]
    ids = [str(uuid.UUID(int=i)) for i in range(9)]
    assert report.failures[0].detail == (
        f"2 row(s) with quality_score outside [0, 1], e.g. {ids[1]}, {ids[2]}; "
        f"1 row(s) with confidence outside [0, 1], e.g. {ids[2]}; "
        f"4 row(s) with metadata dimension scores outside [0, 1], e.g. "
        f"{ids[3]}, {ids[4]}, {ids[5]}, {ids[6]}"
    )
    assert report.rows == 8


@pytest.mark.anyio
async def test_async_verify_matches_sync(empty_dsn: str) -> None:
    apply_legacy(empty_dsn, upto=12)
    insert_rows(empty_dsn, duplicate_rows())
    assert await averify(empty_dsn) == verify(empty_dsn)


# --- the command --------------------------------------------------------------


def test_cli_verify_passes_with_exit_0(
    migrated_dsn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["verify", "--database-url", migrated_dsn]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [
        "ok    table: pattern_quality_metrics exists",
        "ok    unique constraint: pattern_quality_metrics_pattern_id_unique UNIQUE (pattern_id)"
        " is present",
        "ok    foreign key: no foreign key on pattern_quality_metrics",
        "ok    duplicates: every pattern_id has exactly one row",
        "ok    score ranges: all scores of 0 row(s) are in [0, 1]",
        "verify: all checks passed",
    ]
    assert out[0].startswith("database: ")


def test_cli_verify_fails_with_exit_1_and_json(
    empty_dsn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    apply_legacy(empty_dsn, upto=12)
    insert_rows(empty_dsn, duplicate_rows())
    assert main(["verify", "--database-url", empty_dsn]) == 1
    text = capsys.readouterr().out
    assert "FAIL  duplicates: 4 pattern_id(s) have more than one row" in text
    assert text.rstrip().endswith("verify: 3 check(s) failed")

    assert main(["verify", "--json", "--database-url", empty_dsn]) == 1
    document = json.loads(capsys.readouterr().out)
    assert document["ok"] is False and document["rows"] == 12
    assert [(c["name"], c["ok"]) for c in document["checks"]] == [
        ("table", True),
        ("unique constraint", False),
        ("foreign key", False),
        ("duplicates", False),
        ("score ranges", True),
    ]
