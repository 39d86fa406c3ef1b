"""The migrations runner on real PostgreSQL: fresh, legacy, concurrent, async.

Going down and up again, and edited or failing files: tests/test_migrate_down.py.
"""

from __future__ import annotations

import inspect
import threading
import time
from pathlib import Path

import psycopg
import pytest

import pattern_quality
from pattern_quality import migrate as migrate_module_function
from pattern_quality.errors import ConfigurationError, DatabaseUnavailableError, MigrationError
from pattern_quality.migrate import (
    amigrate,
    amigration_status,
    arollback,
    migrate,
    migration_status,
    rollback,
    verify,
)
from pattern_quality.schema import files as migration_files
from pattern_quality.schema.statements import ADVISORY_LOCK_KEY
from tests.legacy_schema import (
    apply_legacy,
    constraints,
    duplicate_rows,
    fetch_rows,
    index_defs,
    insert_rows,
    recorded,
    table_exists,
)
from tests.shipped_migrations import CORE, LATEST, SHIPPED, VERSIONS

# --- the shipped files ------------------------------------------------------------


def test_shipped_migrations_start_with_012_to_014_and_each_has_a_down_file() -> None:
    assert VERSIONS[:3] == CORE
    assert [m.filename for m in SHIPPED[:3]] == [
        "012_create_pattern_quality_metrics.sql",
        "013_remove_pattern_quality_fk.sql",
        "014_add_pattern_quality_unique_constraint.sql",
    ]
    assert all(m.down_sql for m in SHIPPED)
    assert sorted(set(VERSIONS)) == VERSIONS


def test_checksum_ignores_line_endings_but_not_content() -> None:
    text = "SELECT 1;\nSELECT 2;\n"
    assert migration_files.checksum(text) == migration_files.checksum(text.replace("\n", "\r\n"))
    assert migration_files.checksum(text) != migration_files.checksum(text + "-- edited\n")


def test_load_migrations_rejects_bad_directories(tmp_path: Path) -> None:
    with pytest.raises(MigrationError, match="does not exist"):
        migration_files.load_migrations(tmp_path / "nope")
    with pytest.raises(MigrationError, match="no migration files"):
        migration_files.load_migrations(tmp_path)
    (tmp_path / "001_a.sql").write_text("SELECT 1;")
    (tmp_path / "002_b.down.sql").write_text("SELECT 1;")
    with pytest.raises(
        MigrationError, match=r"down-files without an up-file for version\(s\) \[2\]"
    ):
        migration_files.load_migrations(tmp_path)
    (tmp_path / "002_b.down.sql").unlink()
    (tmp_path / "001_other.sql").write_text("SELECT 1;")
    with pytest.raises(MigrationError, match="two migration files have version 1"):
        migration_files.load_migrations(tmp_path)


# --- an empty database --------------------------------------------------------


def test_empty_database_migrates_verifies_and_a_second_run_is_a_no_op(empty_dsn: str) -> None:
    report = migrate(empty_dsn)
    assert [s.version for s in report.steps] == VERSIONS
    assert report.changed and not report.dry_run and not report.adopted_legacy
    assert (report.version_before, report.version_after) == (None, LATEST)
    assert verify(empty_dsn).ok
    first = recorded(empty_dsn)
    assert [(v, n) for v, n, _ in first] == [(m.version, m.name) for m in SHIPPED]
    assert [c for _, _, c in first] == [m.checksum for m in SHIPPED]

    again = migrate(empty_dsn)
    assert again.steps == () and not again.changed
    assert (again.version_before, again.version_after) == (LATEST, LATEST)
    assert recorded(empty_dsn) == first


