"""Content hash of a pattern, carried by scores and stored rows (incremental re-scoring)."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from hypothesis import given, settings

from pattern_quality import (
    InMemoryQualityStore,
    Pattern,
    PatternQualityScorer,
    PatternValidationError,
    PostgresQualityStore,
    QualityScore,
    StoredQuality,
)
from pattern_quality.hashing import CONTENT_HASH_FIELDS, content_hash
from pattern_quality.storage.rows import (
    build_stored,
    encode_metadata,
    metadata_json,
    stored_from_row,
)
from pattern_quality.testing.strategies import pattern_mappings

ID = "7f1c9b3e-2b1a-4c1e-9a51-1d2f3e4a5b6c"
BASE: dict[str, Any] = {
    "pattern_id": ID,
    "pattern_name": "UserAuthEffect",
    "code": "async def execute_effect(self):\n    return 'é'\n",
    "text": "Authenticates a user.",
    "metadata": {"complexity": "low", "author": "auth-team", "tags": ["a", "b"]},
    "node_type": "effect",
    "use_cases": ["login"],
    "examples": ["await x()"],
    "confidence": 0.85,
}

PINNED = "0cd1ccfd18bbdfc6c154daf8f587acba"


def _reference(data: dict[str, Any]) -> str:
    """The documented definition, spelled out with json.dumps."""
    value: dict[str, Any] = {key: data.get(key) for key in CONTENT_HASH_FIELDS}
    for key in ("code", "text", "pattern_name"):
        value[key] = value[key] if value[key] is not None else ""
    value["metadata"] = value["metadata"] or {}
    value["use_cases"] = list(value["use_cases"] or [])
    value["examples"] = list(value["examples"] or [])
    value["confidence"] = value["confidence"] if value["confidence"] is not None else 0.0
    rest = [value[key] for key in CONTENT_HASH_FIELDS[1:]]
    text = json.dumps(rest, sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str)
    code = value["code"].encode("utf-8", "surrogatepass")
    message = len(code).to_bytes(8, "little") + code + text.encode("ascii")
    return hashlib.blake2b(message, digest_size=16).hexdigest()


def test_pinned_value_and_the_documented_definition() -> None:
    # Pinned: changing the canonical form re-scores every stored row once.
    code = "async def execute_effect(self):\n    return 'é'\n".encode()
    rest = (
        '["UserAuthEffect","Authenticates a user.",0.85,["await x()"],'
        '{"author":"auth-team","complexity":"low","tags":["a","b"]},"effect",["login"]]'
    )
    message = (len(code)).to_bytes(8, "little") + code + rest.encode("ascii")
    expected = hashlib.blake2b(message, digest_size=16).hexdigest()
    assert content_hash(BASE) == expected == PINNED
    assert content_hash(BASE) == _reference(BASE)
    assert content_hash(Pattern.from_mapping(BASE)) == content_hash(BASE)
    assert CONTENT_HASH_FIELDS[0] == "code"
    assert len(CONTENT_HASH_FIELDS) == 8 and "pattern_id" not in CONTENT_HASH_FIELDS


def test_missing_none_and_empty_defaults_are_one_pattern() -> None:
    assert content_hash({}) == content_hash(dict.fromkeys(CONTENT_HASH_FIELDS))
    assert content_hash({}) == content_hash(
        {"code": "", "text": "", "pattern_name": "", "metadata": {}, "confidence": 0.0}
    )
    assert content_hash({}) == _reference({})


def test_identity_extra_keys_key_order_and_tuples_do_not_count() -> None:
    same = {
        **BASE,
        "pattern_id": "00000000-0000-4000-8000-000000000001",
        "collection": "code_patterns",
        "metadata": dict(reversed(list(BASE["metadata"].items()))),
        "use_cases": tuple(BASE["use_cases"]),
    }
    assert content_hash(same) == content_hash(BASE)


@pytest.mark.parametrize(
    ("key", "value"),
    [
        ("pattern_name", "UserAuthCompute"),
        ("code", BASE["code"] + "\n"),
        ("text", "Authenticates a user!"),
        ("metadata", {**BASE["metadata"], "complexity": "high"}),
        ("metadata", {**BASE["metadata"], "tags": ["b", "a"]}),
        ("node_type", "Effect"),
        ("node_type", None),
        ("use_cases", ["login", "logout"]),
        ("examples", []),
        ("confidence", 0.8500000000000001),
    ],
)
def test_every_scored_field_changes_the_hash(key: str, value: object) -> None:
    assert content_hash({**BASE, key: value}) != content_hash(BASE)


def test_the_code_is_kept_apart_from_the_rest() -> None:
    # The length prefix: moving characters between the code and the name changes the hash.
    assert content_hash({"code": "ab", "pattern_name": ""}) != content_hash(
        {"code": "a", "pattern_name": "b"}
    )
    assert content_hash({"code": "x = '\udcff'"}) == _reference({"code": "x = '\udcff'"})


def test_awkward_values_still_hash() -> None:
    cyclic: dict[str, Any] = {"a": 1}
    cyclic["self"] = cyclic
    deep: list[Any] = []
    for _ in range(100_000):
        deep = [deep]
    odd: list[dict[str, Any]] = [
        {"metadata": {1: "x", "a": "y", (1, 2): "z"}},  # keys JSON cannot sort or hold
        {"metadata": cyclic},
        {"metadata": {"deep": deep}},
        {"metadata": {"when": datetime(2026, 1, 1, tzinfo=UTC), "n": float("nan")}},
        {"code": "x = '\udcff'"},  # a lone surrogate
    ]
    digests = [content_hash(data) for data in odd]
    assert all(len(d) == 32 and int(d, 16) >= 0 for d in digests)
    assert len(set(digests)) == len(odd)
    assert [content_hash(data) for data in odd] == digests  # deterministic
    assert content_hash({"metadata": {1: "x", "b": 2}}) == content_hash(
        {"metadata": {"b": 2, "1": "x"}}
    )


def test_invalid_pattern_is_a_validation_error() -> None:
    with pytest.raises(PatternValidationError, match="code"):
        content_hash({"code": 5})


@settings(max_examples=200)
@given(pattern_mappings())
def test_a_json_round_trip_keeps_the_hash(data: dict[str, Any]) -> None:
    assert content_hash(json.loads(json.dumps(data))) == content_hash(data)


# --- scores --------------------------------------------------------------------------


def test_scorer_fills_the_hash_only_when_asked() -> None:
    plain = PatternQualityScorer().score_pattern(BASE)
    hashed = PatternQualityScorer(content_hash=True).score_pattern(BASE)
    assert plain.content_hash is None
    assert hashed.content_hash == content_hash(BASE)
    for key in ("composite_score", "completeness_score", "findings", "version"):
        assert getattr(plain, key) == getattr(hashed, key)
    legacy = PatternQualityScorer(rubric="1.0.0", explain=False, content_hash=True)
    assert legacy.score_pattern(BASE).content_hash == content_hash(BASE)
    assert hashed.to_dict()["content_hash"] == content_hash(BASE)


def test_score_validates_the_hash_type() -> None:
    score = PatternQualityScorer(content_hash=True).score_pattern(BASE)
    fields = {k: getattr(score, k) for k in score.__slots__ if not k.startswith("__")}
    with pytest.raises(PatternValidationError, match="content_hash: expected str"):
        QualityScore(**{**fields, "content_hash": 5})


def test_from_row_fast_path_equals_the_validating_constructor() -> None:
    now = datetime(2026, 5, 1, 12, tzinfo=UTC)
    fields = ("x", "n", 0.5, 0.1, 0.2, 0.3, 0.4, 0.5, 0.9, now, "2.0.0", ())
    fast = build_stored(fields, now, None, "ab" * 16)
    assert fast == StoredQuality(*fields, content_hash="ab" * 16, created_at=now)
    assert fast.to_score().content_hash == "ab" * 16
    with pytest.raises(PatternValidationError, match="content_hash"):
        build_stored(fields, now, None, 7)  # type: ignore[arg-type]


# --- stored rows ---------------------------------------------------------------------


def test_metadata_carries_the_hash_and_reads_it_back() -> None:
    score = PatternQualityScorer(content_hash=True).score_pattern(BASE)
    meta = encode_metadata(score)
    assert meta["content_hash"] == content_hash(BASE)
    assert json.loads(metadata_json(score)) == meta
    row = (ID, score.composite_score, 0.85, score.measurement_timestamp, "2.0.0", meta, None, None)
    assert stored_from_row(row).content_hash == content_hash(BASE)
    # Without a hash the key is absent; a legacy or foreign value reads as None.
    plain = PatternQualityScorer().score_pattern(BASE)
    assert "content_hash" not in encode_metadata(plain)
    assert "content_hash" not in json.loads(metadata_json(plain))
    for value in (None, 5, ["x"]):
        bad = (*row[:5], {**meta, "content_hash": value}, None, None)
        assert stored_from_row(bad).content_hash is None


def test_stores_keep_the_hash(migrated_dsn: str) -> None:
    other = ID[:-1] + "d"
    scores = [
        PatternQualityScorer(content_hash=True).score_pattern(BASE),
        PatternQualityScorer().score_pattern({**BASE, "pattern_id": other}),
    ]
    memory = InMemoryQualityStore()
    assert memory.upsert(scores) == 2
    with PostgresQualityStore(migrated_dsn) as store:
        assert store.upsert(scores) == 2
        rows = store.get_many([ID, other])
    for stored in (rows, memory.get_many([ID, other])):
        assert stored[ID].content_hash == content_hash(BASE)
        assert stored[other].content_hash is None
        assert [stored[ID].to_score(), stored[other].to_score()] == scores
    with psycopg.connect(migrated_dsn) as conn:
        [(text,)] = conn.execute(
            "SELECT metadata->>'content_hash' FROM pattern_quality_metrics WHERE pattern_id = %s",
            (ID,),
        ).fetchall()
    assert text == content_hash(BASE)


def test_the_pure_python_encoder_gives_the_same_hash(monkeypatch: pytest.MonkeyPatch) -> None:
    from pattern_quality import hashing

    expected = [content_hash(BASE), content_hash({}), content_hash({"metadata": {1: "x"}})]
    monkeypatch.setattr(hashing, "_c_encode", None)  # as on an interpreter without it
    assert [content_hash(BASE), content_hash({}), content_hash({"metadata": {1: "x"}})] == expected
