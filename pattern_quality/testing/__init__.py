"""Test helpers for code that uses pattern_quality (needs hypothesis).

* :mod:`pattern_quality.testing.strategies`: hypothesis strategies for patterns,
  pattern ids, timestamps and quality scores;
* :mod:`pattern_quality.testing.stateful`: :class:`QualityStoreStateMachine`, the
  store contract as a reusable ``RuleBasedStateMachine`` checked against the
  in-memory fake, and :class:`BlockingStore`, which drives an async store from
  synchronous tests.

The core package never imports this one, so hypothesis stays a test dependency.
"""

from __future__ import annotations

try:
    import hypothesis as _hypothesis  # noqa: F401
except ImportError as exc:  # pragma: no cover - depends on the environment
    raise ImportError(
        "pattern_quality.testing needs hypothesis: pip install 'pattern-quality[dev]' "
        "or pip install hypothesis"
    ) from exc

from .stateful import BlockingStore, QualityStoreStateMachine, spellings
from .strategies import (
    aware_datetimes,
    invalid_pattern_mappings,
    pattern_mappings,
    patterns,
    quality_scores,
    uuids,
)

__all__ = [
    "BlockingStore",
    "QualityStoreStateMachine",
    "aware_datetimes",
    "invalid_pattern_mappings",
    "pattern_mappings",
    "patterns",
    "quality_scores",
    "spellings",
    "uuids",
]
