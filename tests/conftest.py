"""Shared fixtures: a real PostgreSQL server and one fresh database per test.

The server is an embedded PostgreSQL started with ``pgserver`` in a temporary
directory, unless ``PATTERN_QUALITY_TEST_DSN`` names an existing server (the role
must be allowed to CREATE DATABASE). A database test never skips: if no server
can be had, it fails and says how to get one.

Every test that uses a server fixture (:data:`SERVER_FIXTURES`, directly or
through another fixture) is marked ``db`` automatically, so ``pytest -m "not db"``
runs the pure tests with no server at all. A fixture that asks for a database
only for some of its parameters (``request.getfixturevalue``) marks those
parameters itself: ``pytest.param("postgres", marks=pytest.mark.db)``.
Coroutine tests run on asyncio through anyio's plugin: ``@pytest.mark.anyio``.
"""

from __future__ import annotations

import itertools
import os
import tempfile
import warnings
from collections.abc import Iterator
from pathlib import Path

import psycopg
import pytest
from hypothesis import HealthCheck, settings
from psycopg import sql
from psycopg.conninfo import make_conninfo

from tests.fault_server import FaultServer, fault_server

TEST_DSN_ENV = "PATTERN_QUALITY_TEST_DSN"
#: Fixtures that need a PostgreSQL server: a test using any of them is marked ``db``.
SERVER_FIXTURES = frozenset({"pg_server_dsn", "embedded_server_dir", "fault_pg"})
_HOW_TO = (
    "the tests need PostgreSQL: install the test extra (pip install -e '.[dev]', which "
    "brings pgserver for an embedded server) or set PATTERN_QUALITY_TEST_DSN to a "
    "server where this role may CREATE DATABASE"
)
_counter = itertools.count()

# No timing in tests: Hypothesis' per-example deadline and its "too slow" health
# check are timings, and the machines running the suite are shared and noisy.
settings.register_profile(
    "pattern_quality", deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
settings.load_profile("pattern_quality")


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark ``db`` every test that uses a server fixture (see the module docstring)."""
    for item in items:
        if SERVER_FIXTURES.intersection(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.db)


@pytest.fixture(scope="session")
def pg_server_dsn() -> Iterator[str]:
    """DSN of the maintenance database of the test server (embedded or configured)."""
    configured = os.environ.get(TEST_DSN_ENV)
    if configured:
        try:
            psycopg.connect(configured, connect_timeout=10).close()
        except psycopg.Error as exc:
            pytest.fail(f"{TEST_DSN_ENV} is set but unusable ({exc}); {_HOW_TO}", pytrace=False)
        yield configured
        return
    try:
        import pgserver

        # Not under pytest's basetemp: a concurrent pytest session rotates that away.
        data_dir = Path(tempfile.mkdtemp(prefix="pq-test-pg-"))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", UserWarning)  # platformdirs: no XDG_RUNTIME_DIR
            server = pgserver.get_server(data_dir, cleanup_mode="delete")  # type: ignore[attr-defined]
        dsn = server.get_uri()
        with psycopg.connect(dsn, autocommit=True) as conn:
            # Durability is not under test; these make the suite much faster.
            conn.execute("ALTER SYSTEM SET fsync = off")
            conn.execute("ALTER SYSTEM SET synchronous_commit = off")
            conn.execute("ALTER SYSTEM SET full_page_writes = off")
            conn.execute("SELECT pg_reload_conf()")
    except Exception as exc:  # any failure to start must fail loudly, never skip
        pytest.fail(f"could not start an embedded PostgreSQL ({exc!r}); {_HOW_TO}", pytrace=False)
    yield dsn
    server.cleanup()


def _create_database(server_dsn: str, prefix: str, template: str = "template0") -> str:
    name = f"pqtest_{prefix}_{os.getpid()}_{next(_counter)}"
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(
            sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                sql.Identifier(name), sql.Identifier(template)
            )
        )
    return name


def _drop_database(server_dsn: str, name: str) -> None:
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )


@pytest.fixture
def empty_dsn(pg_server_dsn: str) -> Iterator[str]:
    """DSN of a new, empty database, dropped after the test."""
    name = _create_database(pg_server_dsn, "empty")
    yield make_conninfo(pg_server_dsn, dbname=name)
    _drop_database(pg_server_dsn, name)


@pytest.fixture(scope="session")
def _migrated_template(pg_server_dsn: str) -> Iterator[str]:
    from pattern_quality.migrate import migrate

    name = _create_database(pg_server_dsn, "template")
    migrate(make_conninfo(pg_server_dsn, dbname=name))
    yield name
    _drop_database(pg_server_dsn, name)


@pytest.fixture
def migrated_dsn(pg_server_dsn: str, _migrated_template: str) -> Iterator[str]:
    """DSN of a new database with every migration applied, dropped after the test."""
    name = _create_database(pg_server_dsn, "db", template=_migrated_template)
    yield make_conninfo(pg_server_dsn, dbname=name)
    _drop_database(pg_server_dsn, name)


@pytest.fixture
def embedded_server_dir(tmp_path: Path) -> Path:
    """A data directory in which the test itself starts an embedded PostgreSQL."""
    return tmp_path


@pytest.fixture
def fault_pg() -> Iterator[FaultServer]:
    """A PostgreSQL of the test's own (tests/fault_server.py): freeze, stop, restart it."""
    try:
        server_cm = fault_server()
        server = server_cm.__enter__()
    except Exception as exc:  # never skip: fail and say how to get a server
        pytest.fail(f"could not start a fault-test PostgreSQL ({exc!r}); {_HOW_TO}", pytrace=False)
    try:
        yield server
    finally:
        server_cm.__exit__(None, None, None)


@pytest.fixture
def anyio_backend() -> str:
    """Run ``@pytest.mark.anyio`` tests on asyncio (the only backend the library supports)."""
    return "asyncio"


@pytest.fixture(autouse=True)
def _no_accidental_embedded_server(monkeypatch: pytest.MonkeyPatch) -> None:
    """Keep the CLI's embedded default off unless a test turns it on (in a temp dir)."""
    monkeypatch.setenv("PATTERN_QUALITY_EMBEDDED", "0")
