"""One shared store (and pool) per database URL, for the scorer's convenience API.

:meth:`PatternQualityScorer.store_quality_metrics` and its ``_sync`` twin must
not open a connection per call, as the legacy writer did, and must work from
scripts that call ``asyncio.run`` several times as well as from notebooks. The
registry therefore keeps one thread-safe :class:`PostgresQualityStore` per URL:
the sync path calls it directly, the async path runs it in a worker thread
(``asyncio.to_thread``). A pool bound to no event loop survives every loop and
is closed cleanly at interpreter exit or by :func:`close_pools`. Applications
that want a native async pool build an :class:`AsyncPostgresQualityStore` and
bind it with ``PatternQualityScorer(store=...)``.
"""

from __future__ import annotations

import asyncio
import atexit
import inspect
import threading
from collections.abc import Iterable
from typing import cast

from .._config import resolve_database_url
from ..models import QualityScore
from ._pg import check_dsn
from .base import AsyncQualityStore, QualityStore
from .postgres import PostgresQualityStore

__all__ = ["close_pools", "is_async_store", "shared_store", "store_scores", "astore_scores"]

_stores: dict[tuple[tuple[str, str], ...], PostgresQualityStore] = {}
_lock = threading.Lock()
_hooked = False


def shared_store(database_url: str | None = None) -> PostgresQualityStore:
    """Return the process-wide store of a database URL, creating it on first use.

    Args:
        database_url: Connection string or URL; defaults to
            ``PATTERN_QUALITY_DATABASE_URL``, then ``HOST_DATABASE_URL``, then
            ``DATABASE_URL``.

    Returns:
        The shared store (its pool opens, and the schema is checked, on first use).

    Raises:
        ConfigurationError: No URL given or configured, or it does not parse.
    """
    global _hooked
    url = resolve_database_url(database_url)
    key = _key(url)
    with _lock:
        store = _stores.get(key)
        if store is None:
            store = _stores[key] = PostgresQualityStore(url)
            if not _hooked:
                atexit.register(close_pools)
                _hooked = True
        return store


def _key(url: str) -> tuple[tuple[str, str], ...]:
    # One pool per database, not per spelling: the parsed parameters, sorted
    # (URL or key/value, percent-encoding, parameter order, scheme alias alike).
    return tuple(sorted((k, str(v)) for k, v in check_dsn(url).items() if v is not None))


def close_pools() -> None:
    """Close every shared store and its pool; the next use opens a new one.

    Registered with :mod:`atexit`; call it yourself to release connections early
    (e.g. at the end of a notebook section or in test teardown).
    """
    with _lock:
        stores = list(_stores.values())
        _stores.clear()
    for store in stores:
        store.close()


def is_async_store(store: QualityStore | AsyncQualityStore) -> bool:
    """Tell an async store from a sync one (the Protocols share method names).

    Args:
        store: Any store.

    Returns:
        ``True`` when ``store.upsert`` is a coroutine function.
    """
    return inspect.iscoroutinefunction(store.upsert)


def _target(
    database_url: str | None, bound: QualityStore | AsyncQualityStore | None
) -> QualityStore | AsyncQualityStore:
    if database_url or bound is None:
        return shared_store(database_url)
    return bound


def store_scores(
    scores: QualityScore | Iterable[QualityScore],
    database_url: str | None = None,
    bound: QualityStore | AsyncQualityStore | None = None,
) -> int:
    """Upsert scores synchronously into the URL's shared store, else into ``bound``.

    Args:
        scores: One score or an iterable of them.
        database_url: Explicit URL (wins over ``bound``).
        bound: The store bound to the caller, if any.

    Returns:
        Rows inserted or updated.

    Raises:
        ConfigurationError: No URL given or configured and no store bound.
        TypeError: The store to use is async (await the async API instead).
    """
    store = _target(database_url, bound)
    if is_async_store(store):
        raise TypeError(
            f"{type(store).__name__} is async: use `await scorer.store_quality_metrics(...)`"
        )
    return cast(QualityStore, store).upsert(scores)


async def astore_scores(
    scores: QualityScore | Iterable[QualityScore],
    database_url: str | None = None,
    bound: QualityStore | AsyncQualityStore | None = None,
) -> int:
    """Async twin of :func:`store_scores`; sync stores run in a worker thread.

    Args:
        scores: One score or an iterable of them.
        database_url: Explicit URL (wins over ``bound``).
        bound: The store bound to the caller, if any.

    Returns:
        Rows inserted or updated.

    Raises:
        ConfigurationError: No URL given or configured and no store bound.
    """
    store = _target(database_url, bound)
    if is_async_store(store):
        return await cast(AsyncQualityStore, store).upsert(scores)
    return await asyncio.to_thread(cast(QualityStore, store).upsert, scores)
