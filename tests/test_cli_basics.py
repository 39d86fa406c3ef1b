"""CLI basics every command shares, and ``pattern-quality migrate``, in-process and as a process."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pattern_quality import __version__
from pattern_quality.cli import main
from pattern_quality.cli._common import database_url
from pattern_quality.errors import ConfigurationError
from pattern_quality.schema.files import load_migrations
from tests.legacy_schema import apply_legacy, duplicate_rows, insert_rows, recorded

NAMES = [f"{m.version:03d}_{m.name}" for m in load_migrations()]
LATEST = NAMES[-1][:3]
CLOSED = "postgresql://alice:s3cret-pw@127.0.0.1:1/nowhere"
ENV_VARS = ("PATTERN_QUALITY_DATABASE_URL", "HOST_DATABASE_URL", "DATABASE_URL")


@pytest.fixture
def no_env(monkeypatch: pytest.MonkeyPatch) -> pytest.MonkeyPatch:
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def _env_without_urls() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k not in ENV_VARS}


# --- help, version, usage -------------------------------------------------------


def test_help_lists_the_commands(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("usage: pattern-quality")
    assert "migrate" in out and "verify" in out


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--version"]) == 0
    assert capsys.readouterr().out == f"pattern-quality {__version__}\n"


def test_no_command_prints_help_and_exits_2(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert capsys.readouterr().err.startswith("usage: pattern-quality")


def test_usage_errors_mask_passwords(capsys: pytest.CaptureFixture[str]) -> None:
    # A mistyped option: argparse quotes the URL that follows it.
    assert main(["migrate", "--databse-url", CLOSED]) == 2
    err = capsys.readouterr().err
    assert "s3cret-pw" not in err
    assert "postgresql://alice:***@127.0.0.1:1/nowhere" in err


def test_to_and_down_are_exclusive(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["migrate", "--to", "14", "--down", "13"]) == 2
    assert "not allowed with argument" in capsys.readouterr().err


# --- database URL resolution ------------------------------------------------------


def test_database_url_precedence(no_env: pytest.MonkeyPatch) -> None:
    explicit = argparse.Namespace(database_url="postgresql://explicit/db")
    none = argparse.Namespace(database_url=None)
    with pytest.raises(ConfigurationError):
        database_url(none)
    no_env.setenv("DATABASE_URL", "postgresql://generic/db")
    assert database_url(none) == "postgresql://generic/db"
    no_env.setenv("HOST_DATABASE_URL", "postgresql://host/db")  # legacy: before DATABASE_URL
    assert database_url(none) == "postgresql://host/db"
    no_env.setenv("PATTERN_QUALITY_DATABASE_URL", "postgresql://specific/db")
    assert database_url(none) == "postgresql://specific/db"
    assert database_url(explicit) == "postgresql://explicit/db"


def test_no_url_configured_says_so(
    no_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    # The embedded default is off in the tests (conftest); with it off, a URL is required.
    assert main(["migrate"]) == 2
    assert capsys.readouterr().err == (
        "pattern-quality: error: no database URL configured and the embedded default is "
        "off (PATTERN_QUALITY_EMBEDDED=0): pass one explicitly (--database-url) or set "
        "PATTERN_QUALITY_DATABASE_URL or HOST_DATABASE_URL or DATABASE_URL\n"
    )


def test_environment_urls_are_used_in_order(
    empty_dsn: str, no_env: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    no_env.setenv("DATABASE_URL", empty_dsn)
    assert main(["migrate", "--status"]) == 0
    capsys.readouterr()
    # The legacy HOST_DATABASE_URL wins over DATABASE_URL (a deployment setting both).
    no_env.setenv("DATABASE_URL", CLOSED)
    no_env.setenv("HOST_DATABASE_URL", empty_dsn)
    assert main(["migrate", "--status"]) == 0
    capsys.readouterr()
    no_env.setenv("PATTERN_QUALITY_DATABASE_URL", CLOSED)  # wins over DATABASE_URL
    assert main(["migrate", "--status"]) == 2
    assert "alice@127.0.0.1:1" in capsys.readouterr().err
    assert main(["migrate", "--status", "--database-url", empty_dsn]) == 0  # wins over both


def test_unreachable_database_exits_2_masked_without_traceback(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["migrate", "--database-url", CLOSED]) == 2
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err.startswith(
        "pattern-quality: error: could not migrate: database "
        "postgresql://alice@127.0.0.1:1/nowhere is unavailable ("
    )
    assert captured.err.count("\n") == 1
    assert "s3cret-pw" not in captured.err and "Traceback" not in captured.err


def test_unreachable_database_as_a_real_process() -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pattern_quality", "verify"],
        env={**_env_without_urls(), "DATABASE_URL": CLOSED},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert "postgresql://alice@127.0.0.1:1/nowhere" in proc.stderr
    assert "s3cret-pw" not in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr


# --- migrate ---------------------------------------------------------------------


def test_migrate_status_dry_run_and_no_op(
    empty_dsn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    url = ["--database-url", empty_dsn]
    assert main(["migrate", "--dry-run", *url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [
        *(f"would apply {n}" for n in NAMES),
        "014 would collapse 0 duplicate row(s) of 0 pattern_id(s), keeping the latest "
        "measurement of each",
        f"dry run, nothing changed: version none would become {LATEST}",
    ]
    assert main(["migrate", "--status", *url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [
        *(f"{n[:3]}  pending   {n[4:]}" for n in NAMES),
        f"current version: none; pending: {len(NAMES)}",
    ]

    assert main(["migrate", *url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("database: ")
    assert [line for line in out if line.startswith("applied")] == [f"applied {n}" for n in NAMES]
    assert "  pattern_quality 014: collapsed 0 duplicate row(s)" in out
    assert out[-1] == f"schema is at version {LATEST}"

    assert main(["migrate", *url]) == 0
    assert capsys.readouterr().out.splitlines()[1:] == [
        f"nothing to do: schema is at version {LATEST}"
    ]
    assert main(["migrate", "--status", *url]) == 0
    status = capsys.readouterr().out.splitlines()
    assert [line.split()[:3] for line in status[1:-1]] == [[n[:3], "applied", n[4:]] for n in NAMES]
    assert status[-1] == f"current version: {LATEST}; pending: 0"


def test_migrate_legacy_dry_run_reports_rows_to_collapse(
    empty_dsn: str, capsys: pytest.CaptureFixture[str]
) -> None:
    apply_legacy(empty_dsn, upto=12)
    insert_rows(empty_dsn, duplicate_rows())
    assert main(["migrate", "--dry-run", "--database-url", empty_dsn]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1] == (
        "found pattern_quality_metrics without migration records (set up by hand): "
        "it would be checked and recorded"
    )
    assert (
        "014 would collapse 6 duplicate row(s) of 4 pattern_id(s), keeping the latest "
        "measurement of each"
    ) in out
    assert main(["migrate", "--database-url", empty_dsn]) == 0
    out = capsys.readouterr().out.splitlines()
    assert "  pattern_quality 014: collapsed 6 duplicate row(s)" in out


def test_migrate_to_and_down(migrated_dsn: str, capsys: pytest.CaptureFixture[str]) -> None:
    url = ["--database-url", migrated_dsn]
    assert main(["migrate", "--down", "13", "--dry-run", *url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[-1] == f"dry run, nothing changed: version {LATEST} would become 013"
    assert main(["migrate", "--down", "13", *url]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[1:] == [
        *(f"rolled back {n}" for n in reversed(NAMES[2:])),
        "schema is at version 013",
    ]
    assert main(["migrate", "--to", "14", *url]) == 0
    assert capsys.readouterr().out.splitlines()[1] == f"applied {NAMES[2]}"
    assert main(["migrate", "--to", "12", *url]) == 2
    assert "use `pattern-quality migrate --down 12`" in capsys.readouterr().err


def test_console_script_migrates(empty_dsn: str) -> None:
    script = Path(sys.executable).with_name("pattern-quality")
    proc = subprocess.run(
        [str(script), "migrate"],
        env={**_env_without_urls(), "PATTERN_QUALITY_DATABASE_URL": empty_dsn},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.splitlines()[-1] == f"schema is at version {LATEST}"


def test_two_processes_migrating_at_once_both_exit_0(empty_dsn: str) -> None:
    env = {**_env_without_urls(), "PATTERN_QUALITY_DATABASE_URL": empty_dsn}
    procs = [
        subprocess.Popen(
            [sys.executable, "-m", "pattern_quality", "migrate"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    results = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], results
    applied = sorted(out.count("\napplied ") for out, _ in results)
    assert applied == [0, len(NAMES)]
    assert [f"{v:03d}" for v, _, _ in recorded(empty_dsn)] == [n[:3] for n in NAMES]
