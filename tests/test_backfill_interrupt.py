"""Ctrl-C and cancellation inside backfill() / abackfill(), against the real PostgreSQL.

Both twins turn a ``KeyboardInterrupt`` into ``BackfillInterrupted`` whose
partial report counts exactly the rows that are committed; a cancelled
``abackfill`` finishes the batch being written and ends cancelled.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest

from pattern_quality import (
    AsyncPostgresQualityStore,
    PostgresQualityStore,
    abackfill,
    backfill,
)
from pattern_quality.errors import BackfillInterrupted
from tests.backfill_items import _mapping, _row_count

BATCH = 10
BEFORE_CTRL_C = 35  # three full batches read, five patterns pending


def _interrupted_source() -> Iterator[dict[str, Any]]:
    for i in range(BEFORE_CTRL_C):
        yield _mapping(i)
    raise KeyboardInterrupt


def test_backfill_raises_backfill_interrupted_with_what_is_committed(migrated_dsn: str) -> None:
    with PostgresQualityStore(migrated_dsn) as store, pytest.raises(BackfillInterrupted) as caught:
        backfill(_interrupted_source(), store, batch_size=BATCH)
    report = caught.value.report
    assert isinstance(caught.value, KeyboardInterrupt)
    assert not report.completed and report.error == "interrupted"
    assert report.seen == BEFORE_CTRL_C
    assert report.stored == _row_count(migrated_dsn) == 3 * BATCH


@pytest.mark.anyio
async def test_abackfill_raises_backfill_interrupted_like_its_twin(migrated_dsn: str) -> None:
    async def source() -> AsyncIterator[dict[str, Any]]:
        for item in _interrupted_source():
            yield item

    async with AsyncPostgresQualityStore(migrated_dsn) as store:
        with pytest.raises(BackfillInterrupted) as caught:  # noqa: SIM117 (async with)
            await abackfill(source(), store, batch_size=BATCH)
    report = caught.value.report
    assert not report.completed and report.error == "interrupted"
    assert report.seen == BEFORE_CTRL_C
    assert report.stored == _row_count(migrated_dsn) == 3 * BATCH


@pytest.mark.anyio
async def test_a_cancelled_abackfill_finishes_its_write_and_ends_cancelled(
    migrated_dsn: str,
) -> None:
    reading = asyncio.Event()
    seen: list[int] = []

    async def source() -> AsyncIterator[dict[str, Any]]:
        for i in range(2 * BATCH + 1):
            yield _mapping(i)
        reading.set()
        await asyncio.Event().wait()  # a source that never answers again
        yield _mapping(999)

    async with AsyncPostgresQualityStore(migrated_dsn) as store:
        task = asyncio.create_task(
            abackfill(source(), store, batch_size=BATCH, progress=seen.append)
        )
        await reading.wait()
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task
        assert task.cancelled()
    # Both full batches were submitted before the cancel: both are committed, none half.
    assert _row_count(migrated_dsn) == 2 * BATCH
    assert sum(seen) == 2 * BATCH
