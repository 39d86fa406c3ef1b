"""The table behind the in-memory stores: rows in a dict, the PostgreSQL semantics.

:class:`MemoryTable` validates, deduplicates, orders and encodes each call
through the same I/O-free functions as the PostgreSQL stores (:mod:`.rows`),
and decodes the stored ``metadata`` from the same JSON text, so a row read from
a fake equals the row read from PostgreSQL after the same calls.
``created_at`` / ``updated_at`` come from ``datetime.now(UTC)`` (strictly
increasing per table), where PostgreSQL uses ``now()``, the time the writing
transaction started. Thread-safe, never awaits.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta

from ..errors import StoreError
from ..ids import canonical_pattern_id, canonical_pattern_ids
from ..models import QualityScore, StoredQuality
from . import statements
from .rows import prepare_upsert, stored_from_row

__all__ = ["MemoryTable"]

_TICK = timedelta(microseconds=1)


def _utc_now() -> datetime:
    return datetime.now(UTC)


class MemoryTable:
    """The rows of one in-memory store and the lock that guards them."""

    def __init__(self, clock: Callable[[], datetime] | None) -> None:
        self.rows: dict[str, StoredQuality] = {}
        self.lock = threading.Lock()
        self.clock = _utc_now if clock is None else clock
        self.last: datetime | None = None
        self.closed = False

    def check_open(self) -> None:
        if self.closed:
            raise StoreError("the in-memory quality store is closed")

    def _now(self) -> datetime:
        now = self.clock()
        if self.last is not None and now <= self.last:
            now = self.last + _TICK  # one write time per call, strictly increasing
        self.last = now
        return now

    def upsert(self, scores: QualityScore | Iterable[QualityScore]) -> int:
        self.check_open()
        prepared = prepare_upsert(scores)  # validates everything before any write
        if not prepared:
            return 0
        written = 0
        with self.lock:
            now = self._now()
            rows = self.rows
            for row in prepared:
                current = rows.get(row.pattern_id)
                if (
                    current is not None
                    and current.measurement_timestamp > row.measurement_timestamp
                ):
                    continue  # stale: an older measurement never overwrites a newer one
                created = now if current is None else current.created_at
                rows[row.pattern_id] = stored_from_row(
                    (*row[:5], json.loads(row.metadata), created, now)
                )
                written += 1
        return written

    def get(self, pattern_id: str) -> StoredQuality | None:
        self.check_open()
        return self.rows.get(canonical_pattern_id(pattern_id))

    def get_many(self, pattern_ids: Iterable[str]) -> dict[str, StoredQuality]:
        self.check_open()
        ids = canonical_pattern_ids(pattern_ids)
        with self.lock:
            return {pid: self.rows[pid] for pid in ids if pid in self.rows}

    def count(self) -> int:
        self.check_open()
        return len(self.rows)

    def snapshot(self, batch_size: int) -> list[StoredQuality]:
        statements.check_batch_size(batch_size)
        self.check_open()
        with self.lock:
            return [self.rows[pid] for pid in sorted(self.rows)]

    def delete(self, pattern_ids: Iterable[str]) -> int:
        self.check_open()
        ids = canonical_pattern_ids(pattern_ids)
        with self.lock:
            return sum(self.rows.pop(pid, None) is not None for pid in ids)
