"""The built wheel ships the migration SQL: installed on its own, it migrates an empty database."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import zipfile
from pathlib import Path

import pytest

from pattern_quality.schema.files import load_migrations

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pattern_quality", "migrations", "pyproject.toml", "README.md")


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Build the wheel from a copy of the sources (offline: hatchling is in the dev extra)."""
    src = tmp_path_factory.mktemp("src")
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, src / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(ROOT / name, src / name)
    dist = tmp_path_factory.mktemp("dist")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(dist),
            str(src),
        ],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    (built,) = dist.glob("pattern_quality-*.whl")
    return built


@pytest.mark.slow
def test_the_wheel_contains_every_migration_file(wheel: Path) -> None:
    shipped = {p.name for p in (ROOT / "migrations").iterdir() if p.suffix == ".sql"}
    with zipfile.ZipFile(wheel) as zf:
        packaged = {
            Path(n).name for n in zf.namelist() if n.startswith("pattern_quality/migrations/")
        }
        assert "pattern_quality/py.typed" in zf.namelist()
    assert packaged == shipped
    assert len(shipped) == 2 * len(load_migrations())


@pytest.mark.slow
def test_the_installed_wheel_migrates_an_empty_database(
    wheel: Path, empty_dsn: str, tmp_path: Path
) -> None:
    target = tmp_path / "site"
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
         "--target", str(target), str(wheel)],
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stdout + proc.stderr
    script = textwrap.dedent(
        """
        import sys
        from pathlib import Path
        import pattern_quality
        from pattern_quality.schema.files import default_migrations_dir

        target = Path(sys.argv[1]).resolve()
        package = Path(pattern_quality.__file__).resolve()
        assert package.is_relative_to(target), package
        assert Path(str(default_migrations_dir())).resolve().is_relative_to(target)
        report = pattern_quality.migrate(sys.argv[2])
        print(",".join(str(step.version) for step in report.steps))
        print(pattern_quality.verify(sys.argv[2]).ok)
        """
    )
    env = {**os.environ, "PYTHONPATH": str(target)}
    run = subprocess.run(
        [sys.executable, "-c", script, str(target), empty_dsn],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    versions = ",".join(str(m.version) for m in load_migrations())
    assert run.stdout.splitlines() == [versions, "True"]
