"""The backfill: score whole sources into a store, in batches, with bounded memory.

:func:`backfill` (:mod:`.runner`) and :func:`abackfill` (:mod:`.runner_async`)
drive a run over the shared :mod:`.options` and :mod:`.state`; a batch goes
through the steps of :mod:`.steps` / :mod:`.steps_async` (look-up, scoring,
write), retried as :mod:`.retry` says, scored in :mod:`.workers` processes when
asked; :mod:`.report` is the outcome. Note that ``pattern_quality.backfill`` as
an attribute of the package is the :func:`backfill` function.
"""

from __future__ import annotations

import warnings
from typing import Any

from ..errors import BackfillError
from ..sources.base import AsyncPatternSource, PatternSource
from .options import DEFAULT_WRITE_BATCH
from .report import BackfillReport, FailureExample, FailureGroup
from .retry import RetryPolicy
from .runner import backfill
from .runner_async import abackfill

__all__ = [
    "DEFAULT_WRITE_BATCH",
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


def __getattr__(name: str) -> Any:
    if name == "DEFAULT_BATCH_SIZE":
        warnings.warn(
            "pattern_quality.backfill.DEFAULT_BATCH_SIZE is deprecated: use DEFAULT_WRITE_BATCH",
            DeprecationWarning,
            stacklevel=2,
        )
        return DEFAULT_WRITE_BATCH
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
