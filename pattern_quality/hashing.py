"""The content hash of a pattern: what incremental re-scoring compares.

:func:`content_hash` digests the pattern fields that a score depends on
(docs/legacy.md#pattern-input: ``pattern_name``, ``code``, ``text``, ``metadata``, ``node_type``,
``use_cases``, ``examples``, ``confidence``; not ``pattern_id``, which is the
row's key, nor unknown extra keys). Stored rows keep it in their ``metadata``
JSON under ``content_hash``; ``backfill(..., changed_only=True)`` skips a
pattern whose stored row has the same hash and the same rubric version.

The digest is BLAKE2b with a 16-byte digest (32 lowercase hex characters) of
three parts, one after the other:

1. the length in bytes of the code's UTF-8 encoding, as 8 bytes little-endian;
2. the code's UTF-8 encoding (a lone surrogate is encoded as such);
3. the canonical JSON of the list ``[pattern_name, text, confidence, examples,
   metadata, node_type, use_cases]``: keys sorted at every level, no whitespace
   (``,`` and ``:`` separators), ASCII only (``\\uXXXX`` escapes), lists for
   tuples, and ``str(value)`` for a value JSON cannot hold (a ``datetime`` in
   the metadata, say).

The code, usually the largest field, is hashed as it is rather than escaped into
JSON (that halves the cost); the length prefix keeps the parts apart. The digest
is the same in every process, on every platform and Python version that keeps
:mod:`json`'s float ``repr``. Mapping keys that cannot be sorted together (``1``
and ``"a"``) are compared as text, and values nested more than 100 levels deep
(which no rubric reads) as one marker, so every pattern has a hash.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any, Final

from .models import Pattern

__all__ = ["CONTENT_HASH_FIELDS", "content_hash"]

#: The pattern fields the content hash covers, in the order they are hashed.
CONTENT_HASH_FIELDS: Final = (
    "code",
    "pattern_name",
    "text",
    "confidence",
    "examples",
    "metadata",
    "node_type",
    "use_cases",
)

_encode = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=True, default=str
).encode
# The C encoder behind ``_encode``, built once: ``JSONEncoder.encode`` builds it on
# every call, a sixth of the hash's cost. No circular-reference markers (a cycle
# raises RecursionError, handled like any other awkward value).
_c_make_encoder = getattr(json.encoder, "c_make_encoder", None)
_c_encode = (
    None
    if _c_make_encoder is None
    else _c_make_encoder(
        None, str, json.encoder.encode_basestring_ascii, None, ":", ",", True, False, True
    )
)
_blake2b = hashlib.blake2b
#: Nesting kept by the slow path; deeper values (which no rubric reads) hash as one marker.
_MAX_DEPTH: Final = 100
_TOO_DEEP: Final = "<nested too deeply>"


def _normalized(value: object, depth: int = 0) -> Any:
    """Mapping keys as text, sorted; tuples and lists as lists (the slow path)."""
    if depth > _MAX_DEPTH:
        return _TOO_DEEP
    if isinstance(value, Mapping):
        items = [(str(k), _normalized(v, depth + 1)) for k, v in value.items()]
        items.sort(key=lambda item: item[0])  # stable: equal texts keep their order
        return dict(items)
    if isinstance(value, list | tuple):
        return [_normalized(v, depth + 1) for v in value]
    return value


def content_hash(pattern: Pattern | Mapping[str, Any]) -> str:
    """Return the content hash of a pattern (see the module documentation).

    Two patterns get the same hash exactly when their scored fields are equal
    as JSON (``None`` and a missing key are the same thing, as everywhere).

    Args:
        pattern: A :class:`Pattern` or a pattern mapping (validated first).

    Returns:
        32 lowercase hex characters.

    Raises:
        PatternValidationError: ``pattern`` is a mapping with an invalid field.
    """
    if not isinstance(pattern, Pattern):
        pattern = Pattern.from_mapping(pattern)
    metadata = pattern.metadata
    rest = [
        pattern.pattern_name,
        pattern.text,
        pattern.confidence,
        pattern.examples,
        metadata if type(metadata) is dict else dict(metadata),
        pattern.node_type,
        pattern.use_cases,
    ]
    try:
        text = _encode(rest) if _c_encode is None else "".join(_c_encode(rest, 0))
    except (TypeError, ValueError, RecursionError):
        # Keys of mixed types, keys JSON cannot hold, or a reference cycle.
        text = _encode(_normalized(rest))
    code = pattern.code.encode("utf-8", "surrogatepass")
    digest = _blake2b(len(code).to_bytes(8, "little"), digest_size=16)
    digest.update(code)
    digest.update(text.encode("ascii"))
    return digest.hexdigest()
