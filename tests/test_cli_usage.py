"""Command-line usage as a person types it, as real processes: options before or
after the command, did-you-mean suggestions, output closed early (``| head``)."""

from __future__ import annotations

import json
import subprocess
import sys

from pattern_quality.cli._app import EXIT_BROKEN_PIPE, build_parser
from pattern_quality.cli._parser import fill_global_defaults
from tests.cli_process import CLOSED, clean_env, run_cli


def test_database_url_before_the_command(empty_dsn: str) -> None:
    before = run_cli("--database-url", empty_dsn, "migrate", "--status")
    after = run_cli("migrate", "--status", "--database-url", empty_dsn)
    assert before.returncode == after.returncode == 0, before.stderr
    assert before.stdout == after.stdout
    assert "pending" in before.stdout


def test_global_options_before_reach_the_command_and_after_wins() -> None:
    parser = build_parser()
    args = fill_global_defaults(parser.parse_args(["--data-dir", "d1", "report"]))
    assert (args.data_dir, args.database_url) == ("d1", None)
    args = fill_global_defaults(
        parser.parse_args(["--database-url", "u1", "report", "--database-url", "u2"])
    )
    assert args.database_url == "u2"
    args = fill_global_defaults(parser.parse_args(["report"]))
    assert (args.data_dir, args.database_url) == (None, None)


def test_unreachable_url_before_the_command_is_masked() -> None:
    proc = run_cli("--database-url", CLOSED, "verify")
    assert proc.returncode == 2
    assert "alice@127.0.0.1:1" in proc.stderr
    assert "s3cret-pw" not in proc.stderr + proc.stdout
    assert "Traceback" not in proc.stderr and "invalid choice" not in proc.stderr


def test_mistyped_command_suggests_the_closest() -> None:
    proc = run_cli("verfy")
    assert proc.returncode == 2
    assert proc.stderr.splitlines()[-1].endswith("; did you mean 'verify'?")


def test_mistyped_option_suggests_the_closest_and_masks() -> None:
    proc = run_cli("migrate", "--databse-url", CLOSED)
    assert proc.returncode == 2
    last = proc.stderr.splitlines()[-1]
    assert last.endswith("did you mean '--database-url'?")
    assert "s3cret-pw" not in proc.stderr


def test_mistyped_choice_suggests_the_closest() -> None:
    proc = run_cli("score", "--rubric", "2.0", "x.py")
    assert proc.returncode == 2
    assert "did you mean '2.0.0'?" in proc.stderr


def test_nothing_close_gets_no_suggestion() -> None:
    proc = run_cli("zzzzzz")
    assert proc.returncode == 2
    assert "did you mean" not in proc.stderr
    assert "invalid choice: 'zzzzzz'" in proc.stderr


def _read_one_line_and_close(*args: str, stdin: str) -> tuple[str, int, str]:
    with subprocess.Popen(
        [sys.executable, "-m", "pattern_quality", *args],
        env=clean_env(),
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as proc:
        assert proc.stdin is not None and proc.stdout is not None and proc.stderr is not None
        proc.stdin.write(stdin)
        proc.stdin.close()
        first = proc.stdout.readline()
        proc.stdout.close()  # as `| head -1` does
        err = proc.stderr.read()
        return first, proc.wait(timeout=120), err


def test_output_closed_early_ends_quietly() -> None:
    patterns = [{"pattern_name": f"p{i}", "code": f"def f{i}():\n    pass\n"} for i in range(3000)]
    first, code, err = _read_one_line_and_close("score", "-", stdin=json.dumps(patterns))
    assert first.startswith("p0: ")
    assert code == EXIT_BROKEN_PIPE
    assert err == ""


def test_json_output_closed_early_ends_quietly() -> None:
    patterns = [{"pattern_name": f"p{i}", "code": "x = 1"} for i in range(3000)]
    first, code, err = _read_one_line_and_close("score", "--json", "-", stdin=json.dumps(patterns))
    assert first == "[\n"
    assert code == EXIT_BROKEN_PIPE
    assert err == ""
