"""A PostgreSQL database for benchmark scripts: embedded, or PATTERN_QUALITY_TEST_DSN.

The embedded server keeps PostgreSQL's default durability settings (unlike the
test suite, which turns fsync off), so the numbers reflect a normal server.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import tempfile
import uuid
import warnings
from collections.abc import Iterator

import psycopg
from psycopg import sql
from psycopg.conninfo import make_conninfo

from pattern_quality.migrate import migrate


@contextlib.contextmanager
def bench_server() -> Iterator[str]:
    """Yield the maintenance DSN of a server: PATTERN_QUALITY_TEST_DSN or a new embedded one."""
    configured = os.environ.get("PATTERN_QUALITY_TEST_DSN")
    if configured:
        yield configured
        return
    with tempfile.TemporaryDirectory(prefix="pq-bench-") as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # platformdirs: no XDG_RUNTIME_DIR
        import pgserver

        server = pgserver.get_server(tmp, cleanup_mode="stop")  # type: ignore[attr-defined]
        try:
            yield server.get_uri()
        finally:
            server.cleanup()


_counter = itertools.count(1)


def create_database(server_dsn: str, prefix: str, *, migrated: bool = True) -> str:
    """Create a database named ``<prefix>_<pid>_<n>`` (migrated unless told otherwise).

    Returns:
        Its DSN; :func:`drop_databases` with the same prefix removes it.
    """
    name = f"{prefix}_{os.getpid()}_{next(_counter)}"
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    dsn = make_conninfo(server_dsn, dbname=name)
    if migrated:
        migrate(dsn)
    return dsn


def drop_databases(server_dsn: str, prefix: str) -> None:
    """Drop every database :func:`create_database` made in this process with ``prefix``."""
    with psycopg.connect(server_dsn, autocommit=True) as conn:
        names = conn.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s",
            (f"{prefix}_{os.getpid()}_%",),
        ).fetchall()
        for (name,) in names:
            drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
            conn.execute(drop.format(sql.Identifier(name)))


@contextlib.contextmanager
def bench_database(*, migrated: bool = True) -> Iterator[str]:
    """Yield the DSN of a fresh database (migrated unless told otherwise), dropped afterwards."""
    with bench_server() as server_dsn:
        prefix = f"pq_bench_{uuid.uuid4().hex[:12]}"
        try:
            yield create_database(server_dsn, prefix, migrated=migrated)
        finally:
            drop_databases(server_dsn, prefix)
