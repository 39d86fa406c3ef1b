# Generated from pattern_quality/projection/projector_async.py by tools/async_to_sync.py.
# Do not edit: change the async source and run `make generate`.
"""QdrantProjector: write stored quality into Qdrant payloads, one request per batch.

The projector owns the Qdrant side of the projection (docs/backfill.md,
"Projecting quality into Qdrant"): it writes :class:`~.payload.QualityPayload`
objects under its key with one ``batch_update_points`` request per collection
and batch, never replacing a newer measurement, creates the float payload index
on the score where the server supports one (not in local mode), and reads the
projections back page by page for ``project`` and ``verify --qdrant``.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from types import TracebackType
from typing import Any, Self
from uuid import UUID

from qdrant_client import QdrantClient, models

from ..errors import QdrantUnavailableError
from ..sources._qdrant_base import (
    CLIENT_ERRORS,
    DEFAULT_QDRANT_TIMEOUT,
    LOCAL_PAGE_SIZE,
    _describe,
    check_qdrant_url,
    local_path,
    missing_collections_error,
    translate_qdrant_error,
)
from .payload import (
    DEFAULT_QUALITY_KEY,
    PointRef,
    Projected,
    QualityPayload,
    check_key,
    plan_writes,
)

__all__ = ["QdrantProjector"]


def _pid(raw: int | str | UUID) -> int | str:
    return str(raw) if isinstance(raw, UUID) else raw


class QdrantProjector:
    """Writes and reads the quality projection of Qdrant points.

    Args:
        client: A :class:`qdrant_client.QdrantClient` (server or local mode),
            usually the one the backfill reads from.
        key: The top-level payload key of the projection (default ``"quality"``).
        index: Create a float payload index on ``<key>.score`` in each collection
            written to (skipped in local mode, which has no payload indexes).
        close_client: Close ``client`` in :meth:`close` (the constructors set it).

    Raises:
        ValueError: ``key`` is not a plain identifier.
    """

    def __init__(
        self,
        client: QdrantClient,
        *,
        key: str = DEFAULT_QUALITY_KEY,
        index: bool = True,
        close_client: bool = False,
    ) -> None:
        self._client = client
        self._key = check_key(key)
        self._where, self._secret, self._local = _describe(
            dict(getattr(client, "init_options", {}))
        )
        self._index = index and not self._local
        self._indexed: set[str] = set()
        self._close_client = close_client

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        api_key: str | None = None,
        timeout: int = DEFAULT_QDRANT_TIMEOUT,
        **options: Any,
    ) -> Self:
        """Connect to a Qdrant server (nothing is sent until the first call).

        Args:
            url: E.g. ``http://localhost:6333``.
            api_key: The server's API key (never shown in any message).
            timeout: Seconds per request.
            **options: ``key`` and ``index`` for the projector.

        Returns:
            A projector that closes its client in :meth:`close`.

        Raises:
            ConfigurationError: ``url`` is not ``http(s)://host[:port]`` (the
                message shows only its scheme, host and port).
        """
        check_qdrant_url(url)  # qdrant-client's parse errors would be tracebacks
        client = QdrantClient(url=url, api_key=api_key, timeout=timeout, check_compatibility=False)
        return cls(client, close_client=True, **options)

    @classmethod
    def local(cls, path: str | os.PathLike[str], **options: Any) -> Self:
        """Open a local-mode Qdrant storage directory.

        Args:
            path: An existing local storage directory.
            **options: ``key`` and ``index`` for the projector.

        Returns:
            A projector that closes its client in :meth:`close`.

        Raises:
            ConfigurationError: ``path`` does not exist.
            QdrantUnavailableError: The storage is locked by another client.
        """
        location = local_path(path)
        try:
            client = QdrantClient(path=location)
        except RuntimeError as exc:
            raise QdrantUnavailableError(f"could not open local Qdrant storage: {exc}") from exc
        return cls(client, close_client=True, **options)

    @property
    def key(self) -> str:
        """The payload key of the projection."""
        return self._key

    @property
    def location(self) -> str:
        """Where the points are (a URL without secrets, or the local path)."""
        return self._where

    @property
    def local_mode(self) -> bool:
        """The client is qdrant-client's local mode (no payload indexes)."""
        return self._local

    def _error(self, exc: BaseException, action: str) -> QdrantUnavailableError:
        return translate_qdrant_error(exc, self._where, action, self._secret)

    def check(self, collections: Iterable[str]) -> tuple[str, ...]:
        """Check that every collection exists.

        Args:
            collections: The names.

        Returns:
            The names, duplicates removed, in the order given.

        Raises:
            CollectionNotFoundError: One or more do not exist (all are named).
            QdrantUnavailableError: Qdrant cannot be reached.
        """
        names = tuple(dict.fromkeys(collections))
        try:
            missing = [n for n in names if not self._client.collection_exists(n)]
            if missing:
                available = [c.name for c in self._client.get_collections().collections]
        except CLIENT_ERRORS as exc:
            raise self._error(exc, "list collections") from exc
        if missing:
            raise missing_collections_error(missing, available, self._where)
        return names

    def ensure_index(self, collection: str) -> bool:
        """Create the float payload index on ``<key>.score`` once per collection.

        Args:
            collection: The collection.

        Returns:
            Whether an index was asked for (``False`` in local mode or with ``index=False``).

        Raises:
            QdrantUnavailableError: Qdrant refused or could not be reached.
        """
        if not self._index:
            return False
        if collection not in self._indexed:
            try:
                self._client.create_payload_index(
                    collection, f"{self._key}.score", models.PayloadSchemaType.FLOAT
                )
            except CLIENT_ERRORS as exc:
                raise self._error(exc, f"create the score index of {collection!r}") from exc
            self._indexed.add(collection)
        return True

    def current(
        self, collection: str, point_ids: Sequence[int | str]
    ) -> dict[int | str, QualityPayload | None]:
        """Read the projections of some points (one request).

        Args:
            collection: The collection.
            point_ids: The points.

        Returns:
            The projection of each point that exists (``None``: it has none).

        Raises:
            QdrantUnavailableError: Qdrant could not be reached.
        """
        try:
            records = self._client.retrieve(
                collection, list(point_ids), with_payload=[self._key], with_vectors=False
            )
        except CLIENT_ERRORS as exc:
            raise self._error(exc, f"read the payloads of {collection!r}") from exc
        return {_pid(r.id): QualityPayload.parse((r.payload or {}).get(self._key)) for r in records}

    def write(
        self,
        collection: str,
        sets: Mapping[int | str, QualityPayload],
        clears: Iterable[int | str] = (),
    ) -> int:
        """Write and remove projections in one ``batch_update_points`` request.

        No latest-wins check here: :meth:`project` makes it; the rebuild writes
        the database's rows as they are.

        Args:
            collection: The collection.
            sets: The projection each point gets.
            clears: Points whose projection is removed.

        Returns:
            The number of points written or cleared.

        Raises:
            QdrantUnavailableError: Qdrant refused or could not be reached.
        """
        key = self._key
        ops: list[models.UpdateOperation] = [
            models.SetPayloadOperation(
                set_payload=models.SetPayload(payload={key: p.to_payload()}, points=[pid])
            )
            for pid, p in sets.items()
        ]
        cleared: list[models.ExtendedPointId] = list(clears)
        if cleared:
            ops.append(
                models.DeletePayloadOperation(
                    delete_payload=models.DeletePayload(keys=[key], points=cleared)
                )
            )
        if not ops:
            return 0
        try:
            self._client.batch_update_points(collection, ops, wait=True)
        except CLIENT_ERRORS as exc:
            raise self._error(exc, f"write {len(ops)} payloads into {collection!r}") from exc
        return len(sets) + len(cleared)

    def project(self, wanted: Mapping[PointRef, QualityPayload]) -> Projected:
        """Project scores into their points; an older measurement never replaces a newer one.

        Per collection: one read of the points' projections, then one write.

        Args:
            wanted: The projection each point should get.

        Returns:
            What was written and what was left alone.

        Raises:
            QdrantUnavailableError: Qdrant refused or could not be reached.
        """
        by_collection: dict[str, dict[PointRef, QualityPayload]] = {}
        for ref, payload in wanted.items():
            by_collection.setdefault(ref.collection, {})[ref] = payload
        written = newer = absent = 0
        for collection, part in by_collection.items():
            self.ensure_index(collection)
            held = self.current(collection, [r.point_id for r in part])
            current = {r: held[r.point_id] for r in part if r.point_id in held}
            writes, skipped = plan_writes(part, current)
            written += self.write(collection, {r.point_id: p for r, p in writes.items()})
            newer += skipped
            absent += len(part) - len(current)
        return Projected(written, newer, absent)

    def scan(
        self, collection: str, page_size: int = LOCAL_PAGE_SIZE
    ) -> Iterator[list[tuple[int | str, QualityPayload | None]]]:
        """Read every point's projection, one page (one ``scroll``) at a time.

        Args:
            collection: The collection.
            page_size: Points per page.

        Yields:
            Pages of ``(point id, projection or None)``.

        Raises:
            QdrantUnavailableError: Qdrant could not be reached.
        """
        offset: Any = None
        while True:
            try:
                records, offset = self._client.scroll(
                    collection,
                    limit=page_size,
                    offset=offset,
                    with_payload=[self._key],
                    with_vectors=False,
                )
            except CLIENT_ERRORS as exc:
                raise self._error(exc, f"scroll {collection!r}") from exc
            yield [
                (_pid(r.id), QualityPayload.parse((r.payload or {}).get(self._key)))
                for r in records
            ]
            if offset is None:
                return

    def close(self) -> None:
        """Close the client if this projector opened it."""
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
