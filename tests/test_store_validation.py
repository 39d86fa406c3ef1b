"""Bad input, missing schema, unreachable or unconfigured database: clear errors, no writes."""

from __future__ import annotations

import json
import socket
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pattern_quality import (
    AsyncInMemoryQualityStore,
    AsyncPostgresQualityStore,
    ConfigurationError,
    DatabaseUnavailableError,
    InMemoryQualityStore,
    PatternQualityScorer,
    PatternValidationError,
    PostgresQualityStore,
    QualityScore,
    SchemaNotReadyError,
    close_pools,
)
from pattern_quality.errors import DriverError
from pattern_quality.ids import canonical_pattern_id
from pattern_quality.models import Finding
from pattern_quality.storage.base import QualityStore
from pattern_quality.storage.rows import (
    MAX_STORED_FINDINGS,
    encode_metadata,
    metadata_json,
    prepare_upsert,
)
from pattern_quality.testing import BlockingStore, uuids
from tests.stores import store_kinds

T0 = datetime(2024, 5, 1, tzinfo=UTC)
ID1 = "0b6c3f0e-7d1a-4c55-8f0e-2a9d3c4b5e61"
ID2 = "0b6c3f0e-7d1a-4c55-8f0e-2a9d3c4b5e62"
ENV = ("PATTERN_QUALITY_DATABASE_URL", "HOST_DATABASE_URL", "DATABASE_URL")


def build(pid: str = ID1, **overrides: object) -> QualityScore:
    fields: dict[str, object] = {
        "pattern_id": pid,
        "pattern_name": "P",
        "composite_score": 0.5,
        "completeness_score": 0.5,
        "documentation_score": 0.5,
        "onex_compliance_score": 0.5,
        "metadata_richness_score": 0.5,
        "complexity_score": 0.5,
        "confidence": 0.5,
        "measurement_timestamp": T0,
    }
    fields.update(overrides)
    return QualityScore(**fields)  # type: ignore[arg-type]


@pytest.fixture(params=store_kinds("memory", "postgres", "postgres-async"))
def store(request: pytest.FixtureRequest) -> Iterator[QualityStore]:
    if request.param == "memory":
        s: QualityStore = InMemoryQualityStore()
    else:
        dsn = request.getfixturevalue("migrated_dsn")
        s = (
            PostgresQualityStore(dsn, max_size=1)
            if request.param == "postgres"
            else BlockingStore(lambda: AsyncPostgresQualityStore(dsn, max_size=1))
        )
    yield s
    s.close()


@pytest.fixture
def no_database_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def _shared_pools() -> Iterator[None]:
    yield
    close_pools()


# Bad scores: rejected before anything is written ------------------------------------------


BAD_FIELDS: dict[str, tuple[dict[str, object], str]] = {
    "nan": ({"composite_score": float("nan")}, "composite_score: expected a finite number"),
    "above one": ({"documentation_score": 1.5}, "documentation_score: expected a number in"),
    "negative confidence": ({"confidence": -0.1}, "confidence: expected a number in"),
    "naive datetime": (
        {"measurement_timestamp": datetime(2024, 5, 1)},
        "measurement_timestamp: expected a timezone-aware datetime",
    ),
    "invalid uuid": ({"pattern_id": "not-a-uuid"}, "pattern_id: expected a UUID"),
    "integer id": ({"pattern_id": 42}, "pattern_id: expected a UUID"),
}


@pytest.mark.parametrize("case", sorted(BAD_FIELDS))
def test_bad_score_in_a_call_writes_nothing(store: QualityStore, case: str) -> None:
    overrides, message = BAD_FIELDS[case]
    store.upsert(build(ID1, composite_score=0.1))
    before = store.get(ID1)

    def batch() -> Iterator[QualityScore]:
        yield build(
            ID1, composite_score=0.9, measurement_timestamp=datetime(2030, 1, 1, tzinfo=UTC)
        )
        yield build(ID2)
        yield build(str(uuid.uuid4()), **overrides)  # built while the store reads the call

    with pytest.raises(PatternValidationError, match=message):
        store.upsert(batch())
    assert store.count() == 1
    assert store.get(ID1) == before


def test_scorer_sync_path_rejects_bad_ids_and_writes_nothing(migrated_dsn: str) -> None:
    scorer = PatternQualityScorer()
    with pytest.raises(PatternValidationError, match="pattern_id: expected a UUID, got 'p-1'"):
        scorer.store_quality_metrics_sync([build(ID1), build("p-1")], migrated_dsn)
    with psycopg.connect(migrated_dsn) as conn:
        assert conn.execute("SELECT count(*) FROM pattern_quality_metrics").fetchone() == (0,)


