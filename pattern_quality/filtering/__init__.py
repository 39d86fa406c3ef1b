"""Manifest-injection filter: keep the patterns whose stored quality passes a threshold.

:class:`QualityFilter` and :class:`AsyncQualityFilter` (:mod:`.quality_filter`)
share their options, the decision and the fallback in :mod:`.policy`.
"""

from __future__ import annotations

from .quality_filter import DEFAULT_TIMEOUT, AsyncQualityFilter, FilterResult, QualityFilter

__all__ = ["DEFAULT_TIMEOUT", "AsyncQualityFilter", "FilterResult", "QualityFilter"]
