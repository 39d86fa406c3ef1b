"""The layout rules of docs/architecture.md that a test can check.

No module of the package or of ``tools/`` is over 400 lines; the top-level
package holds no private helper modules beyond the few named here; every
subpackage module is reachable from the module map in docs/architecture.md.
"""

from __future__ import annotations

import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
MAX_LINES = 400
SOURCES = sorted([*(ROOT / "pattern_quality").rglob("*.py"), *(ROOT / "tools").rglob("*.py")])


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(ROOT)))
def test_no_module_is_over_400_lines(path: Path) -> None:
    lines = len(path.read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{path.relative_to(ROOT)} has {lines} lines; split it"


def test_top_level_private_modules_are_the_few_shared_ones() -> None:
    private = {p.name for p in (ROOT / "pattern_quality").glob("_*.py")}
    assert private == {
        "__init__.py",
        "__main__.py",
        "_acompat.py",
        "_config.py",
        "_construct.py",
        "_version.py",
    }


def test_the_module_map_names_every_module() -> None:
    text = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [
        str(p.relative_to(ROOT / "pattern_quality"))
        for p in sorted((ROOT / "pattern_quality").rglob("*.py"))
        if f"`{p.relative_to(ROOT / 'pattern_quality')}`" not in text
    ]
    assert not missing, f"docs/architecture.md's module map lacks {missing}"


def test_old_import_paths_still_work() -> None:
    import pattern_quality
    import pattern_quality.migrate
    import pattern_quality.qdrant
    import pattern_quality.storage.memory
    from pattern_quality import schema, sources, storage

    assert pattern_quality.migrate is schema.migrate  # the function, as before
    assert pattern_quality.backfill is sys.modules["pattern_quality.backfill"].backfill
    assert callable(pattern_quality.backfill) and callable(pattern_quality.migrate)
    assert pattern_quality.qdrant.QdrantPatternSource is sources.QdrantPatternSource
    assert pattern_quality.qdrant.QdrantUnavailableError is pattern_quality.QdrantUnavailableError
    assert storage.memory.AsyncInMemoryQualityStore is storage.AsyncInMemoryQualityStore
    from pattern_quality.backfill import BackfillError, RetryPolicy
    from pattern_quality.migrate import verify

    assert BackfillError is pattern_quality.errors.BackfillError
    assert RetryPolicy is pattern_quality.RetryPolicy
    assert verify is pattern_quality.verify


def test_deprecated_names_warn_and_keep_their_value() -> None:
    from pattern_quality import filtering

    backfill_package = importlib.import_module("pattern_quality.backfill")  # the package
    with pytest.warns(DeprecationWarning, match="DEFAULT_WRITE_BATCH"):
        assert backfill_package.DEFAULT_BATCH_SIZE == backfill_package.DEFAULT_WRITE_BATCH == 2000
    with pytest.warns(DeprecationWarning, match="DEFAULT_FILTER_TIMEOUT"):
        assert filtering.DEFAULT_TIMEOUT == filtering.DEFAULT_FILTER_TIMEOUT == 0.25
    with pytest.raises(AttributeError):
        _ = filtering.NO_SUCH_NAME
