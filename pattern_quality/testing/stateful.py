"""A reusable hypothesis state machine for the store contract, and a sync driver for async stores.

:class:`QualityStoreStateMachine` applies the same random operations (upserts
with repeated ids in one batch, older/newer/equal timestamps and ids in every
accepted spelling; invalid batches; gets, ``get_many``, deletes, counts and
``iter_all``) to the store under test and to a reference, the in-memory fake,
and checks after every step that both return the same results and hold the
same rows, down to *which* rows were created or updated by each call.

Subclass it with a factory for your store::

    class MyStoreMachine(QualityStoreStateMachine):
        def make_store(self) -> QualityStore:
            return MyStore()

    TestMyStore = MyStoreMachine.TestCase

An :class:`~pattern_quality.storage.base.AsyncQualityStore` is driven through
:class:`BlockingStore`: ``return BlockingStore(lambda: MyAsyncStore())``.
"""

from __future__ import annotations

import asyncio
import inspect
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, ClassVar, Self, TypeVar

import attrs
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from ..errors import PatternValidationError
from ..models import Finding, QualityScore, StoredQuality
from ..storage.base import AsyncQualityStore, QualityStore
from ..storage.in_memory import InMemoryQualityStore
from ..storage.statements import DEFAULT_READ_BATCH
from .strategies import quality_scores

__all__ = ["BlockingStore", "QualityStoreStateMachine", "spellings"]

_T = TypeVar("_T")


class BlockingStore:
    """A :class:`~pattern_quality.storage.base.QualityStore` over an async store.

    Runs every call to completion on a private event loop (:class:`asyncio.Runner`),
    so synchronous test code, such as a hypothesis state machine, can drive an
    :class:`~pattern_quality.storage.base.AsyncQualityStore`. Not for use inside
    a running event loop.
    """

    def __init__(
        self, factory: Callable[[], AsyncQualityStore | Awaitable[AsyncQualityStore]]
    ) -> None:
        """Create the async store on the private loop.

        Args:
            factory: Returns the async store (or an awaitable of it); called on the
                private loop, so pools bind to it.
        """
        self._runner = asyncio.Runner()
        self._closed = False

        async def make() -> AsyncQualityStore:
            made = factory()
            return await made if inspect.isawaitable(made) else made

        self._store = self._runner.run(make())

    def _run(self, awaitable: Awaitable[_T]) -> _T:
        async def wrapped() -> _T:
            return await awaitable

        if self._closed:
            # The private loop is gone; a closed store only raises, so any loop will do.
            return asyncio.run(wrapped())
        return self._runner.run(wrapped())

    @property
    def wrapped(self) -> AsyncQualityStore:
        """The async store being driven."""
        return self._store

    def upsert(self, scores: QualityScore | Iterable[QualityScore]) -> int:
        """Run ``upsert`` on the async store; see the Protocol."""
        return self._run(self._store.upsert(scores))

    def get(self, pattern_id: str) -> StoredQuality | None:
        """Run ``get`` on the async store."""
        return self._run(self._store.get(pattern_id))

    def get_many(self, pattern_ids: Iterable[str]) -> dict[str, StoredQuality]:
        """Run ``get_many`` on the async store."""
        return self._run(self._store.get_many(pattern_ids))

    def count(self) -> int:
        """Run ``count`` on the async store."""
        return self._run(self._store.count())

    def iter_all(self, batch_size: int = DEFAULT_READ_BATCH) -> Iterator[StoredQuality]:
        """Step the async store's ``iter_all`` one row per ``next()``."""
        rows = self._store.iter_all(batch_size)
        try:
            while True:
                try:
                    row = self._run(anext(rows))
                except StopAsyncIteration:
                    return
                yield row
        finally:
            aclose = getattr(rows, "aclose", None)
            if aclose is not None and not self._closed:
                self._run(aclose())

    def delete(self, pattern_ids: Iterable[str]) -> int:
        """Run ``delete`` on the async store."""
        return self._run(self._store.delete(pattern_ids))

    def close(self) -> None:
        """Close the async store, then the private loop. Idempotent."""
        if not self._closed:
            try:
                self._run(self._store.close())
            finally:
                self._closed = True
                self._runner.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


