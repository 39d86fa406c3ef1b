"""Masking by construction: no output channel ever shows a password or an API key.

Hostile passwords (an unencoded ``%``, ``@``, ``/``, a space), key/value
connection strings and malformed hosts, through every door that takes a
connection string: the store constructors, ``open``, ``migrate``, ``verify``, the
scorer's ``store_quality_metrics_sync``, and the CLI (in this process and as a
real subprocess). Each checks ``str``, ``repr``, the ``__cause__`` chain and the
printed traceback. No server is needed: every target is a closed port or does
not parse (the real-role cases are in ``test_fault_errors.py``).
"""

from __future__ import annotations

import subprocess
import sys
import traceback
from collections.abc import Callable

import pytest

from pattern_quality import (
    ConfigurationError,
    DatabaseConfigurationError,
    DatabaseUnavailableError,
    PatternQualityError,
    PatternQualityScorer,
    PostgresQualityStore,
    migrate,
    verify,
)
from pattern_quality._config import describe_dsn, describe_url, scrub_secrets, secrets_of
from pattern_quality.cli import main
from pattern_quality.sources.qdrant import QdrantPatternSource
from tests.fault_server import free_port

PORT = free_port()  # closed: nothing listens on it
API_KEY = "qk-Secret-99"
#: (connection string, the secret words none of which may ever be printed).
HOSTILE = [
    (f"postgresql://pq:S3cr3t%zz@127.0.0.1:{PORT}/db", ["S3cr3t%zz", "S3cr3t"]),
    (f"postgresql://pq:p@ss/x@127.0.0.1:{PORT}/db", ["p@ss/x", "ss/x"]),
    (f"postgresql://pq:with space secret@127.0.0.1:{PORT}/db", ["with space", "secret"]),
    (f"host=127.0.0.1 port={PORT} password=S3cr3t more words dbname=db", ["S3cr3t", "more"]),
    (f"host=127.0.0.1 port={PORT} password='S3cr3t more' dbname=db", ["S3cr3t"]),
    ("postgresql://pq:Hunter22@[::1/db", ["Hunter22"]),
    ("postgresql://pq:Hunter22@[::1:5432/db", ["Hunter22"]),
    (f"postgresql://pq@127.0.0.1:{PORT}/db?password=Qpass99", ["Qpass99"]),
    (f"postgresql://pq:Plain-pw9@127.0.0.1:{PORT}/db", ["Plain-pw9"]),
]
IDS = [f"dsn{i}" for i in range(len(HOSTILE))]
PATTERN = {"pattern_id": "7f1c9b3e-2b1a-4c1e-9a51-1d2f3e4a5b6c", "code": "x = 1"}


def _all_text(exc: BaseException) -> str:
    """Everything an exception can show: str, repr, each cause, the printed traceback."""
    parts, seen = [], exc
    cur: BaseException | None = seen
    while cur is not None:
        parts += [str(cur), repr(cur)]
        cur = cur.__cause__ or (None if cur.__suppress_context__ else cur.__context__)
    parts.append("".join(traceback.format_exception(exc)))
    return "\n".join(parts)


def _assert_clean(text: str, secrets: list[str]) -> None:
    for secret in secrets:
        assert secret not in text, f"{secret!r} leaked in: {text}"


def _raises(call: Callable[[], object]) -> BaseException:
    with pytest.raises(PatternQualityError) as info:
        call()
    return info.value


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("dsn", "secrets"), HOSTILE, ids=IDS)
def test_library_errors_never_show_the_password(dsn: str, secrets: list[str]) -> None:
    def store_open() -> None:
        store = PostgresQualityStore(dsn, timeout=2)
        try:
            _assert_clean(repr(store), secrets)
            store.open()
        finally:
            store.close()

    calls: list[Callable[[], object]] = [
        store_open,
        lambda: migrate(dsn, connect_timeout=2),
        lambda: verify(dsn, connect_timeout=2),
        lambda: PatternQualityScorer().store_quality_metrics_sync(
            PatternQualityScorer().score_pattern(PATTERN), dsn
        ),
    ]
    for call in calls:
        exc = _raises(call)
        assert isinstance(exc, DatabaseUnavailableError | ConfigurationError)
        _assert_clean(_all_text(exc), secrets)


