"""QdrantPatternSource / AsyncQdrantPatternSource over qdrant-client's local mode (no mocks)."""

from __future__ import annotations

import inspect
import socket
import uuid
from pathlib import Path
from typing import Any

import pytest
from qdrant_client import AsyncQdrantClient, QdrantClient

from pattern_quality.errors import (
    CollectionNotFoundError,
    ConfigurationError,
    PatternValidationError,
)
from pattern_quality.models import Pattern
from pattern_quality.qdrant import (
    DEFAULT_PAGE_SIZE,
    LOCAL_PAGE_SIZE,
    AsyncQdrantPatternSource,
    PointFailure,
    QdrantPatternSource,
    QdrantUnavailableError,
    Shard,
    pattern_id_for_point,
    point_to_pattern,
)
from tests import qdrant_data as data

# --- the pure mapping (docs/legacy.md#qdrant-points-to-patterns) ---------------------------


def test_integer_point_id_7_maps_to_the_legacy_uuid5() -> None:
    assert pattern_id_for_point(7) == "013a1d7c-2c7e-59d9-b2d4-b74a73d803bf"


@pytest.mark.parametrize(
    ("point_id", "expected"),
    [
        ("3F1C2A9E-8B7D-4C5E-9F0A-1B2C3D4E5F60", "3f1c2a9e-8b7d-4c5e-9f0a-1b2c3d4e5f60"),
        ("3f1c2a9e8b7d4c5e9f0a1b2c3d4e5f60", "3f1c2a9e-8b7d-4c5e-9f0a-1b2c3d4e5f60"),
        (uuid.UUID(int=5), "00000000-0000-0000-0000-000000000005"),
        (0, str(uuid.uuid5(data.NAMESPACE, "qdrant-pattern-0"))),
        ("not-a-uuid", str(uuid.uuid5(data.NAMESPACE, "qdrant-pattern-not-a-uuid"))),
    ],
)
def test_pattern_id_for_point_is_canonical_or_uuid5(point_id: Any, expected: str) -> None:
    assert pattern_id_for_point(point_id) == expected


def test_point_to_pattern_takes_the_legacy_fields() -> None:
    payload = {
        "pattern_name": "UserAuthEffect",
        "code": "c",
        "content_preview": "ignored",
        "text": "t",
        "description": "ignored",
        "metadata": {"complexity": "low"},
        "node_type": "effect",
        "node_types": ["compute"],
        "use_cases": ["u"],
        "examples": ["e1", "e2"],
        "confidence": 0.8,
        "pattern_confidence": 0.1,
        "file_path": "not kept",
    }
    assert point_to_pattern("code_patterns", data.U1, payload) == Pattern(
        pattern_id=data.U1,
        pattern_name="UserAuthEffect",
        code="c",
        text="t",
        metadata={"complexity": "low"},
        node_type="effect",
        use_cases=("u",),
        examples=("e1", "e2"),
        confidence=0.8,
        extra={"collection": "code_patterns", "point_id": data.U1},
    )


def test_point_to_pattern_falls_back_field_by_field() -> None:
    payload = {
        "code": None,
        "content_preview": "preview",
        "description": "desc",
        "node_types": ["reducer", "effect"],
        "pattern_confidence": 0.3,
    }
    assert point_to_pattern("archon_vectors", 7, payload) == Pattern(
        pattern_id="013a1d7c-2c7e-59d9-b2d4-b74a73d803bf",
        pattern_name="unnamed_pattern",
        code="preview",
        text="desc",
        node_type="reducer",
        confidence=0.3,
        extra={"collection": "archon_vectors", "point_id": 7},
    )


def test_point_to_pattern_defaults_for_empty_and_null_fields() -> None:
    pattern = point_to_pattern(
        "archon_vectors", 8, {"pattern_confidence": None, "node_types": [], "pattern_name": None}
    )
    assert (pattern.pattern_name, pattern.code, pattern.text) == ("unnamed_pattern", "", "")
    assert (pattern.node_type, pattern.confidence, dict(pattern.metadata)) == (None, 0.0, {})
    assert (pattern.use_cases, pattern.examples) == ((), ())
    assert point_to_pattern("c", 8, None).to_dict() == {
        **pattern.to_dict(),
        "collection": "c",
    }


