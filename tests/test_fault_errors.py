"""Errors that say what happened, on a real role with hostile passwords (on a server of its own).

Classification by SQLSTATE and connection state: a wrong password is an
``AuthenticationError`` (never retried, exit 2, "authentication failed"), an
unknown database or a bad ``sslmode`` a ``DatabaseConfigurationError``, a value
too large (``54000``) a plain ``StoreError``; only connection loss and an
administrator shutdown are ``DatabaseUnavailableError`` and retried. Every
output channel (stdout, stderr, ``--json``, logging at DEBUG, exception text,
causes, tracebacks) is checked for every spelling of the password.
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import traceback
from collections.abc import Callable
from typing import Any

import psycopg
import pytest

from pattern_quality import (
    AuthenticationError,
    DatabaseConfigurationError,
    DatabaseUnavailableError,
    PatternQualityScorer,
    PostgresQualityStore,
    RetryPolicy,
    StoreError,
    backfill,
    migrate,
    verify,
)
from pattern_quality.backfill import BackfillError
from pattern_quality.errors import DriverError
from pattern_quality.storage._pg import classify
from tests.backfill_items import _mapping
from tests.fault_server import FaultServer

pytestmark = pytest.mark.timeout(120)

HOSTILE_PASSWORDS = ["S3cr3t%zz", "p@ss/x", "Zq9x spacedpw Wp5k", "qu'ote\\d"]
SCORER = PatternQualityScorer(explain=False)
PATTERN = {"pattern_id": "7f1c9b3e-2b1a-4c1e-9a51-1d2f3e4a5b6c", "code": "x = 1"}


def _spellings(password: str) -> list[str]:
    from urllib.parse import quote

    words = [w for w in password.split() if len(w) >= 4]
    return [password, quote(password, safe=""), *words]


def _everything(exc: BaseException) -> str:
    parts: list[str] = []
    cur: BaseException | None = exc
    while cur is not None:
        parts += [str(cur), repr(cur)]
        cur = cur.__cause__ or (None if cur.__suppress_context__ else cur.__context__)
    return "\n".join([*parts, "".join(traceback.format_exception(exc))])


def _clean(text: str, password: str) -> None:
    for spelling in _spellings(password):
        assert spelling not in text, f"{spelling!r} leaked: {text}"


@pytest.mark.parametrize("password", HOSTILE_PASSWORDS)
def test_hostile_passwords_work_when_written_correctly(
    fault_pg: FaultServer, password: str
) -> None:
    fault_pg.create_role("pq", password, "pqdb")
    for dsn in (fault_pg.url("pq", password, "pqdb"), fault_pg.conninfo("pq", password, "pqdb")):
        report = migrate(dsn)
        assert report.database == f"postgresql://pq@127.0.0.1:{fault_pg.port}/pqdb"
        with PostgresQualityStore(dsn) as store:
            assert store.upsert(SCORER.score_pattern(PATTERN)) in (0, 1)
            assert store.count() == 1


@pytest.mark.parametrize("password", HOSTILE_PASSWORDS)
def test_a_wrong_password_is_an_authentication_error_everywhere(
    fault_pg: FaultServer, password: str
) -> None:
    fault_pg.create_role("pq", password, "pqdb")
    migrate(fault_pg.url("pq", password, "pqdb"))
    wrong = password + "X"
    for dsn in (fault_pg.url("pq", wrong, "pqdb"), fault_pg.conninfo("pq", wrong, "pqdb")):
        store = PostgresQualityStore(dsn, timeout=5)
        calls: list[Callable[[], object]] = [
            store.open,
            functools.partial(migrate, dsn),
            functools.partial(verify, dsn),
            functools.partial(
                SCORER.store_quality_metrics_sync, SCORER.score_pattern(PATTERN), dsn
            ),
        ]
        for call in calls:
            with pytest.raises(AuthenticationError, match="authentication failed") as info:
                call()
            assert not RetryPolicy.is_transient(info.value)
            assert isinstance(info.value.__cause__, DriverError)
            _clean(_everything(info.value), wrong)
        store.close()


def test_an_authentication_error_is_not_retried_by_the_backfill(fault_pg: FaultServer) -> None:
    fault_pg.create_role("pq", "right-pw", "pqdb")
    migrate(fault_pg.url("pq", "right-pw", "pqdb"))

    class Counting:
        def __init__(self) -> None:
            self.inner = PostgresQualityStore(fault_pg.url("pq", "wrong-pw", "pqdb"), timeout=5)
            self.calls = 0

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

        def upsert(self, scores: Any) -> int:
            self.calls += 1
            return self.inner.upsert(scores)

    store = Counting()
    with pytest.raises(BackfillError) as info:
        backfill([_mapping(i) for i in range(3)], store, retry=RetryPolicy(4, 0, 1, 0))
    assert isinstance(info.value.__cause__, AuthenticationError)
    assert (store.calls, info.value.report.retries) == (1, 0)
    store.inner.close()


def test_settings_errors_are_configuration_errors(fault_pg: FaultServer) -> None:
    fault_pg.create_role("pq", "pw-1234", "pqdb")
    for dsn, words in [
        (fault_pg.url("pq", "pw-1234", "nodb"), "does not exist"),
        (fault_pg.url("pq", "pw-1234", "pqdb") + "?sslmode=require", "SSL"),
        (fault_pg.url("pq", "pw-1234", "pqdb") + "?sslmode=bogus", "sslmode"),
    ]:
        with pytest.raises(DatabaseConfigurationError, match=words) as info:
            migrate(dsn)
        assert not isinstance(info.value, AuthenticationError | DatabaseUnavailableError)
        assert not RetryPolicy.is_transient(info.value)
        _clean(_everything(info.value), "pw-1234")


def test_sqlstates_are_classified_from_real_server_errors(fault_pg: FaultServer) -> None:
    fault_pg.create_role("pq", "pw-1234", "pqdb")
    with psycopg.connect(fault_pg.url("pq", "pw-1234", "pqdb"), autocommit=True) as conn:
        with pytest.raises(psycopg.Error) as too_large:
            conn.execute("SELECT repeat('x', 1100000000)")
        assert too_large.value.sqlstate == "54000"
        assert classify(too_large.value) is StoreError
        with psycopg.connect(fault_pg.admin_dsn(), autocommit=True) as admin:
            admin.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename='pq'"
            )
        with pytest.raises(psycopg.Error) as shutdown:
            conn.execute("SELECT 1")
    assert shutdown.value.sqlstate == "57P01"
    assert classify(shutdown.value) is DatabaseUnavailableError


def _cli(fault_pg: FaultServer, *args: str, env: dict[str, str] | None = None) -> Any:
    return subprocess.run(
        [sys.executable, "-m", "pattern_quality", *args],
        capture_output=True,
        text=True,
        timeout=90,
        env={
            "PATH": os.environ.get("PATH", "/usr/bin"),
            "PATTERN_QUALITY_EMBEDDED": "0",
            **(env or {}),
        },
    )


@pytest.mark.parametrize("password", ["S3cr3t%zz", "p@ss/x", "Zq9x spacedpw Wp5k"])
def test_cli_with_hostile_passwords_as_a_real_process(fault_pg: FaultServer, password: str) -> None:
    fault_pg.create_role("pq", password, "pqdb")
    good = fault_pg.url("pq", password, "pqdb")
    ok = _cli(fault_pg, "migrate", "--database-url", good)
    assert ok.returncode == 0, ok.stderr
    _clean(ok.stdout + ok.stderr, password)
    cases = [
        (fault_pg.url("pq", password + "X", "pqdb"), "authentication failed"),
        (fault_pg.conninfo("pq", password + "X", "pqdb"), "authentication failed"),
        (fault_pg.url("pq", password, "pqdb", encode=False), "invalid database URL"),
    ]
    for dsn, words in cases:
        runs = [
            (["verify", "--json", "--database-url", dsn], None),
            (["migrate", "--status"], {"PATTERN_QUALITY_DATABASE_URL": dsn}),
            (["report", "--json", "--database-url", dsn], None),
        ]
        for args, env in runs:
            proc = _cli(fault_pg, *args, env=env)
            assert proc.returncode == 2, (args, proc.stdout, proc.stderr)
            assert words in proc.stderr
            assert len(proc.stderr.strip().splitlines()) == 1, proc.stderr
            assert "Traceback" not in proc.stderr
            _clean(proc.stdout + proc.stderr, password)
            _clean(proc.stdout + proc.stderr, password + "X")


def test_debug_logging_never_shows_the_password(fault_pg: FaultServer) -> None:
    fault_pg.create_role("pq", "p@ss/x", "pqdb")
    script = (
        "import logging, sys\n"
        "logging.basicConfig(level=logging.DEBUG, stream=sys.stderr)\n"
        "from pattern_quality import PostgresQualityStore, migrate, PatternQualityError\n"
        "for dsn in sys.argv[1:]:\n"
        "    try:\n"
        "        migrate(dsn)\n"
        "        with PostgresQualityStore(dsn, timeout=3) as s: s.count()\n"
        "    except PatternQualityError as exc:\n"
        "        logging.getLogger('test').exception('failed: %s', exc)\n"
    )
    dsns = [
        fault_pg.url("pq", "p@ss/x", "pqdb"),
        fault_pg.url("pq", "p@ss/xX", "pqdb"),
        fault_pg.url("pq", "p@ss/x", "pqdb", encode=False),
    ]
    proc = subprocess.run(
        [sys.executable, "-c", script, *dsns], capture_output=True, text=True, timeout=90
    )
    assert proc.returncode == 0, proc.stderr
    assert "failed:" in proc.stderr  # the failures were logged, with their tracebacks
    _clean(proc.stdout + proc.stderr, "p@ss/x")