def test_migrated_table_matches_the_legacy_table(migrated_dsn: str) -> None:
    with psycopg.connect(migrated_dsn) as conn:
        cols = conn.execute(
            "SELECT column_name, data_type, is_nullable, column_default"
            " FROM information_schema.columns WHERE table_name = 'pattern_quality_metrics'"
            " ORDER BY ordinal_position"
        ).fetchall()
        conn.execute(
            "INSERT INTO pattern_quality_metrics (pattern_id, quality_score, confidence)"
            " VALUES (gen_random_uuid(), 0.5, 0.25)"
        )
        defaults = conn.execute(
            "SELECT version, metadata, created_at IS NOT NULL, updated_at IS NOT NULL,"
            " measurement_timestamp IS NOT NULL FROM pattern_quality_metrics"
        ).fetchone()
        for column in ("quality_score", "confidence"):
            for bad in (-0.01, 1.01, float("nan")):
                with pytest.raises(psycopg.errors.CheckViolation), conn.transaction():
                    conn.execute(
                        "INSERT INTO pattern_quality_metrics (pattern_id, quality_score,"
                        " confidence) VALUES (gen_random_uuid(), %s, %s)",
                        (bad, 0.5) if column == "quality_score" else (0.5, bad),
                    )
    assert [(c[0], c[1], c[2]) for c in cols] == [
        ("id", "uuid", "NO"),
        ("pattern_id", "uuid", "NO"),
        ("quality_score", "double precision", "NO"),
        ("confidence", "double precision", "NO"),
        ("measurement_timestamp", "timestamp with time zone", "NO"),
        ("version", "text", "YES"),
        ("metadata", "jsonb", "YES"),
        ("created_at", "timestamp with time zone", "YES"),
        ("updated_at", "timestamp with time zone", "YES"),
    ]
    assert defaults == ("1.0.0", {}, True, True, True)
    assert constraints(migrated_dsn) == {
        "pattern_quality_metrics_pkey": "p",
        "pattern_quality_metrics_pattern_id_unique": "u",
        "pattern_quality_metrics_quality_score_check": "c",
        "pattern_quality_metrics_confidence_check": "c",
    }
    # 012 creates four indexes; 015 drops the plain pattern_id btree and the GIN index.
    assert index_defs(migrated_dsn) == {
        "pattern_quality_metrics_pkey": "CREATE UNIQUE INDEX pattern_quality_metrics_pkey"
        " ON public.pattern_quality_metrics USING btree (id)",
        "pattern_quality_metrics_pattern_id_unique": "CREATE UNIQUE INDEX"
        " pattern_quality_metrics_pattern_id_unique"
        " ON public.pattern_quality_metrics USING btree (pattern_id)",
        "idx_pattern_quality_metrics_quality_score": "CREATE INDEX"
        " idx_pattern_quality_metrics_quality_score"
        " ON public.pattern_quality_metrics USING btree (quality_score DESC)",
        "idx_pattern_quality_metrics_measurement_timestamp": "CREATE INDEX"
        " idx_pattern_quality_metrics_measurement_timestamp"
        " ON public.pattern_quality_metrics USING btree (measurement_timestamp DESC)",
    }


def test_015_down_restores_the_two_indexes_and_up_drops_them(migrated_dsn: str) -> None:
    after_015 = index_defs(migrated_dsn)
    report = rollback(migrated_dsn, 14)
    assert [s.version for s in report.steps] == [15]
    restored = index_defs(migrated_dsn)
    assert set(restored) - set(after_015) == {
        "idx_pattern_quality_metrics_pattern_id",
        "idx_pattern_quality_metrics_metadata",
    }
    assert restored["idx_pattern_quality_metrics_metadata"].endswith("USING gin (metadata)")
    up = migrate(migrated_dsn)
    assert up.steps[0].notices == (
        "pattern_quality 015: dropped index idx_pattern_quality_metrics_metadata",
        "pattern_quality 015: dropped index idx_pattern_quality_metrics_pattern_id",
    )
    assert index_defs(migrated_dsn) == after_015


def test_dry_run_on_an_empty_database_changes_nothing(empty_dsn: str) -> None:
    report = migrate(empty_dsn, dry_run=True)
    assert report.dry_run and not report.changed
    assert [s.version for s in report.steps] == VERSIONS
    assert (report.duplicate_rows, report.duplicate_groups) == (0, 0)
    assert not table_exists(empty_dsn, "pattern_quality_metrics")
    assert not table_exists(empty_dsn, "pattern_quality_schema_migrations")