@pytest.mark.parametrize(
    ("payload", "message"),
    [
        ({"metadata": "x"}, "metadata: expected a mapping, got str 'x'"),
        ({"pattern_confidence": 1.5}, "confidence: expected a number in [0, 1], got 1.5"),
        ({"confidence": "high"}, "confidence: expected a real number in [0, 1], got str 'high'"),
        ({"use_cases": "one"}, "use_cases: expected a list or tuple, got str 'one'"),
        ({"node_types": "effect"}, "node_types: expected a list, got str 'effect'"),
        ({"node_types": [3]}, "node_type: expected str, got int 3"),
        ({"code": 12}, "code: expected str, got int 12"),
    ],
)
def test_point_to_pattern_rejects_wrong_types(payload: dict[str, Any], message: str) -> None:
    with pytest.raises(PatternValidationError) as info:
        point_to_pattern("c", 1, payload)
    assert str(info.value) == message


# --- scanning local-mode collections -------------------------------------------------


@pytest.fixture
def client() -> Any:
    c = QdrantClient(":memory:")
    data.populate(c)
    yield c
    c.close()


def _qdrant_order(point: tuple[int | str, Any]) -> tuple[str, int]:
    pid = point[0]
    return (pid, 0) if isinstance(pid, str) else ("", pid)


def _expected_items(collections: tuple[str, ...]) -> list[tuple[str, str, str]]:
    """(kind, collection, pattern id) in scan order: collections in order, ids sorted as Qdrant."""
    out = []
    for name in collections:
        for pid, _ in sorted(data.COLLECTIONS[name], key=_qdrant_order):
            kind = "failure" if (name, pid) in data.BAD_POINTS else "pattern"
            out.append((kind, name, data.pattern_id(pid)))
    return out


def _summary(items: list[Pattern | PointFailure]) -> list[tuple[str, str, str]]:
    out = []
    for item in items:
        if isinstance(item, PointFailure):
            assert item.pattern_id is not None
            out.append(("failure", item.collection, item.pattern_id))
        else:
            assert item.pattern_id is not None
            out.append(("pattern", str(item.extra["collection"]), item.pattern_id))
    return out


@pytest.mark.parametrize("page_size", [1, 2, 1000])
def test_scan_yields_every_point_and_reports_bad_ones_in_place(client: Any, page_size: int) -> None:
    source = QdrantPatternSource(client, collections=data.ALL, page_size=page_size)
    items = list(source.scan())
    assert _summary(items) == _expected_items(data.ALL)
    failures = {(f.collection, f.point_id): f.reason for f in items if isinstance(f, PointFailure)}
    assert failures == data.BAD_POINTS


def test_scan_maps_legacy_points_exactly(client: Any) -> None:
    source = QdrantPatternSource(client, collections=["archon_vectors"])
    by_id = {p.pattern_id: p for p in source if isinstance(p, Pattern)}
    assert by_id[pattern_id_for_point(7)] == Pattern(
        pattern_id="013a1d7c-2c7e-59d9-b2d4-b74a73d803bf",
        pattern_name="OrderCompute",
        code="async def execute_compute(self):\n    return 1\n",
        node_type="compute",
        confidence=0.75,
        extra={"collection": "archon_vectors", "point_id": 7},
    )
    null_confidence = by_id[data.legacy_id(8)]
    assert (null_confidence.confidence, null_confidence.node_type) == (0.0, None)
    failure = next(f for f in source.scan() if isinstance(f, PointFailure))
    assert failure == PointFailure(
        collection="archon_vectors",
        point_id=9,
        pattern_id=data.legacy_id(9),
        reason="confidence: expected a number in [0, 1]",
        detail="confidence: expected a number in [0, 1], got 1.5",
    )


