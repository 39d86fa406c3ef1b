"""The Qdrant filter that keeps good patterns inside the vector search: :func:`quality_condition`.

``QualityFilter.qdrant_filter`` / ``AsyncQualityFilter.qdrant_filter`` return
what this module builds: a :class:`qdrant_client.models.Filter` over the
projected payload (docs/filtering.md, "Filtering inside the vector search"),
optionally combined with the caller's own filter. No I/O.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Final, Literal, TypeAlias

from qdrant_client import models

from .._construct import check_unit_interval
from ..errors import PatternValidationError
from ..models import Tier
from .payload import DEFAULT_QUALITY_KEY, check_key

__all__ = ["UNPROJECTED_POLICIES", "UnprojectedPolicy", "quality_condition"]

#: What to do with points that carry no projection (never backfilled with it).
UnprojectedPolicy: TypeAlias = Literal["include", "exclude"]
UNPROJECTED_POLICIES: Final = ("include", "exclude")
_TIERS: Final = tuple(t.value for t in Tier)


def _strings(name: str, value: str | Iterable[str], allowed: tuple[str, ...] = ()) -> list[str]:
    items = [value] if isinstance(value, str) else list(value)
    if not items:
        raise PatternValidationError(f"{name}: expected at least one value, got none")
    for item in items:
        if not isinstance(item, str) or not item:
            raise PatternValidationError(f"{name}: expected non-empty strings, got {item!r}")
        if allowed and item not in allowed:
            raise PatternValidationError(
                f"{name}: expected one of {', '.join(allowed)}, got {item!r}"
            )
    return list(dict.fromkeys(str(i) for i in items))


def quality_condition(
    min_quality: float | None = None,
    *,
    tiers: str | Iterable[str] | None = None,
    rubric: str | Iterable[str] | None = None,
    unprojected: UnprojectedPolicy = "include",
    base: models.Filter | None = None,
    key: str = DEFAULT_QUALITY_KEY,
) -> models.Filter:
    """Build the Qdrant filter of a quality threshold over the projected payloads.

    Args:
        min_quality: Keep points whose projected composite is ``>=`` this (inclusive,
            as :meth:`QualityFilter.filter`); ``None``: no threshold.
        tiers: Keep only these tiers (``"excellent"``, ``"good"``, ``"fair"``,
            ``"poor"``, or :class:`~pattern_quality.models.Tier` members).
        rubric: Keep only scores of this rubric version (or these versions).
        unprojected: Points without a projection: ``"include"`` (the default:
            no projection is no evidence of low quality; the classic filter can
            judge them after the search) or ``"exclude"``.
        base: The caller's own filter; the result requires both.
        key: The payload key of the projection.

    Returns:
        The filter to pass as ``query_filter=`` to ``query_points`` / ``search``.

    Raises:
        PatternValidationError: ``min_quality`` is not a number in [0, 1], a tier
            or rubric is not a non-empty string (or not a tier), or
            ``unprojected`` is not ``"include"`` / ``"exclude"``.
        ValueError: ``key`` is not a plain identifier.
    """
    key = check_key(key)
    if unprojected not in UNPROJECTED_POLICIES:
        raise PatternValidationError(
            f"unprojected: expected 'include' or 'exclude', got {unprojected!r}"
        )
    conditions: list[models.Condition] = []
    if min_quality is not None:
        threshold = check_unit_interval("min_quality", min_quality)
        conditions.append(
            models.FieldCondition(key=f"{key}.score", range=models.Range(gte=threshold))
        )
    if tiers is not None:
        wanted = _strings("tiers", tiers, _TIERS)
        conditions.append(
            models.FieldCondition(key=f"{key}.tier", match=models.MatchAny(any=wanted))
        )
    if rubric is not None:
        versions = _strings("rubric", rubric)
        conditions.append(
            models.FieldCondition(key=f"{key}.rubric", match=models.MatchAny(any=versions))
        )
    absent = models.IsEmptyCondition(is_empty=models.PayloadField(key=key))
    if unprojected == "exclude":
        ours = models.Filter(must=conditions or None, must_not=[absent])
    elif conditions:
        ours = models.Filter(should=[models.Filter(must=conditions), absent])
    else:
        ours = models.Filter()  # every point passes: no criterion, unprojected included
    if base is None:
        return ours
    return models.Filter(must=[base, ours])
