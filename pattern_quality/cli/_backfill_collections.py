"""Which collections ``pattern-quality backfill --collection ...`` reads.

* no ``--collection``: ``code_patterns`` and ``execution_patterns``, which must exist;
* a name: that collection, which must exist;
* ``all``: every one of the four legacy collections that exists; the missing
  ones are noted in one line on stderr (at least one must exist);
* ``*``: every collection of the Qdrant, whatever its name (at least one).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING, Final

from ..errors import CollectionNotFoundError
from ..sources.mapping import DEFAULT_COLLECTIONS, KNOWN_COLLECTIONS

if TYPE_CHECKING:
    from ..sources.qdrant import QdrantPatternSource

__all__ = ["ALL", "ANY", "CHOICES", "resolve_collections"]

#: Every legacy collection that exists.
ALL: Final = "all"
#: Every collection, legacy or not.
ANY: Final = "*"
#: What ``--collection`` accepts.
CHOICES: Final = (*KNOWN_COLLECTIONS, ALL, ANY)


def resolve_collections(
    source: QdrantPatternSource, chosen: list[str] | None, *, quiet: bool = False
) -> tuple[str, ...]:
    """Return the collections to read, checked to exist (see the module docstring).

    Args:
        source: The open source.
        chosen: The ``--collection`` values, in order (``None``: none given).
        quiet: Do not print the note about missing legacy collections.

    Returns:
        The names, duplicates removed, in a stable order: those of ``all`` / ``*``
        first (``all`` in the legacy order, ``*`` sorted), then the named ones.

    Raises:
        CollectionNotFoundError: A named collection does not exist, or ``all`` /
            ``*`` found none.
        QdrantUnavailableError: Qdrant cannot be reached.
    """
    if not chosen:
        return source.check(DEFAULT_COLLECTIONS)
    named = [c for c in chosen if c not in (ALL, ANY)]
    found: list[str] = []
    if ANY in chosen or ALL in chosen:
        existing = source.collection_names()
        if ANY in chosen:
            found = list(existing)
            if not found:
                raise CollectionNotFoundError(
                    f"--collection '*': there is no collection in {source.location}"
                )
        else:
            found = [c for c in KNOWN_COLLECTIONS if c in existing]
            missing = [c for c in KNOWN_COLLECTIONS if c not in existing]
            if not found:
                have = ", ".join(existing) or "none"
                raise CollectionNotFoundError(
                    f"--collection all: none of {', '.join(KNOWN_COLLECTIONS)} exists in "
                    f"{source.location} (available: {have}; --collection '*' reads every "
                    "collection)"
                )
            if missing and not quiet:
                print(
                    f"pattern-quality: --collection all: not found, skipped: "
                    f"{', '.join(missing)}; reading {', '.join(found)}",
                    file=sys.stderr,
                )
    names = tuple(dict.fromkeys([*found, *named]))
    return source.check(names) if named else names