def spellings(pattern_id: str) -> tuple[str, ...]:
    """Return the accepted spellings of a canonical UUID string.

    Args:
        pattern_id: A canonical lowercase UUID.

    Returns:
        Canonical, upper case, braced, 32 hex digits and ``urn:uuid:`` forms.
    """
    u = uuid.UUID(pattern_id)
    return (str(u), str(u).upper(), "{" + str(u) + "}", u.hex, u.urn)


_DIMENSIONS = (
    "completeness",
    "documentation",
    "onex_compliance",
    "metadata_richness",
    "complexity",
)
_BAD_IDS = ("", "not-a-uuid", "123", "{" + "0" * 31 + "}", "g" * 32, " " + "0" * 32)


def _findings() -> st.SearchStrategy[tuple[Finding, ...]]:
    text = st.text(st.characters(codec="utf-8"), max_size=12)  # NUL included on purpose
    finding = st.builds(
        Finding,
        dimension=st.sampled_from(_DIMENSIONS),
        rule=text,
        effect=st.floats(-1.0, 1.0),
        detail=text,
    )
    return st.lists(finding, max_size=3).map(tuple)


def _any_id(ids: tuple[str, ...]) -> st.SearchStrategy[str]:
    return st.sampled_from(ids).flatmap(lambda pid: st.sampled_from(spellings(pid)))


def _core(row: StoredQuality | None) -> QualityScore | None:
    return None if row is None else row.to_score()


