"""``pattern-quality --help`` / ``--version`` and ``import pattern_quality`` load little.

No timings here (tests/benchmarks/bench_import.py measures them): these tests check
*what* is imported, which is what makes startup slow or fast.
"""

from __future__ import annotations

import subprocess
import sys

import pytest

from pattern_quality.cli._app import COMMANDS, build_parser, chosen_command

HEAVY = ("qdrant_client", "psycopg", "pandas", "matplotlib", "numpy", "tqdm", "hypothesis")

_REPORT = (
    "import sys\n{code}\nprint('HEAVY:' + ','.join(m for m in {heavy!r} if m in sys.modules))\n"
)


def _heavy_after(code: str) -> list[str]:
    proc = subprocess.run(
        [sys.executable, "-c", _REPORT.format(code=code, heavy=HEAVY)],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    last = proc.stdout.splitlines()[-1]
    assert last.startswith("HEAVY:"), proc.stdout
    return [m for m in last.removeprefix("HEAVY:").split(",") if m]


def test_import_pattern_quality_loads_no_dependency() -> None:
    assert _heavy_after("import pattern_quality") == []


@pytest.mark.parametrize(
    "argv",
    [["--version"], ["--help"], ["score", "--help"], ["demo", "--help"], ["backfill", "--help"]],
)
def test_help_and_version_load_no_heavy_dependency(argv: list[str]) -> None:
    code = (
        "from pattern_quality.cli import main\n"
        "import contextlib, io\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    assert main({argv!r}) == 0"
    )
    assert _heavy_after(code) == []


def test_the_backfill_package_loads_its_names_on_first_use() -> None:
    # backfill --help reads DEFAULT_WRITE_BATCH and DEFAULT_RETRY: not the runners.
    light = "from pattern_quality.backfill import DEFAULT_WRITE_BATCH, retry"
    assert _heavy_after(light) == []
    assert _heavy_after(light + "; import sys; assert 'asyncio' not in sys.modules") == []
    assert "psycopg" in _heavy_after("from pattern_quality.backfill import backfill")
    code = (
        "import sys, importlib\n"
        "r = importlib.import_module('pattern_quality.backfill.runner')\n"
        "b = sys.modules['pattern_quality.backfill']  # the package's attribute is the function\n"
        "assert b.backfill is r.backfill and callable(b.abackfill), b.backfill\n"
        "assert set(b.__all__) <= set(dir(b))"
    )
    assert isinstance(_heavy_after(code), list)  # check=True: the asserts passed


def test_first_use_of_a_name_loads_it() -> None:
    assert "psycopg" in _heavy_after("from pattern_quality import PostgresQualityStore")
    assert "qdrant_client" in _heavy_after("import pattern_quality as pq; pq.QdrantPatternSource")


def test_names_are_the_same_objects_however_they_are_reached() -> None:
    import pattern_quality
    from pattern_quality.scoring import PatternQualityScorer
    from pattern_quality.storage import PostgresQualityStore

    assert pattern_quality.PatternQualityScorer is PatternQualityScorer
    assert pattern_quality.PostgresQualityStore is PostgresQualityStore
    assert set(pattern_quality.__all__) <= set(dir(pattern_quality))
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = pattern_quality.nope


def test_backfill_and_migrate_stay_functions_after_their_modules_load() -> None:
    code = (
        "import pattern_quality as pq, pattern_quality.backfill.runner, pattern_quality.migrate\n"
        "import pattern_quality.schema\n"
        "assert callable(pq.backfill) and callable(pq.migrate), (pq.backfill, pq.migrate)\n"
        "assert pq.migrate is pattern_quality.schema.migrate"
    )
    assert isinstance(_heavy_after(code), list)  # check=True: the asserts passed


def test_the_help_table_is_each_module_s_help() -> None:
    parser = build_parser()
    subparsers = next(a for a in parser._actions if a.dest == "command")
    registered = {a.dest: a.help for a in subparsers._choices_actions}  # type: ignore[attr-defined]
    assert registered == {name: help_text for name, (_, help_text) in COMMANDS.items()}


@pytest.mark.parametrize(
    ("argv", "command"),
    [
        (["verify"], "verify"),
        (["--database-url", "x", "report", "--json"], "report"),
        (["--database", "x", "report"], "report"),
        (["--data-dir", "d", "--", "score"], "score"),
        (["--version"], None),
        ([], None),
    ],
)
def test_chosen_command(argv: list[str], command: str | None) -> None:
    assert chosen_command(argv) == command


def test_an_abbreviated_global_option_still_reaches_the_command() -> None:
    from pattern_quality.cli._parser import fill_global_defaults

    argv = ["--database", "x", "report"]
    args = fill_global_defaults(build_parser(argv).parse_args(argv))
    assert args.database_url == "x" and callable(args.func)
