"""The store contract, run over {memory, postgres} x {sync, async}.

Each numbered rule of docs/storage.md ("Semantics") has tests here; the async
stores are driven through :class:`pattern_quality.testing.BlockingStore`, which
awaits their real coroutines on a private event loop. What only PostgreSQL does
(its stored layout, legacy rows, chunks, quoting, borrowed pools) is in
tests/test_store_postgres.py.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from pattern_quality import (
    InMemoryQualityStore,
    PatternValidationError,
    QualityScore,
    StoreError,
)
from pattern_quality.models import Finding
from pattern_quality.storage import statements
from pattern_quality.storage.base import QualityStore
from pattern_quality.storage.rows import MAX_STORED_FINDINGS
from tests.stores import ID1, ID2, ID3, KINDS, T0, open_store, score, store_kinds


@pytest.fixture(params=store_kinds(*KINDS))
def store(request: pytest.FixtureRequest) -> Iterator[QualityStore]:
    s = open_store(request.param, request)
    yield s
    s.close()


# 1. One row per pattern_id ----------------------------------------------------------------


def test_one_row_per_pattern(store: QualityStore) -> None:
    assert store.upsert(score(ID1, at=0)) == 1
    assert store.upsert(score(ID1, at=1)) == 1
    assert store.upsert(score(ID2, at=0)) == 1
    assert store.count() == 2
    assert [r.pattern_id for r in store.iter_all()] == [ID1, ID2]


def test_empty_call_writes_nothing(store: QualityStore) -> None:
    assert store.upsert([]) == 0
    assert store.upsert(iter(())) == 0
    assert store.count() == 0


# 2. Latest measurement wins -----------------------------------------------------------------


def test_newer_measurement_overwrites(store: QualityStore) -> None:
    store.upsert(score(at=0, composite=0.2))
    assert store.upsert(score(at=10, composite=0.8)) == 1
    got = store.get(ID1)
    assert got is not None
    assert (got.composite_score, got.measurement_timestamp) == (0.8, T0 + timedelta(seconds=10))


def test_older_measurement_never_overwrites(store: QualityStore) -> None:
    store.upsert(score(at=10, composite=0.8))
    before = store.get(ID1)
    assert store.upsert(score(at=9, composite=0.1)) == 0
    assert store.get(ID1) == before


def test_equal_timestamp_write_wins(store: QualityStore) -> None:
    store.upsert(score(at=10, composite=0.8))
    assert store.upsert(score(at=10, composite=0.3, name="Renamed")) == 1
    got = store.get(ID1)
    assert got is not None
    assert (got.composite_score, got.pattern_name) == (0.3, "Renamed")


def test_stale_and_fresh_rows_in_one_call_count_only_fresh(store: QualityStore) -> None:
    store.upsert([score(ID1, at=10), score(ID2, at=10)])
    assert store.upsert([score(ID1, at=5), score(ID2, at=11), score(ID3, at=0)]) == 2
    rows = store.get_many([ID1, ID2, ID3])
    assert {k: v.measurement_timestamp - T0 for k, v in rows.items()} == {
        ID1: timedelta(seconds=10),
        ID2: timedelta(seconds=11),
        ID3: timedelta(0),
    }


# 3. created_at kept, updated_at = time of the write -------------------------------------------


def test_created_at_kept_and_updated_at_advances(store: QualityStore) -> None:
    store.upsert(score(at=0))
    first = store.get(ID1)
    assert first is not None and first.created_at is not None
    assert first.created_at == first.updated_at
    store.upsert(score(at=5))
    second = store.get(ID1)
    assert second is not None and second.updated_at is not None and first.updated_at is not None
    assert second.created_at == first.created_at
    assert second.updated_at > first.updated_at
    store.upsert(score(at=1))  # stale: the row is not touched at all
    third = store.get(ID1)
    assert third is not None
    assert (third.created_at, third.updated_at) == (second.created_at, second.updated_at)


def test_delete_then_insert_is_a_new_row(store: QualityStore) -> None:
    store.upsert(score(at=0))
    first = store.get(ID1)
    assert store.delete([ID1]) == 1
    assert store.upsert(score(at=0)) == 1  # nothing stored any more: inserted again
    again = store.get(ID1)
    assert first is not None and again is not None
    assert first.created_at is not None and again.created_at is not None
    assert again.created_at > first.created_at


# 4. Several scores for one id in one call -------------------------------------------------


def test_duplicates_in_one_call_latest_wins(store: QualityStore) -> None:
    batch = [score(at=2, composite=0.2), score(at=5, composite=0.5), score(at=3, composite=0.3)]
    assert store.upsert(batch) == 1
    got = store.get(ID1)
    assert got is not None and got.composite_score == 0.5
    assert store.count() == 1


def test_duplicates_in_one_call_tie_last_given_wins(store: QualityStore) -> None:
    spelled = "{" + ID1.upper() + "}"
    batch = [score(ID1, at=5, composite=0.1), score(spelled, at=5, composite=0.9)]
    assert store.upsert(batch) == 1
    got = store.get(ID1)
    assert got is not None and got.composite_score == 0.9


def test_duplicates_in_one_call_against_a_stored_row(store: QualityStore) -> None:
    store.upsert(score(at=4, composite=0.4))
    assert store.upsert([score(at=3, composite=0.3), score(at=6, composite=0.6)]) == 1
    got = store.get(ID1)
    assert got is not None and got.composite_score == 0.6
    assert store.upsert([score(at=1), score(at=2)]) == 0


def test_large_call_with_duplicates_and_stale_rows(
    store: QualityStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    # 300 distinct ids: the PostgreSQL stores take the COPY path, in 6 chunks of 50.
    monkeypatch.setattr(statements, "UPSERT_CHUNK_SIZE", 50)
    ids = [f"00000000-0000-4000-8000-{i:012x}" for i in range(300)]
    assert store.upsert([score(pid, at=10) for pid in ids[::2]]) == 150
    batch = [score(pid, at=5 + (i % 10), composite=0.25) for i, pid in enumerate(ids)]
    batch += [score(pid, at=20, composite=0.75) for pid in ids[:30]]  # duplicates, newest
    # even ids stored at 10 keep their row against at < 10 (i % 10 < 5): stale
    expected = 150 + sum(1 for i in range(0, 300, 2) if 5 + (i % 10) >= 10 or i < 30)
    assert store.upsert(list(reversed(batch))) == expected
    rows = {r.pattern_id: r for r in store.iter_all(batch_size=64)}
    assert len(rows) == 300
    assert all(rows[p].composite_score == 0.75 for p in ids[:30])
    assert rows[ids[40]].composite_score == 0.5  # even, at 5 < stored 10: untouched
    assert rows[ids[46]].composite_score == 0.25  # even, at 11 >= 10: rewritten
    assert rows[ids[41]].composite_score == 0.25  # odd: inserted


# 5. Atomic, validated calls -------------------------------------------------------------


@pytest.mark.parametrize(
    "bad_id",
    ["not-a-uuid", "", "6f1c2f3e0a6b4f439a360d7f6c1b2a0", "6f1c2f3e-0a6b-4f43-9a36-0d7f6c1b2a0g"],
)
def test_invalid_id_anywhere_writes_nothing(store: QualityStore, bad_id: str) -> None:
    store.upsert(score(ID1, at=0, composite=0.1))
    before = store.get(ID1)
    batch = [score(ID2, at=0), score(ID1, at=9, composite=0.9), score(bad_id, at=0)]
    with pytest.raises(PatternValidationError, match="pattern_id"):
        store.upsert(batch)
    assert store.count() == 1
    assert store.get(ID1) == before


def test_missing_id_is_rejected(store: QualityStore) -> None:
    no_id = QualityScore(
        pattern_id=None,
        pattern_name="x",
        composite_score=0.5,
        completeness_score=0.5,
        documentation_score=0.5,
        onex_compliance_score=0.5,
        metadata_richness_score=0.5,
        complexity_score=0.5,
    )
    with pytest.raises(PatternValidationError, match="pattern_id: expected a UUID, got None"):
        store.upsert([score(ID2), no_id])
    assert store.count() == 0


def test_iterable_failing_midway_writes_nothing(store: QualityStore) -> None:
    def scores() -> Iterator[QualityScore]:
        yield score(ID1)
        yield score(ID2, composite=math.nan)  # raises while the store consumes the call

    with pytest.raises(PatternValidationError, match="composite_score"):
        store.upsert(scores())
    assert store.count() == 0


@pytest.mark.parametrize("item", [{"pattern_id": ID2}, "text", None, 0.5])
def test_non_score_item_writes_nothing(store: QualityStore, item: object) -> None:
    with pytest.raises(PatternValidationError, match=r"scores\[1\]: expected a QualityScore"):
        store.upsert([score(ID1), item])  # type: ignore[list-item]
    assert store.count() == 0


@pytest.mark.parametrize("arg", ["6f1c2f3e-0a6b-4f43-9a36-0d7f6c1b2a01", {"a": 1}, 3])
def test_upsert_rejects_non_iterables_and_strings(store: QualityStore, arg: object) -> None:
    with pytest.raises(PatternValidationError, match="expected a QualityScore or an iterable"):
        store.upsert(arg)  # type: ignore[arg-type]


def test_version_with_nul_is_rejected(store: QualityStore) -> None:
    with pytest.raises(PatternValidationError, match="version"):
        store.upsert([score(ID2), score(ID1, version="1.0\x00")])
    assert store.count() == 0


# Ids: any accepted spelling, canonical storage ---------------------------------------------


@pytest.mark.parametrize(
    "spelling",
    [
        ID1.upper(),
        "{" + ID1 + "}",
        ID1.replace("-", ""),
        "urn:uuid:" + ID1,
        "{" + ID1.replace("-", "").upper() + "}",
    ],
)
def test_ids_are_canonicalised(store: QualityStore, spelling: str) -> None:
    assert store.upsert(score(spelling)) == 1
    got = store.get(ID1)
    assert got is not None and got.pattern_id == ID1
    assert store.get(spelling) == got
    assert list(store.get_many([spelling, ID1])) == [ID1]
    assert store.delete([spelling, ID1]) == 1


def test_get_missing_and_get_many_partial(store: QualityStore) -> None:
    store.upsert([score(ID1), score(ID3)])
    assert store.get(ID2) is None
    assert sorted(store.get_many([ID3, ID2, ID1])) == [ID1, ID3]
    assert store.get_many([]) == {}


@pytest.mark.parametrize("bad", ["nope", "", "6f1c2f3e-0a6b-4f43-9a36"])
def test_reads_and_deletes_reject_invalid_ids(store: QualityStore, bad: str) -> None:
    store.upsert(score(ID1))
    with pytest.raises(PatternValidationError):
        store.get(bad)
    with pytest.raises(PatternValidationError):
        store.get_many([ID1, bad])
    with pytest.raises(PatternValidationError):
        store.delete([ID1, bad])
    with pytest.raises(PatternValidationError, match="single string"):
        store.delete(ID1)
    assert store.count() == 1


def test_delete_counts_existing_rows_once(store: QualityStore) -> None:
    store.upsert([score(ID1), score(ID2)])
    assert store.delete([ID1, ID1.upper(), ID3]) == 1
    assert store.delete([]) == 0
    assert store.count() == 1
    assert store.get(ID1) is None


def test_iter_all_streams_in_pattern_id_order(store: QualityStore) -> None:
    ids = [f"{i:08x}-0000-4000-8000-000000000000" for i in (7, 3, 250, 16, 1, 99, 42)]
    store.upsert([score(pid, at=i) for i, pid in enumerate(ids)])
    for batch_size in (1, 3, 1000):
        rows = list(store.iter_all(batch_size=batch_size))
        assert [r.pattern_id for r in rows] == sorted(ids)
    assert rows == [store.get(pid) for pid in sorted(ids)]
    with pytest.raises(ValueError, match="batch_size"):
        list(store.iter_all(batch_size=0))


def test_iter_all_can_stop_early(store: QualityStore) -> None:
    store.upsert([score(ID1), score(ID2), score(ID3)])
    rows = store.iter_all(batch_size=1)
    assert next(rows).pattern_id == ID1
    rows.close()  # type: ignore[attr-defined]
    assert store.count() == 3  # the store is still usable (the connection went back)


# 7. Stored shape: dimensions, findings, exact round trip ------------------------------------


def test_round_trip_is_exact(store: QualityStore) -> None:
    findings = (
        Finding("completeness", "marker:TODO", -0.2, "line 3"),
        Finding("documentation", "docstring", 0.4),
    )
    s = QualityScore(
        pattern_id=ID1,
        pattern_name='Ünïcode 名前 "quoted" \\ back',
        composite_score=0.1 + 0.2,
        completeness_score=1 / 3,
        documentation_score=1e-7,
        onex_compliance_score=1.0,
        metadata_richness_score=0.0,
        complexity_score=0.30000000000000004,
        confidence=2 / 3,
        measurement_timestamp=datetime(2024, 2, 29, 23, 59, 59, 999999, tzinfo=UTC),
        version="2.0.0",
        findings=findings,
    )
    store.upsert(s)
    got = store.get(ID1)
    assert got is not None
    assert got.to_score() == s


def test_findings_are_capped_and_cleaned(store: QualityStore) -> None:
    many = tuple(Finding("completeness", f"rule{i}", -0.01 * i, f"d\x00{i}") for i in range(25))
    store.upsert(score(findings=many, name="nul\x00name"))
    got = store.get(ID1)
    assert got is not None
    assert len(got.findings) == MAX_STORED_FINDINGS == 20
    assert got.findings[3] == Finding("completeness", "rule3", -0.03, "d\ufffd3")
    assert got.pattern_name == "nul\ufffdname"


def test_closed_store_raises(store: QualityStore) -> None:
    store.upsert(score())
    store.close()
    with pytest.raises(StoreError, match="closed"):
        store.count()
    store.close()  # idempotent


def test_fake_write_times_are_strictly_increasing() -> None:
    fixed = datetime(2030, 1, 1, tzinfo=UTC)
    fake = InMemoryQualityStore(clock=lambda: fixed)
    fake.upsert([score(ID1), score(ID3)])
    fake.upsert(score(ID2))
    fake.upsert(score(ID1, at=1))
    rows = fake.get_many([ID1, ID2, ID3])
    tick = timedelta(microseconds=1)
    assert {k: (v.created_at, v.updated_at) for k, v in rows.items()} == {
        ID1: (fixed, fixed + 2 * tick),
        ID2: (fixed + tick, fixed + tick),
        ID3: (fixed, fixed),
    }


def test_context_manager_closes() -> None:
    with InMemoryQualityStore() as s:
        s.upsert(score())
    with pytest.raises(StoreError, match="closed"):
        s.get(ID1)
