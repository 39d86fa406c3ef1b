# Generated from pattern_quality/storage/_briefs_async.py by tools/async_to_sync.py.
# Do not edit: change the async source and run `make generate`.
"""The filter's narrow read of the PostgreSQL store: ``get_briefs`` (mixed into the store).

Kept apart from :mod:`.postgres` so that module stays one concept (and
under 400 lines); the sync twin is generated from this module.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC
from typing import Any, TypeVar

import psycopg

from ..ids import canonical_pattern_ids
from ..models import QualityBrief
from . import statements

__all__ = ["PostgresBriefs"]

T = TypeVar("T")
_Cursor = psycopg.Cursor[tuple[Any, ...]]


class PostgresBriefs:
    """``get_briefs`` over the store's table and its one-call helper."""

    _t: statements.TableRef

    def _call(
        self, action: str, body: Callable[[_Cursor], T], write: bool
    ) -> T:  # pragma: no cover - the store defines it
        raise NotImplementedError

    def get_briefs(self, pattern_ids: Iterable[str]) -> dict[str, QualityBrief]:
        """Return the composite, rubric and measurement time of several patterns.

        The filter's read: one round trip of a prepared statement over four scalar
        columns, with no JSON decoding and no row mapping (docs/storage.md).

        Args:
            pattern_ids: UUIDs in any accepted spelling.

        Returns:
            Briefs keyed by canonical id; missing ids are absent.

        Raises:
            PatternValidationError: An id is not a UUID.
            StoreError: The read failed.
        """
        ids = canonical_pattern_ids(pattern_ids)
        if not ids:
            return {}
        query = statements.select_briefs_sql(self._t)

        def read(cur: _Cursor) -> list[tuple[Any, ...]]:
            return cur.execute(query, (ids,), prepare=True).fetchall()

        rows = self._call(f"read {len(ids)} score(s)", read, write=False)
        return {
            pid: QualityBrief(score, version, at.replace(tzinfo=UTC))
            for pid, score, version, at in rows
        }
