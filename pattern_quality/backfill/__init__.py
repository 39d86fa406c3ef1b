"""The backfill: score whole sources into a store, in batches, with bounded memory.

:func:`backfill` (:mod:`.runner`) and :func:`abackfill` (:mod:`.runner_async`)
drive a run over the shared :mod:`.options` and :mod:`.state`; a batch goes
through the steps of :mod:`.steps` / :mod:`.steps_async` (look-up, scoring,
write), retried as :mod:`.retry` says, scored in :mod:`.workers` processes when
asked; :mod:`.report` is the outcome. Note that ``pattern_quality.backfill`` as
an attribute of the package is the :func:`backfill` function.

The names are loaded on first use (PEP 562), so that importing one light
submodule (``pattern_quality.backfill.retry``) or ``DEFAULT_WRITE_BATCH`` (which
``pattern-quality backfill --help`` shows) does not import the runners, the
scoring workers and the stores behind them (psycopg).
"""

from __future__ import annotations

import importlib
import warnings
from typing import TYPE_CHECKING, Any, Final

if TYPE_CHECKING:
    from ..errors import BackfillError
    from ..sources.base import AsyncPatternSource, PatternSource
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

#: Scores per store write (``batch_size``), measured in docs/performance.md, "Backfill".
DEFAULT_WRITE_BATCH: Final = 2000

# Public name -> the module that defines it (relative to this package).
_LAZY: Final[dict[str, str]] = {
    "AsyncPatternSource": "..sources.base",
    "BackfillError": "..errors",
    "BackfillReport": ".report",
    "FailureExample": ".report",
    "FailureGroup": ".report",
    "PatternSource": "..sources.base",
    "RetryPolicy": ".retry",
    "abackfill": ".runner_async",
    "backfill": ".runner",
}


def __getattr__(name: str) -> Any:
    if name == "DEFAULT_BATCH_SIZE":
        warnings.warn(
            "pattern_quality.backfill.DEFAULT_BATCH_SIZE is deprecated: use DEFAULT_WRITE_BATCH",
            DeprecationWarning,
            stacklevel=2,
        )
        return DEFAULT_WRITE_BATCH
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # loaded once; later look-ups are plain attributes
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