# The I/O-free layer, property-tested -------------------------------------------------------


@given(uuids())
def test_every_accepted_spelling_canonicalises_like_uuid(spelling: str) -> None:
    assert canonical_pattern_id(spelling) == str(uuid.UUID(spelling))


@given(st.text(max_size=40))
def test_canonicalisation_accepts_only_uuids(text: str) -> None:
    try:
        canonical = canonical_pattern_id(text)
    except PatternValidationError:
        return
    assert canonical == str(uuid.UUID(text))


@pytest.mark.parametrize(
    "text", [" " + ID1, ID1 + "\n", "{" + ID1, ID1 + "}", "urn:uuid:{" + ID1, ID1[:-1] + "_"]
)
def test_near_miss_spellings_are_rejected(text: str) -> None:
    with pytest.raises(PatternValidationError):
        canonical_pattern_id(text)


_ANY_TEXT = st.text(st.characters(), max_size=15)  # NUL and lone surrogates included


@given(
    name=_ANY_TEXT,
    findings=st.lists(
        st.builds(
            Finding,
            dimension=_ANY_TEXT,
            rule=_ANY_TEXT,
            effect=st.floats(allow_nan=True, allow_infinity=True),
            detail=_ANY_TEXT,
        ),
        max_size=25,
    ),
    value=st.floats(0.0, 1.0),
)
def test_metadata_json_is_the_documented_document(
    name: str, findings: list[Finding], value: float
) -> None:
    s = build(pattern_name=name, findings=tuple(findings), complexity_score=value)
    text = metadata_json(s)
    text.encode("utf-8")  # no lone surrogate reaches the driver
    assert "\\u0000" not in text  # PostgreSQL rejects NUL in jsonb
    assert json.loads(text) == encode_metadata(s)
    cache: dict[int, str] = {}
    assert metadata_json(s, cache) == text == metadata_json(s, cache)  # cache hits
    assert len(json.loads(text)["findings"]) == min(len(findings), MAX_STORED_FINDINGS)


def test_prepare_upsert_dedups_and_sorts() -> None:
    later = datetime(2025, 1, 1, tzinfo=UTC)
    rows = prepare_upsert(
        [
            build(ID2),
            build(ID1.upper(), composite_score=0.2, measurement_timestamp=later),
            build(ID1, composite_score=0.1),
            build("{" + ID1 + "}", composite_score=0.3, measurement_timestamp=later),
        ]
    )
    assert [(r.pattern_id, r.quality_score) for r in rows] == [(ID1, 0.3), (ID2, 0.5)]


# Schema not ready -------------------------------------------------------------------------


def _pg_stores(dsn: str) -> list[Callable[[], QualityStore]]:
    return [
        lambda: PostgresQualityStore(dsn),
        lambda: BlockingStore(lambda: AsyncPostgresQualityStore(dsn)),
    ]


@pytest.mark.parametrize("which", [0, 1])
def test_missing_table_says_run_migrate(empty_dsn: str, which: int) -> None:
    s = _pg_stores(empty_dsn)[which]()
    with pytest.raises(SchemaNotReadyError, match=r"run `pattern-quality migrate` first") as info:
        s.upsert(build())
    s.close()
    assert "pattern_quality_metrics does not exist" in str(info.value)


@pytest.mark.parametrize("which", [0, 1])
def test_table_without_unique_constraint_is_not_ready(empty_dsn: str, which: int) -> None:
    with psycopg.connect(empty_dsn) as conn:
        conn.execute(
            "CREATE TABLE pattern_quality_metrics (id uuid, pattern_id uuid, quality_score float8,"
            " confidence float8, measurement_timestamp timestamptz, version text, metadata jsonb,"
            " created_at timestamptz, updated_at timestamptz)"
        )
        conn.execute("CREATE INDEX ON pattern_quality_metrics (pattern_id)")
        conn.execute(
            "CREATE UNIQUE INDEX partial ON pattern_quality_metrics (pattern_id)"
            " WHERE quality_score > 0.5"
        )
    s = _pg_stores(empty_dsn)[which]()
    with pytest.raises(SchemaNotReadyError, match="no unique constraint on pattern_id.*migrate"):
        s.count()
    s.close()


