"""Manifest-injection filter: keep the patterns whose stored quality passes a threshold.

:class:`QualityFilter` (:mod:`.quality_filter`) and :class:`AsyncQualityFilter`
(:mod:`.quality_filter_async`) share their options, the decision and the
fallback in :mod:`.policy`. Both log on the ``pattern_quality.filtering`` logger.
"""

from __future__ import annotations

import warnings
from typing import Any

from .policy import DEFAULT_FILTER_TIMEOUT, FilterResult
from .quality_filter import QualityFilter
from .quality_filter_async import AsyncQualityFilter

__all__ = ["DEFAULT_FILTER_TIMEOUT", "AsyncQualityFilter", "FilterResult", "QualityFilter"]


def __getattr__(name: str) -> Any:
    if name == "DEFAULT_TIMEOUT":
        warnings.warn(
            "pattern_quality.filtering.DEFAULT_TIMEOUT is deprecated: use DEFAULT_FILTER_TIMEOUT",
            DeprecationWarning,
            stacklevel=2,
        )
        return DEFAULT_FILTER_TIMEOUT
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
