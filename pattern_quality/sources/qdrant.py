"""Read patterns out of Qdrant collections: :class:`QdrantPatternSource` and its async twin.

A source scrolls one or more collections page by page (payloads only, never
vectors) and maps every point with the legacy rules of SPEC §5
(:func:`point_to_pattern`). A point whose payload cannot become a valid pattern
comes out as a :class:`PointFailure` in its place and the scroll goes on. At
most one page is held in memory at a time.

Example:
    >>> from qdrant_client import QdrantClient
    >>> source = QdrantPatternSource(QdrantClient(":memory:"), collections=[])
    >>> list(source.scan([]))
    []
"""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterable, Iterator, Sequence
from pathlib import Path
from types import TracebackType
from typing import Any, Final, Self
from uuid import UUID

import httpx
from qdrant_client import AsyncQdrantClient, QdrantClient
from qdrant_client.common.client_exceptions import QdrantException
from qdrant_client.http.exceptions import ApiException

from ..errors import ConfigurationError, PatternValidationError
from ..models import Pattern
from .mapping import (
    DEFAULT_COLLECTIONS,
    DEFAULT_PAGE_SIZE,
    KNOWN_COLLECTIONS,
    LOCAL_PAGE_SIZE,
    PointFailure,
    QdrantUnavailableError,
    Shard,
    missing_collections_error,
    pattern_id_for_point,
    point_failure,
    point_to_pattern,
    scrub,
    translate_qdrant_error,
)

__all__ = [
    "DEFAULT_COLLECTIONS",
    "DEFAULT_PAGE_SIZE",
    "KNOWN_COLLECTIONS",
    "LOCAL_PAGE_SIZE",
    "AsyncQdrantPatternSource",
    "PointFailure",
    "QdrantPatternSource",
    "QdrantUnavailableError",
    "Shard",
    "pattern_id_for_point",
    "point_to_pattern",
]

#: Errors of qdrant-client and its transports that mean "Qdrant did not answer as asked".
_CLIENT_ERRORS: Final = (ApiException, QdrantException, httpx.HTTPError, OSError)
#: Seconds a request to a Qdrant server may take before it counts as unavailable.
DEFAULT_TIMEOUT: Final = 30


def _names(collections: Iterable[str] | str) -> tuple[str, ...]:
    if isinstance(collections, str):
        collections = (collections,)
    names = tuple(dict.fromkeys(collections))
    for name in names:
        if not isinstance(name, str) or not name:
            raise ValueError(f"a collection name must be a non-empty string, got {name!r}")
    return names


def _page_size(value: int | None, local: bool) -> int:
    if value is None:
        return LOCAL_PAGE_SIZE if local else DEFAULT_PAGE_SIZE
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"page_size must be an integer >= 1, got {value!r}")
    return value


def _shard(value: Shard | str | None) -> Shard | None:
    return Shard.parse(value) if isinstance(value, str) else value


def _describe(options: dict[str, Any]) -> tuple[str, str | None, bool]:
    """Return (scrubbed location, api key, local mode?) from a client's ``init_options``."""
    key = options.get("api_key")
    secret = key if isinstance(key, str) and key else None
    if options.get("path"):
        return f"local storage {options['path']}", secret, True
    if options.get("location") == ":memory:":
        return "local memory", secret, True
    for name in ("url", "host", "location"):
        value = options.get(name)
        if value:
            return scrub(str(value), secret), secret, False
    return "localhost", secret, False


def _local_path(path: str | os.PathLike[str] | None) -> str:
    if path is None:
        return ":memory:"
    if not Path(path).is_dir():
        raise ConfigurationError(f"local Qdrant storage {os.fspath(path)!r} does not exist")
    return os.fspath(path)


def _item(collection: str, raw_id: int | str | UUID, payload: Any) -> Pattern | PointFailure:
    point_id = str(raw_id) if isinstance(raw_id, UUID) else raw_id
    try:
        return point_to_pattern(collection, point_id, payload)
    except PatternValidationError as exc:
        return point_failure(collection, point_id, exc)


class _Base:
    def __init__(
        self,
        client: QdrantClient | AsyncQdrantClient,
        *,
        collections: Iterable[str] | str = DEFAULT_COLLECTIONS,
        page_size: int | None = None,
        shard: Shard | str | None = None,
        close_client: bool = False,
    ) -> None:
        self._client = client
        self._where, self._secret, local = _describe(dict(getattr(client, "init_options", {})))
        self._collections = _names(collections)
        self._page_size = _page_size(page_size, local)
        self._shard = _shard(shard)
        self._close_client = close_client

    @property
    def collections(self) -> tuple[str, ...]:
        """The collections scanned when none are named."""
        return self._collections

    @property
    def page_size(self) -> int:
        """Points fetched per ``scroll`` call."""
        return self._page_size

    @property
    def shard(self) -> Shard | None:
        """The slice of points this source yields, or ``None`` for all of them."""
        return self._shard

    @property
    def location(self) -> str:
        """Where the points come from (a URL without secrets, or the local path)."""
        return self._where

    def _resolve(self, collections: Iterable[str] | str | None) -> tuple[str, ...]:
        return self._collections if collections is None else _names(collections)

    def _error(self, exc: BaseException, action: str) -> QdrantUnavailableError:
        return translate_qdrant_error(exc, self._where, action, self._secret)

    def _owned(self, point_ids: Iterable[int | str | UUID]) -> list[int | str | UUID]:
        shard = self._shard
        assert shard is not None
        return [pid for pid in point_ids if shard.owns(pattern_id_for_point(pid))]


