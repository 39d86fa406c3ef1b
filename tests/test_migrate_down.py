"""The migrations runner going down and up again, and refusing edited, failing or unknown files."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import psycopg
import pytest

from pattern_quality.errors import MigrationError
from pattern_quality.migrate import (
    migrate,
    migration_status,
    rollback,
    verify,
)
from tests.legacy_schema import (
    apply_legacy,
    constraints,
    duplicate_rows,
    fetch_rows,
    insert_rows,
    recorded,
    table_exists,
)
from tests.shipped_migrations import VERSIONS, _copy_migrations

# --- down and up ----------------------------------------------------------------


def test_down_below_014_and_up_again_collapses_new_duplicates(migrated_dsn: str) -> None:
    rows = [r for r in duplicate_rows() if r["keep"]]
    insert_rows(migrated_dsn, rows, lineage=False)

    down = rollback(migrated_dsn, 13)
    assert down.direction == "down" and down.version_after == 13
    assert [s.version for s in down.steps] == [v for v in reversed(VERSIONS) if v > 13]
    assert "pattern_quality_metrics_pattern_id_unique" not in constraints(migrated_dsn)
    report = verify(migrated_dsn)
    assert [c.name for c in report.failures] == ["unique constraint"]
    assert report.notes == (f"pending migrations: {', '.join(f'{v:03d}' for v in VERSIONS[2:])}",)

    # A plain INSERT, as a legacy writer would do, adds a newer duplicate of pattern 5.
    newer = dict(rows[-2], id=rows[-2]["id"].__class__(int=0x5FF), quality_score=0.99)
    newer["measurement_timestamp"] = rows[-2]["measurement_timestamp"].replace(year=2025)
    insert_rows(migrated_dsn, [newer], lineage=False)
    up = migrate(migrated_dsn)
    assert [s.version for s in up.steps] == VERSIONS[2:]
    assert up.steps[0].notices == ("pattern_quality 014: collapsed 1 duplicate row(s)",)
    after = fetch_rows(migrated_dsn)
    assert len(after) == len(rows)
    assert after[newer["id"]]["quality_score"] == 0.99 and rows[-2]["id"] not in after
    assert verify(migrated_dsn).ok


def test_down_to_zero_drops_everything_and_up_recreates(migrated_dsn: str) -> None:
    preview = rollback(migrated_dsn, 0, dry_run=True)
    assert preview.dry_run and [s.version for s in preview.steps] == list(reversed(VERSIONS))
    assert table_exists(migrated_dsn, "pattern_quality_metrics")
    report = rollback(migrated_dsn, 0)
    assert report.version_after is None
    assert not table_exists(migrated_dsn, "pattern_quality_metrics")
    assert recorded(migrated_dsn) == []
    assert [s.version for s in migrate(migrated_dsn).steps] == VERSIONS
    assert verify(migrated_dsn).ok


def test_013_down_restores_the_legacy_foreign_key_not_valid(empty_dsn: str) -> None:
    apply_legacy(empty_dsn, upto=12)
    insert_rows(empty_dsn, [r for r in duplicate_rows() if r["keep"]])
    migrate(empty_dsn)
    with psycopg.connect(empty_dsn, autocommit=True) as conn:  # a pattern with no lineage node
        conn.execute(
            "INSERT INTO pattern_quality_metrics (pattern_id, quality_score, confidence)"
            " VALUES (gen_random_uuid(), 0.5, 0.5)"
        )
    report = rollback(empty_dsn, 12)
    assert [s.version for s in report.steps][-1] == 13
    with psycopg.connect(empty_dsn) as conn:
        row = conn.execute(
            "SELECT convalidated FROM pg_constraint"
            " WHERE conname = 'pattern_quality_metrics_pattern_id_fkey'"
        ).fetchone()
    assert row == (False,)


def test_rollback_rejects_a_negative_version(migrated_dsn: str) -> None:
    with pytest.raises(MigrationError, match="cannot roll back to version -1"):
        rollback(migrated_dsn, -1)


# --- edited and failing files ---------------------------------------------------


def test_an_edited_applied_file_is_refused_with_instructions(
    empty_dsn: str, tmp_path: Path
) -> None:
    source = _copy_migrations(tmp_path)
    migrate(empty_dsn, migrations_dir=source)
    edited = source / "013_remove_pattern_quality_fk.sql"
    edited.write_text(edited.read_text() + "\n-- an afterthought\n")

    runs: list[Callable[[], object]] = [
        lambda: migrate(empty_dsn, migrations_dir=source),
        lambda: rollback(empty_dsn, 12, migrations_dir=source),
    ]
    for run in runs:
        with pytest.raises(MigrationError) as info:
            run()
        message = str(info.value)
        assert "013_remove_pattern_quality_fk.sql was applied with checksum" in message
        assert "restore the original file" in message
        assert "UPDATE pattern_quality_schema_migrations SET checksum" in message
    states = {
        e.version: e.state for e in migration_status(empty_dsn, migrations_dir=source).entries
    }
    assert states[13] == "modified" and states[12] == "applied"
    assert [v for v, _, _ in recorded(empty_dsn)] == VERSIONS  # nothing rolled back

    # The fix the message offers works.
    fix = message[message.index("UPDATE pattern_quality_schema_migrations") :]
    with psycopg.connect(empty_dsn, autocommit=True) as conn:
        conn.execute(fix.encode())
    assert migrate(empty_dsn, migrations_dir=source).steps == ()


def test_a_failing_file_is_rolled_back_and_named(empty_dsn: str, tmp_path: Path) -> None:
    source = _copy_migrations(tmp_path)
    (source / "099_broken.sql").write_text(
        "CREATE TABLE half_done (x int);\nSELECT * FROM no_such_table;\n"
    )
    with pytest.raises(MigrationError, match=r"099_broken.sql failed and was rolled back"):
        migrate(empty_dsn, migrations_dir=source)
    assert not table_exists(empty_dsn, "half_done")
    assert [v for v, _, _ in recorded(empty_dsn)] == VERSIONS  # the earlier files stayed
    status = migration_status(empty_dsn, migrations_dir=source)
    assert status.pending == (99,)


def test_a_version_recorded_by_a_newer_release_is_tolerated_up_but_not_down(
    empty_dsn: str, tmp_path: Path
) -> None:
    source = _copy_migrations(tmp_path)
    (source / "099_future.sql").write_text("SELECT 1;\n")
    (source / "099_future.down.sql").write_text("SELECT 1;\n")
    migrate(empty_dsn, migrations_dir=source)
    assert migrate(empty_dsn).steps == ()  # the shipped files do not know 099
    assert migration_status(empty_dsn).entries[-1].state == "unknown"
    with pytest.raises(MigrationError, match="cannot roll back migration 99: .* newer version"):
        rollback(empty_dsn, 13)
