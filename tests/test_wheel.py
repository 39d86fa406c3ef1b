"""The built wheel: it ships the migration SQL (installed on its own, it migrates an empty
database), and its metadata reads well on the package index page (absolute project URLs, the
README as the long description with no relative link, the extras the README names).
"""

from __future__ import annotations

import email.parser
import os
import re
import shutil
import subprocess
import sys
import textwrap
import tomllib
import zipfile
from pathlib import Path

import pytest

from pattern_quality.schema.files import load_migrations

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pattern_quality", "migrations", "pyproject.toml", "README.md")
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
README = (ROOT / "README.md").read_text(encoding="utf-8")
# Inline links and images, reference definitions, HTML href/src attributes.
LINK = re.compile(
    r"\]\((?P<a>[^)\s]+)(?:\s+\"[^\"]*\")?\)|^\s*\[[^\]]+\]:\s*(?P<b>\S+)|(?:href|src)=\"(?P<c>[^\"]+)\"",
    re.M,
)


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


def _metadata(wheel: Path) -> email.message.Message:
    with zipfile.ZipFile(wheel) as zf:
        (name,) = [n for n in zf.namelist() if n.endswith(".dist-info/METADATA")]
        return email.parser.Parser().parsestr(zf.read(name).decode("utf-8"))


@pytest.mark.slow
def test_the_wheel_metadata_has_absolute_project_urls(wheel: Path) -> None:
    meta = _metadata(wheel)
    urls = dict(value.split(", ", 1) for value in meta.get_all("Project-URL") or [])
    assert set(urls) >= {"Homepage", "Documentation", "Repository", "Changelog", "Issues"}
    assert {k.lower(): v for k, v in urls.items()} == {
        k.lower(): v for k, v in PROJECT["urls"].items()
    }
    assert all(url.startswith("https://") for url in urls.values()), urls


@pytest.mark.slow
def test_the_long_description_is_the_readme_with_its_extras(wheel: Path) -> None:
    meta = _metadata(wheel)
    assert meta["Description-Content-Type"] == "text/markdown"
    body = meta.get_payload()
    assert isinstance(body, str) and body.strip() == README.strip()
    extras = set(meta.get_all("Provides-Extra") or [])
    named = set(re.findall(r"pattern-quality\[([\w,]+)\]", README))
    named_extras = {extra for group in named for extra in group.split(",")}
    assert named_extras <= extras, f"README names extras the wheel lacks: {named_extras - extras}"
    for extra in extras:  # every extra is explained in the README's table
        assert f"| `{extra}` |" in README, f"README does not say what [{extra}] brings"


def test_the_readme_links_are_absolute_and_point_at_files_of_the_repository() -> None:
    repository = PROJECT["urls"]["Repository"].rstrip("/")
    links = [m.group("a") or m.group("b") or m.group("c") for m in LINK.finditer(README)]
    assert len(links) >= 10, links
    relative = [link for link in links if not re.match(r"https?://", link)]
    assert not relative, f"README.md has relative links (broken on the index page): {relative}"
    for link in links:
        if link.startswith(f"{repository}/blob/main/"):
            path = link.removeprefix(f"{repository}/blob/main/").partition("#")[0]
            assert (ROOT / path).is_file(), f"README.md links to {link}: no file {path}"
    assert all(link.startswith(repository) for link in links if "github.com" in link), (
        "README.md links to another repository than [project.urls] Repository"
    )
    docs = {p.name for p in (ROOT / "docs").glob("*.md")}
    linked = {Path(link.partition("#")[0]).name for link in links}
    assert docs <= linked, f"README.md does not link to {sorted(docs - linked)}"
