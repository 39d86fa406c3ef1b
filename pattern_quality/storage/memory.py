"""The in-memory stores' former home, kept so that ``pattern_quality.storage.memory`` imports work.

:class:`InMemoryQualityStore` lives in :mod:`.in_memory` (generated from
:mod:`.in_memory_async`, home of :class:`AsyncInMemoryQualityStore`).
"""

from __future__ import annotations

from .in_memory import InMemoryQualityStore
from .in_memory_async import AsyncInMemoryQualityStore

__all__ = ["AsyncInMemoryQualityStore", "InMemoryQualityStore"]