class QualityStoreStateMachine(RuleBasedStateMachine):
    """Checks a store against the in-memory fake after every step.

    Override :meth:`make_store` (and, rarely, :meth:`make_reference`,
    :attr:`POOL_SIZE` or :attr:`TIMESTAMPS`). Each hypothesis example builds a
    fresh pair of stores and closes them at the end; ``make_store`` must return
    an empty store.
    """

    #: How many distinct pattern ids the operations draw from (small: many conflicts).
    POOL_SIZE: ClassVar[int] = 5
    #: The measurement timestamps drawn (few: many equal, older and newer writes).
    TIMESTAMPS: ClassVar[tuple[datetime, ...]] = tuple(
        datetime(2024, 1, 1, 12, minute, tzinfo=UTC) for minute in (0, 1, 2, 3)
    )

    def __init__(self) -> None:
        super().__init__()
        self.ids = tuple(str(uuid.UUID(int=0x5EED << 64 | i)) for i in range(self.POOL_SIZE))
        self.reference = self.make_reference()
        self.store = self.make_store()
        self._seen: dict[str, dict[str, tuple[Any, Any]]] = {"store": {}, "reference": {}}

    def make_store(self) -> QualityStore:
        """Return the (empty) store under test; override this.

        Returns:
            A sync store; wrap an async one in :class:`BlockingStore`.
        """
        raise NotImplementedError("subclass QualityStoreStateMachine and define make_store()")

    def make_reference(self) -> QualityStore:
        """Return the reference store (default: a new :class:`InMemoryQualityStore`).

        Returns:
            An empty store.
        """
        return InMemoryQualityStore()

    def teardown(self) -> None:
        """Close both stores."""
        try:
            self.store.close()
        finally:
            self.reference.close()

    # -- strategies ---------------------------------------------------------------------

    def _both(self, call: Callable[[QualityStore], _T]) -> tuple[_T, _T]:
        return call(self.store), call(self.reference)

    # -- rules -------------------------------------------------------------------------

    @rule(data=st.data(), single=st.booleans())
    def upsert(self, data: st.DataObject, single: bool) -> None:
        """Upsert a batch (repeated ids, few timestamps) or a single score."""
        ids = _any_id(self.ids)
        stamps = st.sampled_from(self.TIMESTAMPS)
        score = st.tuples(quality_scores(pattern_ids=ids, timestamps=stamps), _findings()).map(
            lambda pair: attrs.evolve(pair[0], findings=pair[1])
        )
        batch: QualityScore | list[QualityScore]
        batch = data.draw(score) if single else data.draw(st.lists(score, max_size=8))
        written, expected = self._both(lambda s: s.upsert(batch))
        assert written == expected, f"upsert wrote {written} rows, the fake {expected}"

    @rule(data=st.data(), bad=st.sampled_from(_BAD_IDS))
    def upsert_invalid(self, data: st.DataObject, bad: str) -> None:
        """A batch with one invalid id is rejected whole by both stores."""
        good = data.draw(st.lists(quality_scores(pattern_ids=_any_id(self.ids)), max_size=4))
        broken = attrs.evolve(data.draw(quality_scores()), pattern_id=bad)
        batch = [*good, broken]
        batch.insert(data.draw(st.integers(0, len(good))), batch.pop())
        for store in (self.store, self.reference):
            try:
                store.upsert(batch)
            except PatternValidationError:
                continue
            raise AssertionError(f"{store!r} accepted pattern_id {bad!r}")

    @rule(data=st.data())
    def get(self, data: st.DataObject) -> None:
        """``get`` returns the same row (any spelling of the id)."""
        pid = data.draw(_any_id(self.ids))
        got, expected = self._both(lambda s: _core(s.get(pid)))
        assert got == expected

    @rule(data=st.data())
    def get_many(self, data: st.DataObject) -> None:
        """``get_many`` returns the same rows keyed by canonical id."""
        pids = data.draw(st.lists(_any_id(self.ids), max_size=6))
        got, expected = self._both(lambda s: {k: v.to_score() for k, v in s.get_many(pids).items()})
        assert got == expected

    @rule(data=st.data())
    def delete(self, data: st.DataObject) -> None:
        """``delete`` removes the same rows and counts them the same way."""
        pids = data.draw(st.lists(_any_id(self.ids), max_size=3))
        deleted, expected = self._both(lambda s: s.delete(pids))
        assert deleted == expected

    @rule(batch_size=st.integers(1, 4))
    def iter_all(self, batch_size: int) -> None:
        """``iter_all`` streams the same rows in ``pattern_id`` order."""
        got, expected = self._both(lambda s: [r.to_score() for r in s.iter_all(batch_size)])
        assert got == expected
        ids = [str(r.pattern_id) for r in got]
        assert ids == sorted(ids), f"iter_all is not in pattern_id order: {ids}"

    @rule(bad=st.sampled_from(_BAD_IDS))
    def read_invalid(self, bad: str) -> None:
        """Invalid ids are rejected by ``get``, ``get_many`` and ``delete`` alike."""
        calls: tuple[Callable[[QualityStore], object], ...] = (
            lambda s: s.get(bad),
            lambda s: s.get_many([self.ids[0], bad]),
            lambda s: s.delete([self.ids[0], bad]),
        )
        for call in calls:
            for store in (self.store, self.reference):
                try:
                    call(store)
                except PatternValidationError:
                    continue
                raise AssertionError(f"{store!r} accepted pattern_id {bad!r}")

    # -- invariant ---------------------------------------------------------------------

    def _marks(self, name: str, rows: dict[str, StoredQuality]) -> dict[str, str]:
        """Classify each row since the last step: new / rewritten / same, and check it."""
        seen = self._seen[name]
        marks = {}
        for pid, row in rows.items():
            stamps = (row.created_at, row.updated_at)
            assert row.created_at is not None and row.updated_at is not None
            assert row.created_at <= row.updated_at, f"{name}: created after updated {pid}"
            before = seen.get(pid)
            if before is None or before[0] != stamps[0]:
                marks[pid] = "new"
                assert stamps[0] == stamps[1], (
                    f"{name}: new row {pid} with updated_at != created_at"
                )
            elif before[1] != stamps[1]:
                assert stamps[1] > before[1], f"{name}: updated_at of {pid} went back"
                marks[pid] = "rewritten"
            else:
                marks[pid] = "same"
        self._seen[name] = {pid: (r.created_at, r.updated_at) for pid, r in rows.items()}
        return marks

    @invariant()
    def stores_agree(self) -> None:
        """Same count, same rows, and the same rows created/updated by the last step."""
        count, expected_count = self._both(lambda s: s.count())
        assert count == expected_count
        rows, expected = self._both(lambda s: s.get_many(self.ids))
        assert {k: v.to_score() for k, v in rows.items()} == {
            k: v.to_score() for k, v in expected.items()
        }
        assert len(rows) == count
        assert self._marks("store", rows) == self._marks("reference", expected)
