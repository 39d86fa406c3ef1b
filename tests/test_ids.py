"""One pattern-id parser for the stores, the backfill, the filter and the Qdrant mapping.

Regression: ids that :class:`uuid.UUID` accepts but the stores do not (``uuid:…``,
``{…`` without its closing brace, stray hyphens, ``urn:`` alone) used to pass the
backfill and then make the store reject the whole batch. Now every part parses
ids with :mod:`pattern_quality.ids`, so such an item is one failure in the report
and the rest of its batch is stored.
"""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest
from hypothesis import given
from hypothesis import strategies as st

from pattern_quality import (
    AsyncPostgresQualityStore,
    InMemoryQualityStore,
    PatternQualityScorer,
    PatternValidationError,
    PostgresQualityStore,
    QualityFilter,
    abackfill,
    backfill,
)
from pattern_quality.ids import (
    canonical_pattern_id,
    canonical_pattern_ids,
    parse_pattern_id,
    pattern_id_text,
)
from pattern_quality.qdrant import pattern_id_for_point
from pattern_quality.testing.strategies import uuids

#: The namespace of the legacy uuid5 rule, spelled out rather than imported.
POINT_ID_NAMESPACE = uuid.UUID("6ba7b810-9dad-11d1-80b4-00c04fd430c8")
ID = "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
HEX = ID.replace("-", "")

#: Spellings uuid.UUID accepts that are not pattern ids.
ODD = [
    "uuid:" + ID,
    "{" + ID,
    ID + "}",
    "{{" + ID + "}}",
    "urn:" + ID,
    "urn:uuid:{" + ID,
    ID[:4] + "-" + ID[4:],
    HEX[:10] + "-" + HEX[10:],
    "uuid:" + HEX,
    "urn:uuid:uuid:" + ID,
]
ACCEPTED = [
    ID,
    ID.upper(),
    HEX,
    HEX.upper(),
    "{" + ID + "}",
    "{" + HEX + "}",
    "urn:uuid:" + ID,
    "URN:UUID:" + ID.upper(),
    "urn:uuid:{" + ID + "}",
]


@pytest.mark.parametrize("text", ODD)
def test_odd_spellings_that_uuid_accepts_are_not_pattern_ids(text: str) -> None:
    assert str(uuid.UUID(text)) == ID  # the lenient parser the backfill used to trust
    assert parse_pattern_id(text) is None
    with pytest.raises(PatternValidationError, match="pattern_id: expected a UUID"):
        canonical_pattern_id(text)


@pytest.mark.parametrize("text", ACCEPTED)
def test_accepted_spellings_are_canonicalised(text: str) -> None:
    assert parse_pattern_id(text) == canonical_pattern_id(text) == ID


def test_uuid_objects_and_non_strings() -> None:
    assert canonical_pattern_id(uuid.UUID(ID)) == ID
    for value in (None, 42, 4.2, b"x", [ID]):
        assert parse_pattern_id(value) is None
        with pytest.raises(PatternValidationError):
            canonical_pattern_id(value)
    with pytest.raises(PatternValidationError, match="single string"):
        canonical_pattern_ids(ID)
    assert canonical_pattern_ids([ID.upper(), HEX, ID]) == [ID]


def test_models_keep_the_id_as_text() -> None:
    assert pattern_id_text(None) is None
    assert pattern_id_text("{" + ID) == "{" + ID  # kept as given; checked when stored
    assert pattern_id_text(7) == "7"
    assert pattern_id_text(uuid.UUID(ID)) == ID
    bad: object
    for bad in (True, 1.5, {}, [], (), set()):
        with pytest.raises(PatternValidationError, match="pattern_id: expected str"):
            pattern_id_text(bad)


@given(uuids())
def test_every_generated_spelling_is_accepted(spelling: str) -> None:
    assert canonical_pattern_id(spelling) == str(uuid.UUID(spelling))


@given(st.text(max_size=40))
def test_whatever_the_parser_accepts_uuid_accepts_too(text: str) -> None:
    canonical = parse_pattern_id(text)
    if canonical is not None:
        assert canonical == str(uuid.UUID(text))


@pytest.mark.parametrize("text", ODD)
def test_qdrant_mapping_keys_odd_point_ids_by_the_legacy_uuid5(text: str) -> None:
    assert pattern_id_for_point(text) == str(
        uuid.uuid5(POINT_ID_NAMESPACE, "qdrant-pattern-" + text)
    )
    assert pattern_id_for_point("{" + ID.upper() + "}") == ID


def test_filter_scores_odd_ids_but_never_writes_them_back() -> None:
    store = InMemoryQualityStore()
    with QualityFilter(store, PatternQualityScorer()) as quality:
        result = quality.filter([{"pattern_id": t, "code": "import os"} for t in ODD], 0.0)
        quality.flush()
    assert (result.passed, result.computed, result.written_back) == (len(ODD), len(ODD), 0)
    assert store.count() == 0


# --- the backfill: a bad id is one failure, never a lost batch --------------------------------


def _items() -> list[dict[str, Any]]:
    good = [{"pattern_id": str(uuid.UUID(int=i + 1)), "code": f"x = {i}"} for i in range(6)]
    odd = [{"pattern_id": text, "code": "y = 1"} for text in ODD]
    # Interleaved, so that every batch of four holds good and bad items.
    return [item for pair in zip(good, odd, strict=False) for item in pair] + odd[len(good) :]


def _check_report(report: Any, stored: int) -> None:
    assert (report.seen, report.scored, report.failed, report.stored) == (16, 6, 10, stored)
    assert report.completed
    [group] = report.failures
    assert (group.reason, group.count) == ("pattern_id: expected a UUID", len(ODD))
    assert {e.point_id for e in group.examples} == set(ODD[:5])


def _stored_ids(dsn: str) -> set[str]:
    with psycopg.connect(dsn) as conn:
        rows = conn.execute("SELECT pattern_id::text FROM pattern_quality_metrics").fetchall()
    return {r[0] for r in rows}


def test_backfill_reports_odd_ids_and_stores_the_rest_in_postgres(migrated_dsn: str) -> None:
    with PostgresQualityStore(migrated_dsn) as store:
        report = backfill(_items(), store, batch_size=4)
    _check_report(report, stored=6)
    assert report.batches == 2
    assert _stored_ids(migrated_dsn) == {str(uuid.UUID(int=i + 1)) for i in range(6)}


def test_dry_run_reports_the_same_failures(migrated_dsn: str) -> None:
    _check_report(backfill(_items(), None, dry_run=True, batch_size=4), stored=0)
    with PostgresQualityStore(migrated_dsn) as store:
        _check_report(backfill(_items(), store, dry_run=True, batch_size=4), stored=0)
    assert _stored_ids(migrated_dsn) == set()


@pytest.mark.anyio
async def test_async_backfill_reports_odd_ids_and_stores_the_rest(migrated_dsn: str) -> None:
    async with AsyncPostgresQualityStore(migrated_dsn) as store:
        report = await abackfill(_items(), store, batch_size=4)
    _check_report(report, stored=6)
    assert len(_stored_ids(migrated_dsn)) == 6


@given(st.one_of(st.text(max_size=40), uuids(), st.sampled_from(ODD + ACCEPTED)))
def test_backfill_and_store_agree_on_every_id(text: str) -> None:
    store = InMemoryQualityStore()
    report = backfill([{"pattern_id": text}], store)  # never raises BackfillError
    assert report.completed
    assert (report.stored, report.failed) == ((1, 0) if parse_pattern_id(text) else (0, 1))
