"""`--shard K/N`, `--shard-count N [--shard-index I]`, `$JOB_COMPLETION_INDEX` (issue 13, 18)."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from pattern_quality.sources.shard import JOB_COMPLETION_INDEX, Shard, resolve_shard
from tests.cli_backfill_runs import make_big_qdrant
from tests.cli_process import clean_env, run_cli

ENV = {JOB_COMPLETION_INDEX: "2"}


@pytest.mark.parametrize(
    ("shard", "count", "index", "environ", "expected"),
    [
        (None, None, None, ENV, None),  # no option: every point, the variable is not read
        (Shard(3, 4), None, None, {}, Shard(3, 4)),
        (Shard(3, 4), 4, None, {}, Shard(3, 4)),  # the same count twice is fine
        (Shard(1, 4), None, None, ENV, Shard(1, 4)),  # --shard wins over the variable
        (None, 4, 2, {}, Shard(3, 4)),
        (None, 4, 0, ENV, Shard(1, 4)),  # --shard-index wins over the variable
        (None, 4, None, ENV, Shard(3, 4)),
        (None, 4, None, {JOB_COMPLETION_INDEX: " 3 "}, Shard(4, 4)),
        (None, 1, None, {JOB_COMPLETION_INDEX: "0"}, Shard(1, 1)),
    ],
)
def test_every_spelling_names_the_same_shard(
    shard: Shard | None,
    count: int | None,
    index: int | None,
    environ: dict[str, str],
    expected: Shard | None,
) -> None:
    assert resolve_shard(shard, count, index, environ) == expected


@pytest.mark.parametrize(
    ("shard", "count", "index", "environ", "message"),
    [
        (None, 4, None, {}, r"--shard-count 4 needs this shard's 0-based index"),
        (None, 4, None, {JOB_COMPLETION_INDEX: ""}, r"or set \$JOB_COMPLETION_INDEX"),
        (None, 4, None, {JOB_COMPLETION_INDEX: "x"}, r"must be a 0-based shard index .* got 'x'"),
        (None, 4, None, {JOB_COMPLETION_INDEX: "4"}, r"is 4, not below --shard-count 4"),
        (None, 4, None, {JOB_COMPLETION_INDEX: "-1"}, r"is -1, not below --shard-count 4"),
        (None, 4, 4, {}, r"--shard-index 4 is not a 0-based .* \(0 \.\. 3\)"),
        (None, 0, None, ENV, r"--shard-count must be an integer >= 1, got 0"),
        (None, None, 1, {}, r"--shard-index I needs --shard-count N"),
        (Shard(3, 4), None, 2, {}, r"give either --shard K/N \(1-based\) or --shard-count N"),
        (Shard(3, 4), 8, None, {}, r"--shard 3/4 is one of 4 shards but --shard-count is 8"),
    ],
)
def test_inconsistent_options_are_refused_with_what_to_do(
    shard: Shard | None,
    count: int | None,
    index: int | None,
    environ: dict[str, str],
    message: str,
) -> None:
    with pytest.raises(ValueError, match=message):
        resolve_shard(shard, count, index, environ)


def test_of_index_is_the_zero_based_spelling() -> None:
    assert [Shard.of_index(i, 3) for i in range(3)] == [Shard(1, 3), Shard(2, 3), Shard(3, 3)]
    with pytest.raises(ValueError, match="between 0 and 2"):
        Shard.of_index(3, 3)


@pytest.mark.parametrize(
    ("argv", "environ", "message"),
    [
        (["--shard-count", "4"], {}, "--shard-count 4 needs this shard's 0-based index"),
        (["--shard-count", "4"], {JOB_COMPLETION_INDEX: "4"}, "$JOB_COMPLETION_INDEX is 4"),
        (["--shard", "3/4", "--shard-index", "2"], {}, "give either --shard K/N"),
        (["--shard-count", "0"], {}, "argument --shard-count: expected an integer >= 1"),
        (["--shard-index", "-1"], {}, "argument --shard-index: expected an integer >= 0"),
    ],
)
def test_the_command_exits_2_with_one_line_before_any_io(
    argv: list[str], environ: dict[str, str], message: str, tmp_path: Path
) -> None:
    # The database URL points at a closed port: the options are refused before it is tried.
    url = "postgresql://alice:sh4rd-pw@127.0.0.1:1/nowhere"
    proc = run_cli(
        "backfill", "--qdrant-path", str(tmp_path), "--database-url", url, *argv,
        env=clean_env(**environ),
    )  # fmt: skip
    assert proc.returncode == 2, proc.stderr
    assert message in proc.stderr
    assert "Traceback" not in proc.stderr and "sh4rd-pw" not in proc.stderr
    assert "unavailable" not in proc.stderr  # nothing was connected to


def _ids(dsn: str) -> set[str]:
    with psycopg.connect(dsn) as conn:
        return {r[0] for r in conn.execute("SELECT pattern_id::text FROM pattern_quality_metrics")}


def test_indexed_job_shards_write_disjoint_rows_that_cover_every_point(
    migrated_dsn: str, tmp_path: Path
) -> None:
    qdrant = make_big_qdrant(tmp_path / "q")  # 120 points in two collections
    common = ["backfill", "--qdrant-path", str(qdrant), "--database-url", migrated_dsn, "--quiet"]
    common += ["--collection", "code_patterns", "--collection", "execution_patterns"]
    first = run_cli(*common, "--shard-count", "2", env=clean_env(**{JOB_COMPLETION_INDEX: "0"}))
    assert first.returncode == 0, first.stderr
    shard_0 = _ids(migrated_dsn)
    assert 0 < len(shard_0) < 120
    assert all(Shard(1, 2).owns(i) for i in shard_0)
    second = run_cli(*common, "--shard-count", "2", "--shard-index", "1")
    assert second.returncode == 0, second.stderr
    both = _ids(migrated_dsn)
    assert len(both) == 120 and all(Shard(2, 2).owns(i) for i in both - shard_0)
