"""The Qdrant options shared by ``backfill``, ``project`` and ``verify --qdrant``.

``--qdrant-url`` (``$QDRANT_URL``), ``--qdrant-api-key`` (``$QDRANT_API_KEY``,
never printed) or ``--qdrant-path`` (local mode), else the embedded default's
local Qdrant when it exists. qdrant-client is imported only when a source opens.
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings
from typing import TYPE_CHECKING, Any, Final

from ..errors import ConfigurationError
from ._common import embedded_qdrant_path

if TYPE_CHECKING:
    from ..sources.qdrant import QdrantPatternSource

__all__ = [
    "QDRANT_API_KEY_ENV",
    "QDRANT_URL_ENV",
    "add_qdrant_options",
    "open_source",
    "qdrant_secret",
    "qdrant_target",
]

QDRANT_URL_ENV: Final = "QDRANT_URL"
QDRANT_API_KEY_ENV: Final = "QDRANT_API_KEY"


def add_qdrant_options(parser: argparse.ArgumentParser) -> None:
    """Add ``--qdrant-url``, ``--qdrant-api-key`` and ``--qdrant-path``.

    Args:
        parser: The sub-command's parser.
    """
    parser.add_argument(
        "--qdrant-url", metavar="URL", help=f"Qdrant server URL (default: ${QDRANT_URL_ENV})"
    )
    parser.add_argument(
        "--qdrant-api-key",
        metavar="KEY",
        help=f"Qdrant API key (default: ${QDRANT_API_KEY_ENV}; prefer the variable)",
    )
    parser.add_argument(
        "--qdrant-path", metavar="DIR", help="use a local-mode Qdrant storage directory instead"
    )


def qdrant_secret(args: argparse.Namespace) -> str | None:
    """Return the Qdrant API key of the options or the environment.

    Args:
        args: The parsed options.

    Returns:
        The key, or ``None``.
    """
    return args.qdrant_api_key or os.environ.get(QDRANT_API_KEY_ENV) or None


def qdrant_target(args: argparse.Namespace) -> tuple[str, str]:
    """Return ``("path", DIR)`` or ``("url", URL)`` from the options, before any I/O.

    Args:
        args: The parsed options.

    Returns:
        Where Qdrant is.

    Raises:
        ConfigurationError: Both ``--qdrant-url`` and ``--qdrant-path``, or no Qdrant at all.
    """
    if args.qdrant_path:
        if args.qdrant_url:
            raise ConfigurationError("give either --qdrant-url or --qdrant-path, not both")
        return "path", args.qdrant_path
    url = args.qdrant_url or os.environ.get(QDRANT_URL_ENV)
    if not url:
        local = embedded_qdrant_path(args)  # the embedded default's, when it exists
        if local is not None:
            return "path", str(local)
        raise ConfigurationError(
            f"no Qdrant configured: pass --qdrant-url URL (or set ${QDRANT_URL_ENV}) for a "
            "server, or --qdrant-path DIR for a local-mode storage"
        )
    check_qdrant_url(url)  # a malformed URL is a configuration error, never quoted
    return "url", url


def check_qdrant_url(url: str) -> None:
    """Refuse a malformed Qdrant URL before any I/O (see ``sources._qdrant_base``).

    Args:
        url: The URL as given.

    Raises:
        ConfigurationError: It is not ``http(s)://host[:port]`` (never quoted).
    """
    from ..sources._qdrant_base import check_qdrant_url as check  # qdrant-client: lazily

    check(url)


def open_source(
    target: tuple[str, str], secret: str | None, *, quiet: bool, **options: Any
) -> QdrantPatternSource:
    """Open a Qdrant source (its client is the one the command uses for everything).

    Args:
        target: From :func:`qdrant_target`.
        secret: The API key.
        quiet: Do not warn that the key travels over plain http.
        **options: ``page_size``, ``shard`` for the source.

    Returns:
        The source, which closes its client.

    Raises:
        ConfigurationError: The local path does not exist.
        QdrantUnavailableError: The local storage is locked.
    """
    from ..sources.qdrant import (
        QdrantPatternSource,  # qdrant-client is slow to import: only when used
    )

    kind, where = target
    if kind == "path":
        return QdrantPatternSource.local(where, **options)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        source = QdrantPatternSource.from_url(where, api_key=secret, **options)
    if any("insecure connection" in str(w.message) for w in caught) and not quiet:
        print(
            "pattern-quality: warning: the Qdrant API key is sent over plain http",
            file=sys.stderr,
        )
    return source
