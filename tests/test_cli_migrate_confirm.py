"""``migrate --down`` below 012 drops the table: it asks on a terminal, needs --yes otherwise.

Run as real processes; the terminal is a pseudo-terminal (``pty``).
"""

from __future__ import annotations

import os
import pty
import subprocess
import sys

import psycopg

from pattern_quality import PatternQualityScorer, PostgresQualityStore
from tests.cli_process import clean_env, run_cli


def _table_exists(dsn: str) -> bool:
    with psycopg.connect(dsn) as conn:
        row = conn.execute("SELECT to_regclass('pattern_quality_metrics')").fetchone()
    return row is not None and row[0] is not None


def _store_two(dsn: str) -> None:
    scorer = PatternQualityScorer(explain=False)
    with PostgresQualityStore(dsn) as store:
        store.upsert(
            scorer.score_many(
                [
                    {"pattern_id": "00000000-0000-0000-0000-000000000001", "code": "x = 1"},
                    {"pattern_id": "00000000-0000-0000-0000-000000000002", "code": "y = 2"},
                ]
            )
        )


def _on_a_terminal(dsn: str, answer: bytes) -> tuple[int, str]:
    """Run ``migrate --down 0`` with stdin on a pseudo-terminal; type ``answer``."""
    controller, terminal = pty.openpty()
    try:
        with subprocess.Popen(
            [sys.executable, "-m", "pattern_quality", "migrate", "--down", "0"]
            + ["--database-url", dsn],
            env=clean_env(),
            stdin=terminal,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        ) as proc:
            os.write(controller, answer)
            out, err = proc.communicate(timeout=120)
    finally:
        os.close(controller)
        os.close(terminal)
    return proc.returncode, (out + err).decode()


def test_without_a_terminal_it_needs_yes(migrated_dsn: str) -> None:
    _store_two(migrated_dsn)
    proc = run_cli("migrate", "--down", "0", "--database-url", migrated_dsn)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert "drops pattern_quality_metrics and its 2 stored score(s)" in proc.stderr
    assert proc.stderr.rstrip().endswith("pass --yes to confirm; nothing was changed")
    assert _table_exists(migrated_dsn)


def test_yes_confirms(migrated_dsn: str) -> None:
    proc = run_cli("migrate", "--down", "0", "--yes", "--database-url", migrated_dsn)
    assert proc.returncode == 0, proc.stderr
    assert "rolled back 012_create_pattern_quality_metrics" in proc.stdout
    assert not _table_exists(migrated_dsn)


def test_dry_run_and_non_destructive_down_do_not_ask(migrated_dsn: str) -> None:
    proc = run_cli("migrate", "--down", "0", "--dry-run", "--database-url", migrated_dsn)
    assert proc.returncode == 0, proc.stderr
    assert "would roll back 012_create_pattern_quality_metrics" in proc.stdout
    proc = run_cli("migrate", "--down", "13", "--database-url", migrated_dsn)
    assert proc.returncode == 0, proc.stderr
    assert _table_exists(migrated_dsn)


def test_on_a_terminal_it_asks_and_no_keeps_the_table(migrated_dsn: str) -> None:
    _store_two(migrated_dsn)
    code, output = _on_a_terminal(migrated_dsn, b"no\n")
    assert code == 2
    assert "Type 'yes' to drop it:" in output
    assert "cancelled; nothing was changed" in output
    assert _table_exists(migrated_dsn)


def test_on_a_terminal_yes_drops_the_table(migrated_dsn: str) -> None:
    code, output = _on_a_terminal(migrated_dsn, b"yes\n")
    assert code == 0, output
    assert "rolled back 012_create_pattern_quality_metrics" in output
    assert not _table_exists(migrated_dsn)
