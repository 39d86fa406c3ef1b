"""The backfill: score whole sources into a store, in batches, with bounded memory.

:func:`backfill` and :func:`abackfill` (:mod:`.runner`) drive a run; the run's
state and counters are :mod:`.state`, the batch steps (look-up, scoring, write)
:mod:`.steps`, the report :mod:`.report`, the worker processes :mod:`.workers`.
Note that ``pattern_quality.backfill`` as an attribute of the package is the
:func:`backfill` function.
"""

from __future__ import annotations

from .runner import (
    DEFAULT_BATCH_SIZE,
    AsyncPatternSource,
    BackfillError,
    BackfillReport,
    FailureExample,
    FailureGroup,
    PatternSource,
    RetryPolicy,
    abackfill,
    backfill,
)

__all__ = [
    "DEFAULT_BATCH_SIZE",
    "AsyncPatternSource",
    "BackfillError",
    "BackfillReport",
    "FailureExample",
    "FailureGroup",
    "PatternSource",
    "RetryPolicy",
    "abackfill",
    "backfill",
]
