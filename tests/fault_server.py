"""A PostgreSQL instance of a test's own, for fault tests: freeze, stop, restart it.

The shared test server (``pg_server_dsn``) is never frozen or stopped: a fault
test starts its own cluster with the binaries pgserver ships, listening on
127.0.0.1 on a free port with password (SCRAM) authentication for TCP and
trust on its Unix socket (used only by the test for setup). :meth:`FaultServer.freeze`
stops the postmaster and every backend (SIGSTOP) and :meth:`FaultServer.thaw`
continues them.
"""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import tempfile
import time
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import psutil  # type: ignore[import-untyped]
import psycopg
from psycopg import sql

#: Seconds any start or stop of the fault server may take before the test fails.
START_TIMEOUT = 60.0


def _bin_dir() -> Path:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pgserver

    return Path(pgserver.__file__).parent / "pginstall" / "bin"


def _run_as() -> str | None:
    # initdb and postgres refuse to run as root: use pgserver's system user then.
    if os.geteuid() != 0:
        return None
    from pgserver.utils import ensure_user_exists

    ensure_user_exists("pgserver")
    return "pgserver"


def free_port() -> int:
    """Return a TCP port on 127.0.0.1 that nothing listens on (closed at once)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class FaultServer:
    """One PostgreSQL cluster owned by a test (see the module docstring)."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.sock = root / "sock"
        self.port = free_port()
        self._proc: subprocess.Popen[bytes] | None = None
        self._frozen = False
        self._stopped: list[int] = []
        self._user = _run_as()
        self.sock.mkdir(parents=True, exist_ok=True)
        if self._user is not None:
            import shutil

            root.chmod(0o755)
            for path in (root, self.sock):
                shutil.chown(path, self._user)
        subprocess.run(
            [
                str(_bin_dir() / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth-local=trust",
                "--auth-host=scram-sha-256",
                "-E",
                "UTF8",
            ],
            check=True,
            capture_output=True,
            timeout=START_TIMEOUT,
            user=self._user,
        )
        self.start()

    # -- life cycle -----------------------------------------------------------------

    def start(self) -> None:
        """Start the postmaster (again) and wait until it accepts connections."""
        log = open(self.root / "server.log", "ab")  # noqa: SIM115 - kept by the process
        self._proc = subprocess.Popen(
            [
                str(_bin_dir() / "postgres"),
                "-D",
                str(self.data),
                "-p",
                str(self.port),
                "-c",
                "listen_addresses=127.0.0.1",
                "-c",
                f"unix_socket_directories={self.sock}",
                "-c",
                "fsync=off",
                "-c",
                "max_connections=40",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            user=self._user,
            start_new_session=True,  # its own process group: freeze() reaches every backend
        )
        log.close()
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                psycopg.connect(self.admin_dsn(), connect_timeout=2).close()
                return
            except psycopg.OperationalError:
                if time.monotonic() > deadline or self._proc.poll() is not None:
                    raise RuntimeError(
                        f"fault server did not start: {(self.root / 'server.log').read_text()}"
                    ) from None
                time.sleep(0.1)

    def stop(self, mode: signal.Signals = signal.SIGINT) -> None:
        """Stop the postmaster (SIGINT: fast shutdown, clients see admin shutdown)."""
        if self._proc is None:
            return
        self.thaw()
        with contextlib.suppress(ProcessLookupError):
            self._proc.send_signal(mode)
        try:
            self._proc.wait(timeout=START_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(self._proc.pid, signal.SIGKILL)
            self._proc.wait(timeout=START_TIMEOUT)
        self._proc = None

    def restart(self) -> None:
        """Fast shutdown, then start on the same port and data directory."""
        self.stop()
        self.start()

    def freeze(self) -> None:
        """SIGSTOP the postmaster and every backend: connections hang, nothing answers.

        Backends call ``setsid()``, so they are not in the postmaster's process
        group: each child is stopped by pid (the stopped postmaster forks no more).
        """
        assert self._proc is not None
        os.kill(self._proc.pid, signal.SIGSTOP)
        self._stopped = [self._proc.pid]
        for child in psutil.Process(self._proc.pid).children(recursive=True):
            with contextlib.suppress(psutil.Error, ProcessLookupError):
                os.kill(child.pid, signal.SIGSTOP)
                self._stopped.append(child.pid)
        self._frozen = True

    def thaw(self) -> None:
        """SIGCONT what :meth:`freeze` stopped."""
        if self._frozen:
            for pid in reversed(self._stopped):
                with contextlib.suppress(ProcessLookupError):
                    os.kill(pid, signal.SIGCONT)
        self._frozen = False

    @contextlib.contextmanager
    def frozen(self) -> Iterator[None]:
        """Freeze the server for the ``with`` block, thawing it whatever happens."""
        self.freeze()
        try:
            yield
        finally:
            self.thaw()

    # -- connection strings ----------------------------------------------------------

    def admin_dsn(self, dbname: str = "postgres") -> str:
        """Superuser over the Unix socket (trust): for the test's own setup only."""
        return f"host={self.sock} port={self.port} user=postgres dbname={dbname}"

    def create_role(self, user: str, password: str, dbname: str = "postgres") -> None:
        """Create a login role with ``password`` owning database ``dbname`` (created if new)."""
        with psycopg.connect(self.admin_dsn(), autocommit=True) as conn:
            conn.execute(
                sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
                    sql.Identifier(user), sql.Literal(password)
                )
            )
            if dbname != "postgres":
                conn.execute(
                    sql.SQL("CREATE DATABASE {} OWNER {}").format(
                        sql.Identifier(dbname), sql.Identifier(user)
                    )
                )

    def url(
        self, user: str, password: str, dbname: str = "postgres", *, encode: bool = True
    ) -> str:
        """A URL over TCP; ``encode=False`` leaves the password as typed (maybe invalid)."""
        pw = quote(password, safe="") if encode else password
        return f"postgresql://{user}:{pw}@127.0.0.1:{self.port}/{dbname}"

    def conninfo(self, user: str, password: str, dbname: str = "postgres") -> str:
        """A keyword/value connection string over TCP, the password quoted as libpq wants."""
        escaped = password.replace("\\", "\\\\").replace("'", "\\'")
        return f"host=127.0.0.1 port={self.port} user={user} password='{escaped}' dbname={dbname}"

    def close(self) -> None:
        """Stop the server for good."""
        self.stop(signal.SIGQUIT)


@contextlib.contextmanager
def fault_server() -> Iterator[FaultServer]:
    """A fresh :class:`FaultServer` in a temporary directory, stopped and removed after."""
    with tempfile.TemporaryDirectory(prefix="pq-fault-pg-") as tmp:
        server = FaultServer(Path(tmp))
        try:
            yield server
        finally:
            server.close()