def test_default_collections_are_code_and_execution_patterns(client: Any) -> None:
    source = QdrantPatternSource(client)
    assert source.collections == ("code_patterns", "execution_patterns")
    ids = {i.pattern_id for i in source if isinstance(i, Pattern)}
    assert ids == data.good_ids(("code_patterns", "execution_patterns"))


def test_missing_collection_is_an_error_raised_before_any_item(client: Any) -> None:
    source = QdrantPatternSource(client)
    with pytest.raises(CollectionNotFoundError) as info:
        source.scan(["code_patterns", "nope", "gone"])
    assert str(info.value) == (
        "Qdrant collections 'nope', 'gone' not found in local memory (available: "
        "archon_vectors, code_patterns, execution_patterns, quality_vectors)"
    )
    with pytest.raises(CollectionNotFoundError):
        source.count("nope")


def test_count_and_check(client: Any) -> None:
    source = QdrantPatternSource(client)
    assert source.count(data.ALL) == 11
    assert source.check(["quality_vectors", "quality_vectors", "code_patterns"]) == (
        "quality_vectors",
        "code_patterns",
    )


class RecordingClient(QdrantClient):
    """A real local-mode client that records its scroll calls."""

    def __init__(self) -> None:
        super().__init__(":memory:")
        self.scrolls: list[dict[str, Any]] = []

    def scroll(self, collection_name: str, **kwargs: Any) -> Any:  # type: ignore[override]
        self.scrolls.append({"collection": collection_name, **kwargs})
        return super().scroll(collection_name, **kwargs)


def test_scan_is_lazy_pages_by_page_size_and_never_fetches_vectors() -> None:
    client = RecordingClient()
    data.populate_many(client, "archon_vectors", 25)
    source = QdrantPatternSource(client, collections=["archon_vectors"], page_size=10)
    items = source.scan()
    assert client.scrolls == []
    next(items)
    assert len(client.scrolls) == 1
    assert len(list(items)) == 24
    assert [c["limit"] for c in client.scrolls] == [10, 10, 10]
    assert all(c["with_vectors"] is False for c in client.scrolls)
    assert [c["offset"] for c in client.scrolls] == [None, 10, 20]
    client.close()


def test_page_size_defaults_differ_for_local_mode_and_servers(client: Any) -> None:
    assert QdrantPatternSource(client).page_size == LOCAL_PAGE_SIZE == 5000
    server = QdrantPatternSource(QdrantClient(url="http://127.0.0.1:1", check_compatibility=False))
    assert server.page_size == DEFAULT_PAGE_SIZE == 1000
    assert server.location == "http://127.0.0.1:1"
    with pytest.raises(ValueError, match="page_size must be an integer >= 1, got 0"):
        QdrantPatternSource(client, page_size=0)
    with pytest.raises(ValueError, match="a collection name must be a non-empty string"):
        QdrantPatternSource(client, collections=[""])


# --- shards -------------------------------------------------------------------------


def test_shards_partition_the_points(client: Any) -> None:
    full = _summary(list(QdrantPatternSource(client, collections=data.ALL).scan()))
    parts = [
        _summary(list(QdrantPatternSource(client, collections=data.ALL, shard=f"{k}/3").scan()))
        for k in (1, 2, 3)
    ]
    assert sorted(x for part in parts for x in part) == sorted(full)
    for k, part in enumerate(parts, start=1):
        assert all(uuid.UUID(pid).int % 3 == k - 1 for _, _, pid in part)


def test_sharded_scan_maps_payloads_like_the_full_scan(client: Any) -> None:
    full = [i for i in QdrantPatternSource(client, collections=data.ALL) if isinstance(i, Pattern)]
    sharded = [
        i
        for k in (1, 2)
        for i in QdrantPatternSource(client, collections=data.ALL, shard=Shard(k, 2), page_size=2)
        if isinstance(i, Pattern)
    ]
    assert sorted(sharded, key=lambda p: str(p.pattern_id)) == sorted(
        full, key=lambda p: str(p.pattern_id)
    )