class QdrantPatternSource(_Base):
    """Yields :class:`Pattern` objects from Qdrant collections, one page at a time.

    Args:
        client: A :class:`qdrant_client.QdrantClient` (server or local mode).
        collections: Collections scanned when :meth:`scan` names none
            (default: ``code_patterns`` and ``execution_patterns``).
        page_size: Points per ``scroll`` call; ``None`` picks
            :data:`DEFAULT_PAGE_SIZE` (1,000) for a server and :data:`LOCAL_PAGE_SIZE`
            (5,000) for local mode, as measured in docs/performance.md.
        shard: Only yield the points of this ``k/N`` slice (``Shard`` or ``"k/N"``).
        close_client: Close ``client`` in :meth:`close` (the constructors set it).

    Raises:
        ValueError: An empty collection name, ``page_size < 1`` or a malformed shard.
    """

    _client: QdrantClient

    def __init__(
        self,
        client: QdrantClient,
        *,
        collections: Iterable[str] | str = DEFAULT_COLLECTIONS,
        page_size: int | None = None,
        shard: Shard | str | None = None,
        close_client: bool = False,
    ) -> None:
        super().__init__(
            client,
            collections=collections,
            page_size=page_size,
            shard=shard,
            close_client=close_client,
        )

    @classmethod
    def from_url(
        cls, url: str, *, api_key: str | None = None, timeout: int = DEFAULT_TIMEOUT, **options: Any
    ) -> Self:
        """Connect to a Qdrant server.

        Nothing is sent until the first call; an unreachable server surfaces there
        as :class:`QdrantUnavailableError`.

        Args:
            url: E.g. ``http://localhost:6333``.
            api_key: The server's API key (never shown in any message).
            timeout: Seconds per request.
            **options: ``collections``, ``page_size``, ``shard`` for the source.

        Returns:
            A source that closes its client in :meth:`close`.
        """
        client = QdrantClient(url=url, api_key=api_key, timeout=timeout, check_compatibility=False)
        return cls(client, close_client=True, **options)

    @classmethod
    def local(cls, path: str | os.PathLike[str] | None = None, **options: Any) -> Self:
        """Open qdrant-client's local mode (embedded, no server).

        Args:
            path: An existing local storage directory; ``None`` for an empty in-memory one.
            **options: ``collections``, ``page_size``, ``shard`` for the source.

        Returns:
            A source that closes its client in :meth:`close`.

        Raises:
            ConfigurationError: ``path`` does not exist.
            QdrantUnavailableError: The storage is locked by another client.
        """
        location = _local_path(path)
        try:
            client = QdrantClient(location) if path is None else QdrantClient(path=location)
        except RuntimeError as exc:
            raise QdrantUnavailableError(f"could not open local Qdrant storage: {exc}") from exc
        return cls(client, close_client=True, **options)

    def check(self, collections: Iterable[str] | str | None = None) -> tuple[str, ...]:
        """Check that every collection exists.

        Args:
            collections: Names to check (default: :attr:`collections`).

        Returns:
            The names, duplicates removed, in the order given.

        Raises:
            CollectionNotFoundError: One or more do not exist (all are named).
            QdrantUnavailableError: Qdrant cannot be reached.
        """
        names = self._resolve(collections)
        try:
            missing = [n for n in names if not self._client.collection_exists(n)]
            if missing:
                available = [c.name for c in self._client.get_collections().collections]
        except _CLIENT_ERRORS as exc:
            raise self._error(exc, "list collections") from exc
        if missing:
            raise missing_collections_error(missing, available, self._where)
        return names

    def count(self, collections: Iterable[str] | str | None = None) -> int:
        """Return the number of points in the collections (all shards).

        Args:
            collections: Names to count (default: :attr:`collections`).

        Returns:
            The exact number of points.

        Raises:
            CollectionNotFoundError: A collection does not exist.
            QdrantUnavailableError: Qdrant cannot be reached.
        """
        names = self.check(collections)
        try:
            return sum(self._client.count(n, exact=True).count for n in names)
        except _CLIENT_ERRORS as exc:
            raise self._error(exc, "count points") from exc

    def scan(
        self, collections: Iterable[str] | str | None = None
    ) -> Iterator[Pattern | PointFailure]:
        """Yield every point of the collections as a pattern or a failure, in id order.

        The collections are checked before anything is yielded.

        Args:
            collections: Names to scan, in order (default: :attr:`collections`).

        Returns:
            An iterator of :class:`Pattern` and, for points whose payload is
            invalid, :class:`PointFailure`.

        Raises:
            CollectionNotFoundError: A collection does not exist (raised here, eagerly).
            QdrantUnavailableError: Qdrant cannot be reached (here or while iterating).
        """
        names = self.check(collections)
        return self._scan(names)

    def _scan(self, names: Sequence[str]) -> Iterator[Pattern | PointFailure]:
        client, page, sharded = self._client, self._page_size, self._shard is not None
        for name in names:
            offset: int | str | UUID | None = None
            while True:
                try:
                    records, next_offset = client.scroll(
                        name,
                        limit=page,
                        offset=offset,
                        with_payload=not sharded,
                        with_vectors=False,
                    )
                    if sharded:
                        owned = self._owned(r.id for r in records)
                        records = client.retrieve(name, owned, with_vectors=False) if owned else []
                except _CLIENT_ERRORS as exc:
                    raise self._error(exc, f"scroll {name!r}") from exc
                for record in records:
                    yield _item(name, record.id, record.payload)
                if next_offset is None:
                    break
                offset = next_offset

    def __iter__(self) -> Iterator[Pattern | PointFailure]:
        """Scan :attr:`collections` (see :meth:`scan`)."""
        return self.scan()

    def close(self) -> None:
        """Close the client if this source opened it."""
        if self._close_client:
            self._client.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()


