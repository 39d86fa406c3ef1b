"""Pattern ids: the one parser every part of the library uses.

A pattern id is a UUID. It is stored, returned and keyed in its canonical
form: lowercase and hyphenated (``6ba7b810-9dad-11d1-80b4-00c04fd430c8``).
:func:`canonical_pattern_id` accepts these spellings and nothing else:

* the canonical form, in any case;
* the 32 hex digits without hyphens;
* either of those in braces (``{...}``, both braces);
* either of those after a ``urn:uuid:`` prefix;
* a :class:`uuid.UUID`.

:class:`uuid.UUID` itself is more lenient (it strips a stray brace, a ``uuid:``
prefix or hyphens anywhere), so it is never used to validate an id: the stores,
the backfill, the filter and the Qdrant mapping all call this module, and an id
that one of them accepts is accepted by all of them.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable, Mapping
from typing import Final

from .errors import PatternValidationError

__all__ = ["canonical_pattern_id", "canonical_pattern_ids", "parse_pattern_id", "pattern_id_text"]

_CANONICAL: Final = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\Z")
_ANY: Final = re.compile(
    r"(?:urn:uuid:)?(\{)?([0-9a-f]{8})-?([0-9a-f]{4})-?([0-9a-f]{4})-?([0-9a-f]{4})-?"
    r"([0-9a-f]{12})(?(1)\})\Z",
    re.IGNORECASE,
)


def _shown(value: object, limit: int = 60) -> str:
    try:
        text = repr(value)
    except ValueError:  # an int with more digits than repr() allows
        return f"<{type(value).__name__} too large to show>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def parse_pattern_id(value: object) -> str | None:
    """Return the canonical form of a pattern id, or ``None`` when it is not one.

    Args:
        value: A string in one of the accepted spellings, or a :class:`uuid.UUID`.

    Returns:
        The lowercase, hyphenated UUID; ``None`` for anything else.
    """
    if isinstance(value, str):
        if _CANONICAL.match(value):
            return value
        match = _ANY.match(value)
        if match:
            return "-".join(match.group(2, 3, 4, 5, 6)).lower()
        return None
    if isinstance(value, uuid.UUID):
        return str(value)
    return None


def canonical_pattern_id(value: object) -> str:
    """Return the canonical text of a pattern id: a lowercase, hyphenated UUID.

    Args:
        value: The id to check (see the module documentation for the spellings).

    Returns:
        The id as ``xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx`` in lowercase.

    Raises:
        PatternValidationError: ``value`` is not a UUID in an accepted spelling.
    """
    canonical = parse_pattern_id(value)
    if canonical is None:
        raise PatternValidationError(f"pattern_id: expected a UUID, got {_shown(value)}")
    return canonical


def canonical_pattern_ids(values: Iterable[object]) -> list[str]:
    """Canonicalise many ids; duplicates (in any spelling) are kept once, sorted.

    Args:
        values: Ids in any accepted spelling. A single ``str`` is rejected, since
            iterating it would yield characters.

    Returns:
        The distinct canonical ids in ascending order.

    Raises:
        PatternValidationError: Any id is invalid (nothing is read or deleted).
    """
    if isinstance(values, str | bytes):
        raise PatternValidationError(
            f"pattern_ids: expected an iterable of ids, got a single string {values!r}"
        )
    return sorted({canonical_pattern_id(v) for v in values})


def pattern_id_text(value: object) -> str | None:
    """Return a pattern's id as text, as :class:`~pattern_quality.models.Pattern` keeps it.

    Scoring does not need the id to be a UUID (storing does, through
    :func:`canonical_pattern_id`), so the models keep the id as given: a string
    as it is, an ``int`` point id or a :class:`uuid.UUID` as its ``str()``.

    Args:
        value: The id given, or ``None``.

    Returns:
        The id as text, or ``None``.

    Raises:
        PatternValidationError: A ``bool``, ``float``, container or other value
            that is not an id.
    """
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool | float | Mapping | list | tuple | set):
        raise PatternValidationError(
            f"pattern_id: expected str (a UUID), got {type(value).__name__} {_shown(value)}"
        )
    try:
        return str(value)  # int point ids and uuid.UUID
    except ValueError:  # an int with more digits than str() allows
        raise PatternValidationError(
            f"pattern_id: expected str (a UUID), got {type(value).__name__} {_shown(value)}"
        ) from None