def test_table_missing_a_column_is_not_ready(empty_dsn: str) -> None:
    with psycopg.connect(empty_dsn) as conn:
        conn.execute(
            "CREATE TABLE pattern_quality_metrics (pattern_id uuid UNIQUE, quality_score float8,"
            " confidence float8, measurement_timestamp timestamptz, metadata jsonb)"
        )
    with pytest.raises(SchemaNotReadyError, match="lacks column.*version, created_at, updated_at"):
        PostgresQualityStore(empty_dsn).open()


@pytest.mark.anyio
async def test_seed_call_without_schema_says_run_migrate(empty_dsn: str) -> None:
    scorer = PatternQualityScorer()
    score = build()
    with pytest.raises(SchemaNotReadyError, match="pattern-quality migrate"):
        await scorer.store_quality_metrics(score, empty_dsn)


# Unreachable or unconfigured database -------------------------------------------------------


@pytest.fixture
def dead_dsn() -> str:
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"postgresql://quality:s3cret-pw@127.0.0.1:{port}/quality"


def _assert_masked(exc: BaseException) -> None:
    assert "s3cret-pw" not in str(exc)
    assert "quality@127.0.0.1" in str(exc)


def test_unreachable_database_sync(dead_dsn: str) -> None:
    store = PostgresQualityStore(dead_dsn)
    with pytest.raises(DatabaseUnavailableError) as info:
        store.upsert(build())
    _assert_masked(info.value)
    assert isinstance(info.value.__cause__, DriverError)  # scrubbed stand-in, never psycopg's
    assert "s3cret-pw" not in str(info.value.__cause__)
    assert "s3cret-pw" not in repr(store)
    store.close()


@pytest.mark.anyio
async def test_unreachable_database_async(dead_dsn: str) -> None:
    with pytest.raises(DatabaseUnavailableError) as info:
        async with AsyncPostgresQualityStore(dead_dsn) as store:
            await store.count()
    _assert_masked(info.value)


@pytest.mark.anyio
async def test_unreachable_database_seed_call(dead_dsn: str) -> None:
    scorer = PatternQualityScorer()
    with pytest.raises(DatabaseUnavailableError) as info:
        await scorer.store_quality_metrics(build(), dead_dsn)
    _assert_masked(info.value)


@pytest.mark.anyio
async def test_no_database_configured(no_database_env: None) -> None:
    scorer = PatternQualityScorer()
    with pytest.raises(
        ConfigurationError,
        match="PATTERN_QUALITY_DATABASE_URL or HOST_DATABASE_URL or DATABASE_URL",
    ):
        await scorer.store_quality_metrics(build())
    with pytest.raises(ConfigurationError):
        scorer.store_quality_metrics_sync(build())
    with pytest.raises(ConfigurationError):
        PostgresQualityStore()
    with pytest.raises(ConfigurationError):
        AsyncPostgresQualityStore()


@pytest.mark.anyio
async def test_database_url_from_environment(
    migrated_dsn: str, monkeypatch: pytest.MonkeyPatch, no_database_env: None
) -> None:
    monkeypatch.setenv("DATABASE_URL", migrated_dsn)
    scorer = PatternQualityScorer()
    assert scorer.store_quality_metrics_sync([build(ID1), build(ID2)]) == 2
    assert await scorer.store_quality_metrics(build(ID1, composite_score=0.7)) == 1
    with PostgresQualityStore() as s:
        got = s.get(ID1)
    assert got is not None and got.composite_score == 0.7


def test_invalid_connection_string_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="invalid database URL") as info:
        PostgresQualityStore("host=x password=hunter2 nonsense")
    assert "hunter2" not in str(info.value)
    assert "nonsense" not in str(info.value)  # libpq's parse message quotes the words
    assert info.value.__cause__ is None and info.value.__suppress_context__


@pytest.mark.parametrize(("table", "schema"), [("", None), ("t", ""), ("a\x00b", None)])
def test_bad_table_names(table: str, schema: str | None) -> None:
    with pytest.raises(ValueError, match="expected a non-empty name"):
        PostgresQualityStore("postgresql://u@h/db", table=table, schema=schema)


def test_sync_path_with_an_async_store_is_a_type_error() -> None:
    scorer = PatternQualityScorer(store=AsyncInMemoryQualityStore())
    with pytest.raises(TypeError, match="await scorer.store_quality_metrics"):
        scorer.store_quality_metrics_sync(build())