class AsyncQdrantPatternSource(_Base):
    """The asynchronous twin of :class:`QdrantPatternSource`, over an ``AsyncQdrantClient``.

    Same arguments and behaviour; :meth:`check`, :meth:`count` and :meth:`close`
    are coroutines and :meth:`scan` returns an async iterator that checks the
    collections before its first item.
    """

    _client: AsyncQdrantClient

    def __init__(
        self,
        client: AsyncQdrantClient,
        *,
        collections: Iterable[str] | str = DEFAULT_COLLECTIONS,
        page_size: int | None = None,
        shard: Shard | str | None = None,
        close_client: bool = False,
    ) -> None:
        super().__init__(
            client,
            collections=collections,
            page_size=page_size,
            shard=shard,
            close_client=close_client,
        )

    @classmethod
    def from_url(
        cls, url: str, *, api_key: str | None = None, timeout: int = DEFAULT_TIMEOUT, **options: Any
    ) -> Self:
        """Connect to a Qdrant server (see :meth:`QdrantPatternSource.from_url`)."""
        client = AsyncQdrantClient(
            url=url, api_key=api_key, timeout=timeout, check_compatibility=False
        )
        return cls(client, close_client=True, **options)

    @classmethod
    def local(cls, path: str | os.PathLike[str] | None = None, **options: Any) -> Self:
        """Open local mode (see :meth:`QdrantPatternSource.local`)."""
        location = _local_path(path)
        try:
            client = (
                AsyncQdrantClient(location) if path is None else AsyncQdrantClient(path=location)
            )
        except RuntimeError as exc:
            raise QdrantUnavailableError(f"could not open local Qdrant storage: {exc}") from exc
        return cls(client, close_client=True, **options)

    async def check(self, collections: Iterable[str] | str | None = None) -> tuple[str, ...]:
        """Check that every collection exists (see :meth:`QdrantPatternSource.check`)."""
        names = self._resolve(collections)
        try:
            missing = [n for n in names if not await self._client.collection_exists(n)]
            if missing:
                available = [c.name for c in (await self._client.get_collections()).collections]
        except _CLIENT_ERRORS as exc:
            raise self._error(exc, "list collections") from exc
        if missing:
            raise missing_collections_error(missing, available, self._where)
        return names

    async def count(self, collections: Iterable[str] | str | None = None) -> int:
        """Return the number of points (see :meth:`QdrantPatternSource.count`)."""
        names = await self.check(collections)
        try:
            return sum([(await self._client.count(n, exact=True)).count for n in names])
        except _CLIENT_ERRORS as exc:
            raise self._error(exc, "count points") from exc

    async def scan(
        self, collections: Iterable[str] | str | None = None
    ) -> AsyncIterator[Pattern | PointFailure]:
        """Yield every point as a pattern or a failure (see :meth:`QdrantPatternSource.scan`)."""
        names = await self.check(collections)
        client, page, sharded = self._client, self._page_size, self._shard is not None
        for name in names:
            offset: int | str | UUID | None = None
            while True:
                try:
                    records, next_offset = await client.scroll(
                        name,
                        limit=page,
                        offset=offset,
                        with_payload=not sharded,
                        with_vectors=False,
                    )
                    if sharded:
                        owned = self._owned(r.id for r in records)
                        records = (
                            await client.retrieve(name, owned, with_vectors=False) if owned else []
                        )
                except _CLIENT_ERRORS as exc:
                    raise self._error(exc, f"scroll {name!r}") from exc
                for record in records:
                    yield _item(name, record.id, record.payload)
                if next_offset is None:
                    break
                offset = next_offset

    def __aiter__(self) -> AsyncIterator[Pattern | PointFailure]:
        """Scan :attr:`collections` (see :meth:`scan`)."""
        return self.scan()

    async def close(self) -> None:
        """Close the client if this source opened it."""
        if self._close_client:
            await self._client.close()

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()
