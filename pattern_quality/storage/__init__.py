"""Storage of one current quality score per pattern."""

from __future__ import annotations

from .base import AsyncQualityStore, QualityStore

__all__ = ["AsyncQualityStore", "QualityStore"]