def test_target_applies_only_up_to_it_and_refuses_unknown_or_lower_targets(empty_dsn: str) -> None:
    assert [s.version for s in migrate(empty_dsn, 13).steps] == [12, 13]
    assert migration_status(empty_dsn).pending == tuple(VERSIONS[2:])
    with pytest.raises(MigrationError, match=r"unknown target version 99; known versions: \[12"):
        migrate(empty_dsn, 99)
    assert [s.version for s in migrate(empty_dsn).steps] == VERSIONS[2:]
    with pytest.raises(MigrationError, match=r"use `pattern-quality migrate --down 12`"):
        migrate(empty_dsn, 12)


# --- legacy states ------------------------------------------------------------


def test_legacy_012_with_fk_and_duplicates_is_repaired(empty_dsn: str) -> None:
    apply_legacy(empty_dsn, upto=12)
    rows = duplicate_rows()
    insert_rows(empty_dsn, rows)
    before = fetch_rows(empty_dsn)
    legacy_indexes = index_defs(empty_dsn)
    assert "pattern_quality_metrics_pattern_id_fkey" in constraints(empty_dsn)

    preview = migrate(empty_dsn, dry_run=True)
    assert (preview.duplicate_rows, preview.duplicate_groups) == (6, 4)
    assert preview.adopted_legacy
    assert fetch_rows(empty_dsn) == before  # a dry run changes nothing

    report = migrate(empty_dsn)
    assert report.adopted_legacy
    assert [s.version for s in report.steps] == VERSIONS
    notices = {s.version: s.notices for s in report.steps}
    assert notices[13] == (
        "pattern_quality 013: dropped foreign key pattern_quality_metrics_pattern_id_fkey",
    )
    assert notices[14] == ("pattern_quality 014: collapsed 6 duplicate row(s)",)

    cons = constraints(empty_dsn)
    assert "pattern_quality_metrics_pattern_id_fkey" not in cons
    assert cons["pattern_quality_metrics_pattern_id_unique"] == "u"
    after = fetch_rows(empty_dsn)
    kept = {r["id"] for r in rows if r["keep"]}
    assert set(after) == kept
    assert all(after[i] == before[i] for i in kept)  # every kept row is untouched
    # 012 recognised the legacy indexes under their own names (nothing was duplicated)
    # and 015 dropped the legacy pattern_id btree and GIN index whatever their names.
    assert set(legacy_indexes) == {
        "pattern_quality_metrics_pkey",
        "idx_quality_metrics_pattern_id",
        "idx_quality_metrics_score",
        "idx_quality_metrics_measured",
        "idx_quality_metrics_metadata",
    }
    assert set(index_defs(empty_dsn)) == {
        "pattern_quality_metrics_pkey",
        "pattern_quality_metrics_pattern_id_unique",
        "idx_quality_metrics_score",
        "idx_quality_metrics_measured",
    }
    assert verify(empty_dsn).ok
    assert [v for v, _, _ in recorded(empty_dsn)] == VERSIONS


def test_legacy_012_to_014_applied_by_hand_is_recorded(empty_dsn: str) -> None:
    apply_legacy(empty_dsn, upto=14)
    rows = [r for r in duplicate_rows() if r["keep"]]
    insert_rows(empty_dsn, rows)
    before = fetch_rows(empty_dsn)
    status = migration_status(empty_dsn)
    assert status.legacy_unrecorded and status.pending == tuple(VERSIONS)
    assert status.current_version is None

    report = migrate(empty_dsn)
    assert report.adopted_legacy and report.version_after == LATEST
    assert [s.version for s in report.steps] == VERSIONS
    assert dict(zip(VERSIONS, [s.notices for s in report.steps], strict=True))[14] == ()
    assert recorded(empty_dsn) == [(m.version, m.name, m.checksum) for m in SHIPPED]
    assert fetch_rows(empty_dsn) == before
    assert verify(empty_dsn).ok
    assert not migration_status(empty_dsn).legacy_unrecorded


