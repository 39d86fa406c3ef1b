"""``pattern-quality completion bash|zsh``: the script, exercised in a real bash."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from tests.cli_process import run_cli

BASH = shutil.which("bash")


def _complete(script: str, *words: str) -> list[str]:
    """Source ``script`` in bash, complete ``words`` (the last is being typed)."""
    assert BASH is not None
    line = " ".join(f"'{w}'" for w in words)
    program = (
        f"{script}\n"
        f"COMP_WORDS=(pattern-quality {line}); COMP_CWORD={len(words)}\n"
        "_pattern_quality\n"
        'printf "%s\\n" "${COMPREPLY[@]}"\n'
    )
    proc = subprocess.run(
        [BASH, "--norc", "--noprofile"], input=program, capture_output=True, text=True, check=True
    )
    return proc.stdout.split()


@pytest.fixture(scope="module")
def bash_script() -> str:
    proc = run_cli("completion", "bash")
    assert proc.returncode == 0, proc.stderr
    return proc.stdout


@pytest.mark.skipif(BASH is None, reason="bash is not installed")
def test_bash_completes_commands_options_and_choices(bash_script: str) -> None:
    assert bash_script.rstrip().endswith("complete -F _pattern_quality pattern-quality")
    assert _complete(bash_script, "mig") == ["migrate"]
    assert set(_complete(bash_script, "")) >= {"migrate", "verify", "backfill", "score"}
    assert _complete(bash_script, "migrate", "--d") == [
        "--database-url",
        "--data-dir",
        "--down",
        "--dry-run",
    ]
    assert _complete(bash_script, "score", "--rubric", "2") == ["2.0.0"]
    assert _complete(bash_script, "--database-url", "x", "backfill", "--collection", "arch") == [
        "archon_vectors"
    ]
    assert _complete(bash_script, "completion", "z") == ["zsh"]


def test_zsh_script_loads_the_bash_one_through_bashcompinit(bash_script: str) -> None:
    proc = run_cli("completion", "zsh")
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[1] == "autoload -U +X bashcompinit && bashcompinit"
    assert lines[2:] == bash_script.splitlines()[1:]


def test_unknown_shell_is_a_usage_error() -> None:
    proc = run_cli("completion", "fish")
    assert proc.returncode == 2
    assert "invalid choice: 'fish'" in proc.stderr
