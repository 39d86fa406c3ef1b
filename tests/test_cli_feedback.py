"""Feedback while ``pattern-quality backfill`` works (issue 13, item 9), as real processes.

stderr is a pseudo-terminal (``os.openpty``) where a person would see it:
"connecting to ..." appears when connecting is slow (a listening socket on
127.0.0.1 that never answers), never with a password, never on a pipe, never
with ``--quiet``; the progress bar is labelled with the collection and the
stored / failed counts; a library's warning is one plain line.
"""

from __future__ import annotations

import fcntl
import os
import re
import select
import socket
import struct
import subprocess
import sys
import termios
import warnings
from collections.abc import Iterator
from pathlib import Path

import pytest
from qdrant_client import QdrantClient

from tests import qdrant_data as data
from tests.cli_backfill_runs import make_big_qdrant, make_qdrant
from tests.cli_process import clean_env

PASSWORD = "tty-pw-S3cret-4242"
_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


@pytest.fixture
def silent_db() -> Iterator[str]:
    """A PostgreSQL URL (with a password) on a 127.0.0.1 socket that accepts and never answers."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.listen(8)  # the kernel completes the handshake; nobody ever reads or replies
        port = sock.getsockname()[1]
        yield f"postgresql://alice:{PASSWORD}@127.0.0.1:{port}/pqdb?connect_timeout=3"


def run_on_tty(*args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Run the command, stderr on a pseudo-terminal (120 columns): code, stdout, stderr."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
    proc = subprocess.Popen(
        [sys.executable, "-m", "pattern_quality", *args],
        env=clean_env() if env is None else env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=slave,
    )
    os.close(slave)
    chunks: list[bytes] = []
    assert proc.stdout is not None
    out_fd = proc.stdout.fileno()
    out: list[bytes] = []
    open_fds = {master, out_fd}
    while open_fds:
        ready, _, _ = select.select(list(open_fds), [], [], 120)
        assert ready, "the command hung"
        for fd in ready:
            try:
                data_ = os.read(fd, 65536)
            except OSError:  # EIO: the terminal's other side is closed
                data_ = b""
            if not data_:
                open_fds.discard(fd)
            else:
                (chunks if fd == master else out).append(data_)
    os.close(master)
    code = proc.wait(timeout=120)
    proc.stdout.close()
    err = _ANSI.sub("", b"".join(chunks).decode("utf-8", "replace")).replace("\r", "\n")
    return code, b"".join(out).decode(), err


def test_connecting_is_announced_on_a_terminal_without_the_password(
    silent_db: str, tmp_path: Path
) -> None:
    qdrant = make_qdrant(tmp_path / "q")
    code, _, err = run_on_tty("backfill", "--qdrant-path", str(qdrant), "--database-url", silent_db)
    assert code == 2, err
    port = silent_db.split(":")[3].split("/")[0]
    assert (
        f"pattern-quality: connecting to PostgreSQL at postgresql://alice@127.0.0.1:{port}/pqdb …"
        in err
    )
    assert err.count("connecting to") == 1
    assert "pattern-quality: error:" in err
    assert PASSWORD not in err and "Traceback" not in err


def test_no_connecting_line_on_a_pipe_or_with_quiet(silent_db: str, tmp_path: Path) -> None:
    qdrant = make_qdrant(tmp_path / "q")
    argv = [sys.executable, "-m", "pattern_quality", "backfill", "--qdrant-path", str(qdrant)]
    argv += ["--database-url", silent_db]
    piped = subprocess.run(argv, env=clean_env(), capture_output=True, text=True, timeout=120)
    assert piped.returncode == 2
    assert "connecting" not in piped.stderr
    assert piped.stderr.count("\n") == 1 and PASSWORD not in piped.stderr
    code, _, err = run_on_tty(*argv[3:], "--quiet")
    assert code == 2
    assert "connecting" not in err and "pattern-quality: error:" in err


def test_a_fast_connection_shows_no_connecting_line(migrated_dsn: str, tmp_path: Path) -> None:
    qdrant = make_qdrant(tmp_path / "q")
    code, out, err = run_on_tty(
        "backfill", "--qdrant-path", str(qdrant), "--database-url", migrated_dsn,
        "--collection", "code_patterns",
    )  # fmt: skip
    # The embedded test server answers in milliseconds: well under the notice delay.
    assert code in (0, 1), err
    assert "connecting to PostgreSQL" not in err
    assert "backfill of code_patterns" in out


def test_the_progress_bar_names_the_collection_and_the_counts(
    migrated_dsn: str, tmp_path: Path
) -> None:
    qdrant = make_big_qdrant(tmp_path / "q")  # 90 code_patterns, then 30 execution_patterns
    code, out, err = run_on_tty(
        "backfill", "--qdrant-path", str(qdrant), "--database-url", migrated_dsn,
        "--collection", "code_patterns", "--collection", "execution_patterns",
        "--batch-size", "10", "--workers", "1",
    )  # fmt: skip
    assert code == 0, err
    stored = int(re.search(r"stored\s+([\d,]+)", out)[1].replace(",", ""))  # type: ignore[index]
    assert stored == 120
    bars = [line for line in err.splitlines() if "pattern/s" in line or "%|" in line]
    assert any(line.startswith("code_patterns:") for line in bars), err
    assert any(line.startswith("execution_patterns:") for line in bars), err
    assert re.search(r"stored [1-9][\d,]*, failed 0", err), err
    final = bars[-1]
    assert final.startswith("execution_patterns: 100%") and "stored 120, failed 0" in final, err
    assert "120/120" in final


def test_a_library_warning_is_one_plain_line(tmp_path: Path) -> None:
    # qdrant-client warns (warnings.warn) when local mode opens more than 20,000 points.
    path = tmp_path / "big"
    with warnings.catch_warnings():  # the warning under test, raised here too
        warnings.simplefilter("ignore", UserWarning)
        client = QdrantClient(path=str(path))
        data.populate_many(client, "code_patterns", 20_001)
        client.close()
    argv = ["backfill", "--qdrant-path", str(path), "--collection", "code_patterns"]
    argv += ["--dry-run", "--limit", "5", "--workers", "1"]
    code, _, err = run_on_tty(*argv)
    assert code == 0, err
    lines = [line for line in err.splitlines() if "Local mode is not recommended" in line]
    assert len(lines) == 1, err
    assert lines[0].startswith("pattern-quality: warning: Local mode is not recommended for ")
    assert "UserWarning" not in err and ".py:" not in err and "show_warning" not in err
    code, _, err = run_on_tty(*argv, "--quiet")
    assert code == 0 and "warning" not in err, err


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        (
            ("url", "https://bob:qd-S3cret@qdrant.example:6333/x?api_key=k"),
            "https://qdrant.example:6333",
        ),
        (("url", "http://127.0.0.1:6333"), "http://127.0.0.1:6333"),
        (("path", "store/qdrant"), "store/qdrant"),
    ],
)
def test_the_qdrant_notice_names_the_target_without_secrets(
    target: tuple[str, str], expected: str
) -> None:
    # Connecting to a silent Qdrant takes three request timeouts: checked here, not as a process.
    from pattern_quality.cli.backfill import _qdrant_notice

    notice = _qdrant_notice(target)
    assert expected in notice and notice.endswith(" …")
    assert "S3cret" not in notice and "bob" not in notice and "api_key" not in notice
