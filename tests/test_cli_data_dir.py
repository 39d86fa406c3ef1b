"""The embedded default's data directory: one per user, the same from every folder;
read-only commands never create an empty embedded database (they say where they looked)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from pattern_quality.embedded import database_exists, default_data_dir, resolve_data_dir
from tests.cli_process import clean_env, run_cli


def test_default_data_dir_follows_the_platform_convention() -> None:
    home = "/home/someone"
    assert default_data_dir({"HOME": home}) == Path(home, ".local", "share", "pattern-quality")
    assert default_data_dir({"HOME": home, "XDG_DATA_HOME": "/data"}) == Path(
        "/data/pattern-quality"
    )
    # A relative XDG_DATA_HOME is invalid by the specification and ignored.
    assert default_data_dir({"HOME": home, "XDG_DATA_HOME": "rel"}) == Path(
        home, ".local", "share", "pattern-quality"
    )


def test_resolve_data_dir_order(tmp_path: Path) -> None:
    env = {"HOME": str(tmp_path), "PATTERN_QUALITY_DATA_DIR": str(tmp_path / "env")}
    assert resolve_data_dir(tmp_path / "flag", env) == tmp_path / "flag"
    assert resolve_data_dir(None, env) == tmp_path / "env"
    assert resolve_data_dir(None, {"HOME": str(tmp_path)}) == default_data_dir(
        {"HOME": str(tmp_path)}
    )


@pytest.fixture
def user(tmp_path: Path) -> tuple[dict[str, str], Path]:
    """A user with an empty home, the embedded default on, no database URL."""
    env = clean_env(HOME=str(tmp_path / "home"), PATTERN_QUALITY_EMBEDDED="1")
    for name in ("XDG_DATA_HOME", "PATTERN_QUALITY_DATA_DIR"):
        env.pop(name, None)
    return env, tmp_path / "home" / ".local" / "share" / "pattern-quality"


@pytest.mark.parametrize(
    "argv", [["report"], ["verify"], ["migrate", "--status"], ["migrate", "--dry-run"]]
)
def test_read_only_commands_create_nothing_and_say_where_they_looked(
    user: tuple[dict[str, str], Path], tmp_path: Path, argv: list[str]
) -> None:
    env, data_dir = user
    proc = run_cli(*argv, env=env, cwd=tmp_path)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == (
        f"pattern-quality: error: no database URL configured, and there is no embedded "
        f"database in {data_dir} yet (nothing was created): run `pattern-quality migrate` "
        "(or `pattern-quality demo`) to create it, pass --data-dir DIR for another one, "
        "or --database-url URL\n"
    )
    assert not data_dir.exists()


def test_an_earlier_versions_database_in_the_working_directory_is_pointed_at(
    user: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, _ = user
    legacy = tmp_path / "project" / ".pattern_quality" / "postgres"
    legacy.mkdir(parents=True)
    (legacy / "PG_VERSION").write_text("16\n")
    proc = run_cli("report", env=env, cwd=tmp_path / "project")
    assert proc.returncode == 2
    assert proc.stderr.rstrip().endswith(
        f"; {legacy.parent} holds an embedded database of an earlier version (which kept it "
        f"in the working directory): use it with --data-dir {legacy.parent}"
    )


def test_one_database_per_user_from_any_folder(
    user: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, data_dir = user
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    created = run_cli("migrate", env=env, cwd=tmp_path / "a")
    assert created.returncode == 0, created.stderr
    assert created.stderr == (
        "pattern-quality: no database URL configured; using the embedded PostgreSQL and "
        f"local Qdrant in {data_dir} (kept between runs)\n"
    )
    assert database_exists(data_dir)
    assert not any(os.scandir(tmp_path / "a"))  # nothing in the working directory
    report = run_cli("report", "--json", env=env, cwd=tmp_path / "b")
    assert report.returncode == 0, report.stderr
    assert f"in {data_dir} (kept between runs)" in report.stderr
    assert '"count": 0' in report.stdout


def test_data_dir_option_and_variable_override(
    user: tuple[dict[str, str], Path], tmp_path: Path
) -> None:
    env, data_dir = user
    proc = run_cli("report", "--data-dir", str(tmp_path / "mine"), env=env, cwd=tmp_path)
    assert proc.returncode == 2
    assert f"no embedded database in {tmp_path / 'mine'} yet" in proc.stderr
    env = {**env, "PATTERN_QUALITY_DATA_DIR": str(tmp_path / "var")}
    proc = run_cli("verify", env=env, cwd=tmp_path)
    assert f"no embedded database in {tmp_path / 'var'} yet" in proc.stderr
    assert not data_dir.exists()