def test_rollback_refuses_an_unrecorded_legacy_schema(empty_dsn: str) -> None:
    apply_legacy(empty_dsn, upto=14)
    with pytest.raises(
        MigrationError, match="no migration is recorded .* run `pattern-quality migrate` first"
    ):
        rollback(empty_dsn, 13)


# --- concurrency --------------------------------------------------------------


def test_two_runners_started_together_both_succeed_and_apply_once(empty_dsn: str) -> None:
    barrier = threading.Barrier(2)
    reports: list[object] = []
    errors: list[BaseException] = []

    def run() -> None:
        barrier.wait()
        try:
            reports.append(migrate(empty_dsn))
        except BaseException as exc:  # collected and asserted below
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    steps = sorted(len(r.steps) for r in reports)  # type: ignore[attr-defined]
    assert steps == [0, len(VERSIONS)]
    assert [v for v, _, _ in recorded(empty_dsn)] == VERSIONS


def test_a_runner_waits_for_the_advisory_lock(empty_dsn: str) -> None:
    with psycopg.connect(empty_dsn, autocommit=True) as holder:
        holder.execute("SELECT pg_advisory_lock(%s)", (ADVISORY_LOCK_KEY,))
        result: list[object] = []
        worker = threading.Thread(target=lambda: result.append(migrate(empty_dsn)))
        worker.start()
        deadline = time.monotonic() + 60
        while True:  # wait until the runner is seen blocked on the advisory lock
            row = holder.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database()"
                " AND wait_event_type = 'Lock' AND wait_event = 'advisory'"
            ).fetchone()
            if row and row[0] == 1:
                break
            assert time.monotonic() < deadline, "the runner never waited for the lock"
            time.sleep(0.05)
        assert result == [] and not table_exists(empty_dsn, "pattern_quality_metrics")
        holder.execute("SELECT pg_advisory_unlock(%s)", (ADVISORY_LOCK_KEY,))
        worker.join()
    assert [s.version for s in result[0].steps] == VERSIONS  # type: ignore[attr-defined]


# --- connection problems ----------------------------------------------------------


def test_unreachable_database_is_reported_masked() -> None:
    with pytest.raises(DatabaseUnavailableError) as info:
        migrate("postgresql://alice:s3cret-pw@127.0.0.1:1/nowhere", connect_timeout=5)
    assert "s3cret-pw" not in str(info.value)
    assert "postgresql://alice@127.0.0.1:1/nowhere" in str(info.value)


def test_an_invalid_dsn_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="invalid database URL"):
        migrate("host=x password=hunter2 nonsense")


# --- async twins -----------------------------------------------------------------


@pytest.mark.anyio
async def test_async_twins_behave_like_the_sync_functions(empty_dsn: str) -> None:
    dry = await amigrate(empty_dsn, dry_run=True)
    up = await amigrate(empty_dsn)
    again = await amigrate(empty_dsn)
    status = await amigration_status(empty_dsn)
    down = await arollback(empty_dsn, 13)
    assert [s.version for s in dry.steps] == VERSIONS and dry.dry_run
    assert [s.version for s in up.steps] == VERSIONS
    assert up.steps[2].notices == ("pattern_quality 014: collapsed 0 duplicate row(s)",)
    assert again.steps == ()
    assert status.pending == () and status.current_version == LATEST
    assert down.version_after == 13


@pytest.mark.parametrize(
    ("sync", "async_"),
    [
        ("migrate", "amigrate"),
        ("rollback", "arollback"),
        ("migration_status", "amigration_status"),
        ("verify", "averify"),
    ],
)
def test_sync_and_async_twins_have_the_same_parameters(sync: str, async_: str) -> None:
    s, a = getattr(pattern_quality, sync), getattr(pattern_quality, async_)
    assert inspect.signature(s) == inspect.signature(a)
    assert inspect.iscoroutinefunction(a) and not inspect.iscoroutinefunction(s)


def test_the_package_exports_migrate() -> None:
    assert migrate_module_function is migrate