@pytest.mark.parametrize("text", ["0/3", "4/3", "1", "a/b", "1/0", "-1/2"])
def test_malformed_shard_is_rejected(text: str) -> None:
    with pytest.raises(ValueError, match="invalid shard"):
        Shard.parse(text)


def test_shard_parse_and_str() -> None:
    assert Shard.parse("2/4") == Shard(2, 4)
    assert str(Shard(2, 4)) == "2/4"


# --- constructors, errors, secrets ---------------------------------------------------


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
    return port


def test_unreachable_server_is_a_clear_error_without_the_api_key() -> None:
    key = "sk-qdrant-SECRET-3141592"
    url = f"http://127.0.0.1:{_closed_port()}"
    with pytest.warns(UserWarning, match="insecure connection"):
        source = QdrantPatternSource.from_url(url, api_key=key, timeout=5)
    with source, pytest.raises(QdrantUnavailableError) as info:
        source.count()
    message = str(info.value)
    assert message.startswith(f"could not list collections on Qdrant at {url}: ")
    assert "Connection refused" in message
    assert key not in message
    assert key not in repr(info.value)


def test_local_opens_an_existing_storage_and_closes_it(tmp_path: Path) -> None:
    writer = QdrantClient(path=str(tmp_path))
    data.populate(writer, ("quality_vectors",))
    writer.close()
    with QdrantPatternSource.local(tmp_path, collections=["quality_vectors"]) as source:
        assert source.location == f"local storage {tmp_path}"
        items = list(source)
    assert _summary(items) == _expected_items(("quality_vectors",))
    reopened = QdrantClient(path=str(tmp_path))  # the lock was released by close()
    assert reopened.count("quality_vectors").count == 3
    reopened.close()


def test_local_refuses_a_path_that_does_not_exist(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(ConfigurationError, match="does not exist"):
        QdrantPatternSource.local(missing)
    assert not missing.exists()


# --- the async twin -------------------------------------------------------------------


@pytest.mark.anyio
async def test_async_source_yields_the_same_items_as_the_sync_one(client: Any) -> None:
    aclient = AsyncQdrantClient(":memory:")
    await data.apopulate(aclient)
    async with AsyncQdrantPatternSource(aclient, collections=data.ALL, page_size=2) as source:
        items = [i async for i in await source.scan()]
        total = await source.count()
    await aclient.close()
    assert total == 11
    assert items == list(QdrantPatternSource(client, collections=data.ALL).scan())


@pytest.mark.anyio
async def test_async_missing_collection_and_shard(client: Any) -> None:
    aclient = AsyncQdrantClient(":memory:")
    await data.apopulate(aclient, ("archon_vectors",))
    source = AsyncQdrantPatternSource(aclient, collections=["archon_vectors"], shard="1/2")
    with pytest.raises(CollectionNotFoundError) as info:
        await source.check(["nope"])
    with pytest.raises(CollectionNotFoundError):  # scan() checks when it is awaited
        await source.scan(["archon_vectors", "nope"])
    items = [i async for i in source]
    await aclient.close()
    message = str(info.value)
    assert message == (
        "Qdrant collection 'nope' not found in local memory (available: archon_vectors)"
    )
    sync = QdrantPatternSource(client, collections=["archon_vectors"], shard="1/2")
    assert items == list(sync)


def test_sync_and_async_sources_expose_the_same_api() -> None:
    def api(cls: type) -> dict[str, list[str]]:
        return {
            name: list(inspect.signature(member).parameters)
            for name, member in inspect.getmembers(cls, callable)
            if not name.startswith("_") or name == "__init__"
        }

    sync, asyn = api(QdrantPatternSource), api(AsyncQdrantPatternSource)
    sync.pop("__iter__", None)
    asyn.pop("__aiter__", None)
    assert sync.keys() - {"__enter__", "__exit__"} == asyn.keys() - {"__aenter__", "__aexit__"}
    for name in sync.keys() & asyn.keys():
        assert sync[name] == asyn[name], name
