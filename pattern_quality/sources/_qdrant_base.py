"""The I/O-free half of the Qdrant sources: options, error translation, the shared base.

Both :class:`~.qdrant_async.AsyncQdrantPatternSource` and the generated
:class:`~.qdrant.QdrantPatternSource` derive from :class:`QdrantSourceBase`,
which checks the options and knows where the points come from; this module also
maps qdrant-client's errors to the library's and picks the page size.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlsplit
from uuid import UUID

import httpx
from qdrant_client import AsyncQdrantClient, QdrantClient
from qdrant_client.common.client_exceptions import QdrantException
from qdrant_client.http.exceptions import ApiException

from .._config import describe_url, scrub
from ..errors import (
    CollectionNotFoundError,
    ConfigurationError,
    PatternValidationError,
    QdrantUnavailableError,
)
from ..models import Pattern
from .mapping import (
    DEFAULT_COLLECTIONS,
    PointFailure,
    pattern_id_for_point,
    point_failure,
    point_to_pattern,
)
from .shard import Shard

__all__ = [
    "CLIENT_ERRORS",
    "DEFAULT_PAGE_SIZE",
    "DEFAULT_QDRANT_TIMEOUT",
    "LOCAL_PAGE_SIZE",
    "QdrantSourceBase",
    "local_path",
    "missing_collections_error",
    "to_item",
    "translate_qdrant_error",
]

#: Points fetched per ``scroll`` call from a Qdrant server (each call is one
#: HTTP round trip; a page of typical payloads stays around a few megabytes).
DEFAULT_PAGE_SIZE: Final = 1000
#: Points per ``scroll`` call in qdrant-client's local mode. Local mode sorts every
#: id of the collection on each call, so small pages make a full scroll quadratic;
#: very large ones pay for deep-copying the page's payloads at once. Measured
#: (docs/performance.md, "Backfill"), full scroll of 20k points: 1.9 s at 5,000 vs
#: 2.5 s at 1,000; of 100k points: 8.8 s at 5,000, 9.5 s at 10,000, 15.6 s at 1,000.
LOCAL_PAGE_SIZE: Final = 5000
#: Seconds a request to a Qdrant server may take before it counts as unavailable.
DEFAULT_QDRANT_TIMEOUT: Final = 30
#: Errors of qdrant-client and its transports that mean "Qdrant did not answer as asked".
CLIENT_ERRORS: Final = (ApiException, QdrantException, httpx.HTTPError, OSError)


def missing_collections_error(
    missing: Sequence[str], available: Sequence[str], where: str
) -> CollectionNotFoundError:
    """Build the error for collections that do not exist.

    Args:
        missing: The names asked for that do not exist.
        available: The names that do exist.
        where: The (scrubbed) Qdrant location.

    Returns:
        The error to raise.
    """
    names = ", ".join(repr(n) for n in missing)
    have = ", ".join(sorted(available)) or "none"
    noun = "collection" if len(missing) == 1 else "collections"
    return CollectionNotFoundError(
        f"Qdrant {noun} {names} not found in {where} (available: {have})"
    )


def translate_qdrant_error(
    exc: BaseException, where: str, action: str, secret: str | None
) -> QdrantUnavailableError:
    """Map a qdrant-client error to :class:`QdrantUnavailableError`.

    Args:
        exc: The error raised by the client.
        where: The Qdrant location (URL or local path), already scrubbed.
        action: What was being done, e.g. ``"scroll 'code_patterns'"``.
        secret: The API key, removed from the message if it appears.

    Returns:
        The error to raise ``from exc``.
    """
    status = getattr(exc, "status_code", None)
    if status in (401, 403):
        detail = f"HTTP {status}: the API key was rejected or is missing"
    elif status is not None:
        detail = f"HTTP {status} {getattr(exc, 'reason_phrase', '')}".strip()
    else:
        source = getattr(exc, "source", None)
        cause = source if isinstance(source, BaseException) else exc
        detail = str(cause).strip().splitlines()[0] if str(cause).strip() else ""
        detail = detail or type(cause).__name__
    return QdrantUnavailableError(
        scrub(f"could not {action} on Qdrant at {where}: {detail}", secret)
    )


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
            text = str(value)
            where = describe_url(text) if "://" in text else scrub(text, secret)
            return where, secret, False
    return "localhost", secret, False


def check_qdrant_url(url: str) -> None:
    """Refuse a Qdrant URL that is not ``http(s)://host[:port]``, without quoting it.

    Args:
        url: The URL as given.

    Raises:
        ConfigurationError: No http(s) scheme, no host, or a port that is not a
            number in 1-65535 (the message shows only scheme, host and port).
    """
    try:
        parts = urlsplit(url.strip())
        ok = parts.scheme in ("http", "https") and bool(parts.hostname)
        port = parts.port
    except ValueError:
        ok, port = False, None
    if not ok or port == 0:
        raise ConfigurationError(
            f"invalid Qdrant URL {describe_url(url)}: expected http(s)://host[:port] "
            "(credentials belong in --qdrant-api-key, not in the URL)"
        ) from None


def local_path(path: str | os.PathLike[str] | None) -> str:
    if path is None:
        return ":memory:"
    if not Path(path).is_dir():
        raise ConfigurationError(f"local Qdrant storage {os.fspath(path)!r} does not exist")
    return os.fspath(path)


def to_item(collection: str, raw_id: int | str | UUID, payload: Any) -> Pattern | PointFailure:
    point_id = str(raw_id) if isinstance(raw_id, UUID) else raw_id
    try:
        return point_to_pattern(collection, point_id, payload)
    except PatternValidationError as exc:
        return point_failure(collection, point_id, exc)


class QdrantSourceBase:
    """What both Qdrant sources share: the checked options and where the points come from."""

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