@pytest.mark.parametrize(
    "dsn",
    [d for d, _ in HOSTILE if "Plain" not in d and "Qpass" not in d and "'" not in d],
)
def test_a_string_that_does_not_parse_is_refused_with_a_hint(dsn: str) -> None:
    with pytest.raises(DatabaseConfigurationError) as info:
        PostgresQualityStore(dsn)
    assert "percent-encode" in str(info.value)
    assert info.value.__cause__ is None  # libpq's parse message quotes the string


@pytest.mark.parametrize(("dsn", "secrets"), HOSTILE, ids=IDS)
def test_descriptions_and_scrubbing(dsn: str, secrets: list[str]) -> None:
    _assert_clean(describe_dsn(dsn), secrets)
    found = secrets_of(dsn)
    assert any(secrets[0] in s for s in found)
    _assert_clean(scrub_secrets(f"driver said: {dsn} / {secrets[0]}", dsn), secrets[:1])


def test_describe_keeps_the_useful_parts() -> None:
    assert describe_dsn("postgresql://app:pw@db.example:6543/quality") == (
        "postgresql://app@db.example:6543/quality"
    )
    assert describe_dsn("host=::1 port=5 user=u password=x dbname=d") == "postgresql://u@[::1]:5/d"
    assert describe_url("http://admin:K3y%zz@127.0.0.1:6333/path?api-key=k") == (
        "http://127.0.0.1:6333"
    )


@pytest.mark.timeout(60)
@pytest.mark.parametrize(("dsn", "secrets"), HOSTILE, ids=IDS)
@pytest.mark.parametrize("command", [["migrate"], ["verify"], ["migrate", "--status"]])
def test_cli_prints_one_masked_line_and_exits_2(
    dsn: str, secrets: list[str], command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert main([*command, "--database-url", dsn]) == 2
    out, err = capsys.readouterr()
    _assert_clean(out + err, secrets)
    assert err.startswith("pattern-quality: error: ")
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize(("dsn", "secrets"), HOSTILE, ids=IDS)
def test_cli_usage_errors_never_show_the_password(
    dsn: str, secrets: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    # A mistyped option: argparse quotes the unrecognised words.
    assert main(["migrate", "--databse-url", dsn]) == 2
    _assert_clean("".join(capsys.readouterr()), secrets)


BAD_QDRANT = [
    "http://127.0.0.1:notaport",
    "not a url",
    "http://[::1",
    "http://admin:K3y%zz@[::1",
    "ftp://127.0.0.1:6333",
    "http://admin:K3y%zz@127.0.0.1:99999",
]


@pytest.mark.parametrize("url", BAD_QDRANT)
def test_a_bad_qdrant_url_is_a_masked_configuration_error(url: str) -> None:
    with pytest.raises(ConfigurationError) as info:
        QdrantPatternSource.from_url(url, api_key=API_KEY)
    _assert_clean(_all_text(info.value), ["K3y", "qk-Secret-99", "admin"])
    assert "http(s)://host[:port]" in str(info.value)


@pytest.mark.timeout(120)
@pytest.mark.parametrize("url", BAD_QDRANT)
def test_cli_bad_qdrant_url_exits_2_as_a_real_process(url: str) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pattern_quality", "backfill", "--qdrant-url", url],
        capture_output=True,
        text=True,
        timeout=90,
        env={
            "PATTERN_QUALITY_EMBEDDED": "0",
            "PATTERN_QUALITY_DATABASE_URL": f"postgresql://pq:p@ss/x@127.0.0.1:{PORT}/db",
            "QDRANT_API_KEY": API_KEY,
            "PATH": "/usr/bin:/bin",
        },
    )
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    _assert_clean(proc.stdout + proc.stderr, ["K3y", "qk-Secret-99", "p@ss/x", "ss/x"])
    assert len(proc.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize("url", BAD_QDRANT)
def test_a_bad_qdrant_url_for_the_projector_is_a_configuration_error(url: str) -> None:
    from pattern_quality.projection import QdrantProjector

    with pytest.raises(ConfigurationError) as info:
        QdrantProjector.from_url(url, api_key=API_KEY)
    _assert_clean(_all_text(info.value), ["K3y", API_KEY, "admin"])
