"""A PostgreSQL database for benchmark scripts: embedded, or PATTERN_QUALITY_TEST_DSN.

The embedded server keeps PostgreSQL's default durability settings (unlike the
test suite, which turns fsync off), so the numbers reflect a normal server.
"""

from __future__ import annotations

import contextlib
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
    import pgserver

    with tempfile.TemporaryDirectory(prefix="pq-bench-") as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        server = pgserver.get_server(tmp, cleanup_mode="stop")  # type: ignore[attr-defined]
        try:
            yield server.get_uri()
        finally:
            server.cleanup()


@contextlib.contextmanager
def bench_database(*, migrated: bool = True) -> Iterator[str]:
    """Yield the DSN of a fresh database (migrated unless told otherwise), dropped afterwards."""
    with bench_server() as server_dsn:
        name = f"pq_bench_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(server_dsn, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        dsn = make_conninfo(server_dsn, dbname=name)
        try:
            if migrated:
                migrate(dsn)
            yield dsn
        finally:
            with psycopg.connect(server_dsn, autocommit=True) as conn:
                drop = sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)")
                conn.execute(drop.format(sql.Identifier(name)))
