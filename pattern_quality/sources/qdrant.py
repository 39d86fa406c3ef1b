# Generated from pattern_quality/sources/qdrant_async.py by tools/async_to_sync.py.
# Do not edit: change the async source and run `make generate`.
"""QdrantPatternSource: read patterns out of Qdrant collections, one page at a time.

A source scrolls one or more collections page by page (payloads only, never
vectors) and maps every point with the legacy rules (:mod:`.mapping`, see
docs/legacy.md). A point whose payload cannot become a valid pattern comes out
as a :class:`~.mapping.PointFailure` in its place and the scroll goes on. At
most one page is held in memory at a time.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Sequence
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self
from uuid import UUID

from qdrant_client import QdrantClient

from .._config import describe_url
from ..errors import ConfigurationError, QdrantUnavailableError
from ..models import Pattern
from ..projection.payload import DEFAULT_QUALITY_KEY
from ._qdrant_base import (
    CLIENT_ERRORS,
    DEFAULT_QDRANT_TIMEOUT,
    QdrantSourceBase,
    check_qdrant_url,
    local_path,
    missing_collections_error,
    to_item,
)
from .mapping import DEFAULT_COLLECTIONS, PointFailure
from .shard import Shard

if TYPE_CHECKING:
    from ..projection.projector import QdrantProjector

__all__ = ["QdrantPatternSource"]


class QdrantPatternSource(QdrantSourceBase):
    """Yields :class:`Pattern` objects from Qdrant collections, one page at a time.

    Args:
        client: A :class:`qdrant_client.QdrantClient` (server or local mode).
        collections: Collections scanned when :meth:`scan` names none
            (default: ``code_patterns`` and ``execution_patterns``).
        page_size: Points per ``scroll`` call; ``None`` picks
            :data:`~._qdrant_base.DEFAULT_PAGE_SIZE` (1,000) for a server and
            :data:`~._qdrant_base.LOCAL_PAGE_SIZE` (5,000) for local mode, as
            measured in docs/performance.md.
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
        cls,
        url: str,
        *,
        api_key: str | None = None,
        timeout: int = DEFAULT_QDRANT_TIMEOUT,
        **options: Any,
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

        Raises:
            ConfigurationError: ``url`` is not an ``http(s)://host[:port]`` URL (the
                message shows only its scheme, host and port).
        """
        check_qdrant_url(url)
        try:
            client = QdrantClient(
                url=url, api_key=api_key, timeout=timeout, check_compatibility=False
            )
        except Exception:  # the client's parse errors quote the URL, credentials and all
            raise ConfigurationError(
                f"invalid Qdrant URL {describe_url(url)}: expected http(s)://host[:port]"
            ) from None
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
        location = local_path(path)
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
        except CLIENT_ERRORS as exc:
            raise self._error(exc, "list collections") from exc
        if missing:
            raise missing_collections_error(missing, available, self._where)
        return names

    def collection_names(self) -> tuple[str, ...]:
        """Return the name of every collection in this Qdrant, sorted.

        Returns:
            The names (empty when there is none).

        Raises:
            QdrantUnavailableError: Qdrant cannot be reached.
        """
        try:
            response = self._client.get_collections()
        except CLIENT_ERRORS as exc:
            raise self._error(exc, "list collections") from exc
        return tuple(sorted(c.name for c in response.collections))

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
            return sum([self._client.count(n, exact=True).count for n in names])
        except CLIENT_ERRORS as exc:
            raise self._error(exc, "count points") from exc

    def scan(
        self, collections: Iterable[str] | str | None = None
    ) -> Iterator[Pattern | PointFailure]:
        """Check the collections, then return their points as patterns or failures, in id order.

        The check happens here, before anything is read: a missing collection is
        reported at once, not on the first item.

        Args:
            collections: Names to scan, in order (default: :attr:`collections`).

        Returns:
            An iterator of :class:`Pattern` and, for points whose payload is
            invalid, :class:`PointFailure`.

        Raises:
            CollectionNotFoundError: A collection does not exist.
            QdrantUnavailableError: Qdrant cannot be reached (here or while iterating).
        """
        names = self.check(collections)
        return self._scan(names)

    def _scan(self, names: Sequence[str] | None) -> Iterator[Pattern | PointFailure]:
        if names is None:  # iterating the source itself: checked on the first item
            names = self.check()
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
                except CLIENT_ERRORS as exc:
                    raise self._error(exc, f"scroll {name!r}") from exc
                for record in records:
                    yield to_item(name, record.id, record.payload)
                if next_offset is None:
                    break
                offset = next_offset

    def projector(self, *, key: str = DEFAULT_QUALITY_KEY, index: bool = True) -> QdrantProjector:
        """Return a projector that writes into this source's points, over the same client.

        ``backfill(source, store, project=True)`` uses it with the defaults.

        Args:
            key: The payload key of the projection.
            index: Create the float payload index on the score (servers only).

        Returns:
            The projector (closing it leaves the client open: the source owns it).

        Raises:
            ValueError: ``key`` is not a plain identifier.
        """
        from ..projection.projector import QdrantProjector

        return QdrantProjector(self._client, key=key, index=index)

    def __iter__(self) -> Iterator[Pattern | PointFailure]:
        """Scan :attr:`collections`; they are checked when the first item is asked for."""
        return self._scan(None)

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
