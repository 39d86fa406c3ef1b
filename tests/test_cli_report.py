"""``pattern-quality report`` as a process: the figure without the notebook extra."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from pattern_quality import PatternQualityScorer, PostgresQualityStore
from pattern_quality.sample import load_sample_patterns
from tests.cli_process import clean_env

# Runs the CLI with matplotlib (or pandas) made unimportable, as without the extra.
_WITHOUT = (
    "import sys; sys.modules[{module!r}] = None; "
    "from pattern_quality.cli import main; sys.exit(main(sys.argv[1:]))"
)


@pytest.fixture
def stored_dsn(migrated_dsn: str) -> Iterator[str]:
    scorer = PatternQualityScorer(explain=False)
    with PostgresQualityStore(migrated_dsn) as store:
        store.upsert(scorer.score_many(load_sample_patterns()[:50]))
    yield migrated_dsn


@pytest.mark.parametrize("module", ["matplotlib", "pandas"])
def test_plot_without_the_extra_prints_the_report_and_one_line(
    stored_dsn: str, tmp_path: Path, module: str
) -> None:
    png = tmp_path / "x.png"
    proc = subprocess.run(
        [sys.executable, "-c", _WITHOUT.format(module=module)]
        + ["report", "--database-url", stored_dsn, "--plot", str(png)],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 2
    assert proc.stdout.startswith("50 stored scores")
    assert "composite histogram" in proc.stdout
    assert "figure written" not in proc.stdout
    assert proc.stderr == (
        f"pattern-quality: error: --plot needs the notebook extra (pandas, matplotlib), so "
        f"{png} was not written: pip install 'pattern-quality[notebook]'\n"
    )
    assert not png.exists()


def test_plot_with_the_extra_writes_the_figure(stored_dsn: str, tmp_path: Path) -> None:
    png = tmp_path / "x.png"
    proc = subprocess.run(
        [sys.executable, "-m", "pattern_quality"]
        + ["report", "--database-url", stored_dsn, "--plot", str(png)],
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.rstrip().endswith(f"figure written to {png}")
    assert png.read_bytes().startswith(b"\x89PNG")
