"""The I/O-free core of the manifest-injection filter, shared by both filters.

The options (:class:`FilterPolicy`), what to look up (:func:`plan`), what to
keep and write back (:func:`decide`), the result (:class:`FilterResult`) and
the one warning of a fallback or a failed write-back.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import TimeoutError as FutureTimeout
from typing import TYPE_CHECKING, Any, Final, Literal, TypeAlias

import attrs

from .._config import mask_dsn
from .._construct import check_unit_interval
from ..errors import PatternValidationError
from ..ids import parse_pattern_id
from ..models import Pattern, QualityBrief, QualityScore, StoredQuality
from ..projection.payload import DEFAULT_QUALITY_KEY
from ..scoring import PatternQualityScorer

if TYPE_CHECKING:  # qdrant-client loads only when a Qdrant filter is built
    from qdrant_client import models

    from ..projection.query import UnprojectedPolicy

__all__ = [
    "Stored",
    "ABANDON_GRACE",
    "CLOSE_TIMEOUT",
    "DEFAULT_FILTER_TIMEOUT",
    "WRITE_BACK_TIMEOUT",
    "FilterPlan",
    "FilterPolicy",
    "FilterResult",
    "OnInvalid",
    "decide",
    "log_abandoned_write_backs",
    "log_write_back_failure",
    "plan",
]

#: What a lookup returns per id: a whole stored row (``get_many``) or its brief
#: (``get_briefs``, the narrow read); the filter only uses ``composite_score``.
Stored: TypeAlias = StoredQuality | QualityBrief

logger = logging.getLogger("pattern_quality.filtering")

#: Default budget, in seconds, for the store lookup before falling back to
#: in-process scores. Manifest generation must never wait longer than this.
DEFAULT_FILTER_TIMEOUT: Final = 0.25
#: How long a write-back may take in the background before it is abandoned.
WRITE_BACK_TIMEOUT: Final = 30.0
#: How long ``close()`` waits for pending write-backs before abandoning them.
CLOSE_TIMEOUT: Final = 5.0
#: Longest the async filter lets a timed-out lookup clean up before it is
#: interrupted again (which makes psycopg close the connection instead of
#: waiting for the server to confirm the cancellation).
ABANDON_GRACE: Final = 0.05

OnInvalid = Literal["keep", "drop"]


@attrs.frozen
class FilterResult:
    """What :meth:`QualityFilter.filter` returns.

    Attributes:
        patterns: The patterns whose composite is >= ``threshold``, in input order
            (plus invalid ones when ``on_invalid="keep"``).
        total: Number of patterns given.
        passed: ``len(patterns)``.
        threshold: The ``min_quality`` used.
        from_store: Scores taken from the store.
        computed: Scores computed in-process now.
        invalid: Patterns that could not be scored (kept or dropped by policy).
        written_back: Scores queued for the batched write-back.
        fallback: ``True`` when the store failed or timed out and every score was
            computed in-process.
        reason: Why the fallback happened, else ``None``.
        scores: The composite used for each passed, valid pattern, by position in
            ``patterns`` (``None`` for invalid patterns kept by policy).
    """

    patterns: tuple[Mapping[str, Any], ...]
    total: int
    passed: int
    threshold: float
    from_store: int
    computed: int
    invalid: int
    written_back: int
    fallback: bool = False
    reason: str | None = None
    scores: tuple[float | None, ...] = ()


@attrs.frozen
class FilterPlan:
    """The patterns of one call, with the ids to look up in one round trip."""

    patterns: Sequence[Any]
    ids: tuple[str | None, ...]
    threshold: float

    @property
    def lookup_ids(self) -> list[str]:
        """Distinct canonical ids to fetch from the store."""
        return sorted({i for i in self.ids if i is not None})


def check_threshold(min_quality: object) -> float:
    """Validate ``min_quality``.

    Args:
        min_quality: The threshold.

    Returns:
        It as a float in [0, 1].

    Raises:
        PatternValidationError: Not a finite real number in [0, 1].
    """
    return check_unit_interval("min_quality", min_quality)


def check_on_invalid(on_invalid: str) -> OnInvalid:
    """Validate the ``on_invalid`` policy.

    Args:
        on_invalid: ``"keep"`` or ``"drop"``.

    Returns:
        The policy.

    Raises:
        ValueError: Any other value.
    """
    if on_invalid == "keep":
        return "keep"
    if on_invalid == "drop":
        return "drop"
    raise ValueError(f"on_invalid: expected 'keep' or 'drop', got {on_invalid!r}")


def _id_of(pattern: object) -> str | None:
    if isinstance(pattern, Pattern):
        raw: object = pattern.pattern_id
    elif isinstance(pattern, Mapping):
        raw = pattern.get("pattern_id")
    else:
        return None
    return parse_pattern_id(raw)


def plan(patterns: Iterable[Any], min_quality: object) -> FilterPlan:
    """Validate the threshold, materialise the input and find the ids to look up.

    Args:
        patterns: Pattern mappings (or :class:`Pattern` objects) as retrieved.
        min_quality: The threshold of the call.

    Returns:
        The plan.

    Raises:
        PatternValidationError: ``min_quality`` is not a number in [0, 1].
    """
    threshold = check_threshold(min_quality)
    items = patterns if isinstance(patterns, Sequence) else list(patterns)
    return FilterPlan(patterns=items, ids=tuple(_id_of(p) for p in items), threshold=threshold)


def decide(
    the_plan: FilterPlan,
    stored: Mapping[str, Stored] | None,
    scorer: PatternQualityScorer,
    min_quality: float,
    on_invalid: OnInvalid,
    *,
    write_back: bool = True,
    reason: str | None = None,
) -> tuple[FilterResult, list[QualityScore]]:
    """Score what the store did not know and keep what passes, in input order.

    Args:
        the_plan: From :func:`plan`.
        stored: Rows from one ``get_many``; ``None`` when the store failed.
        scorer: Scores the patterns with no stored row.
        min_quality: Threshold (validated).
        on_invalid: Policy for patterns that cannot be scored.
        write_back: Whether new scores are to be written back at all.
        reason: Why ``stored`` is ``None``, for the result.

    Returns:
        The result and the new scores worth writing back (those with a valid id).
    """
    known = stored or {}
    kept: list[Mapping[str, Any]] = []
    kept_scores: list[float | None] = []
    to_write: dict[str, QualityScore] = {}
    from_store = computed = invalid = 0
    for pattern, pid in zip(the_plan.patterns, the_plan.ids, strict=True):
        row = known.get(pid) if pid is not None else None
        if row is not None:
            from_store += 1
            composite = row.composite_score
        else:
            try:
                score = scorer.score_pattern(pattern)
            except PatternValidationError:
                invalid += 1
                if on_invalid == "keep":
                    kept.append(pattern)
                    kept_scores.append(None)
                continue
            computed += 1
            composite = score.composite_score
            if write_back and pid is not None and stored is not None:
                to_write[pid] = attrs.evolve(score, pattern_id=pid)
        if composite >= min_quality:
            kept.append(pattern)
            kept_scores.append(composite)
    result = FilterResult(
        patterns=tuple(kept),
        total=len(the_plan.patterns),
        passed=len(kept),
        threshold=min_quality,
        from_store=from_store,
        computed=computed,
        invalid=invalid,
        written_back=len(to_write),
        fallback=stored is None,
        reason=reason,
        scores=tuple(kept_scores),
    )
    return result, list(to_write.values())


def _check_timeout(timeout: float) -> float:
    if isinstance(timeout, bool) or not isinstance(timeout, int | float) or not timeout > 0:
        raise ValueError(f"timeout: expected a positive number of seconds, got {timeout!r}")
    return float(timeout)


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError | FutureTimeout | asyncio.TimeoutError):
        return "store lookup timed out"
    return f"store lookup failed: {type(exc).__name__}: {mask_dsn(str(exc))}"


@attrs.frozen
class FilterPolicy:
    """The validated options of a filter, and the step both twins share after the lookup."""

    scorer: PatternQualityScorer
    timeout: float
    write_back: bool
    on_invalid: OnInvalid

    @classmethod
    def make(
        cls,
        scorer: PatternQualityScorer | None,
        timeout: float,
        write_back: bool,
        on_invalid: str,
    ) -> FilterPolicy:
        """Validate a filter's options.

        Args:
            scorer: The scorer, or ``None`` for ``PatternQualityScorer(explain=False)``.
            timeout: Seconds the lookup may take.
            write_back: Whether new scores are written back.
            on_invalid: ``"keep"`` or ``"drop"``.

        Returns:
            The policy.

        Raises:
            ValueError: ``timeout`` is not positive or ``on_invalid`` is unknown.
        """
        return cls(
            scorer=scorer if scorer is not None else PatternQualityScorer(explain=False),
            timeout=_check_timeout(timeout),
            write_back=write_back,
            on_invalid=check_on_invalid(on_invalid),
        )

    def finish(
        self,
        the_plan: FilterPlan,
        stored: Mapping[str, Stored] | None,
        error: BaseException | None,
    ) -> tuple[FilterResult, list[QualityScore]]:
        """Log a fallback (once) and :func:`decide` with the plan's threshold.

        Args:
            the_plan: From :func:`plan`.
            stored: The lookup's rows (empty when there was nothing to look up);
                ``None`` when it failed.
            error: Why the lookup failed, else ``None``.

        Returns:
            The result and the scores to write back.
        """
        reason = None
        if error is not None:
            reason = _describe(error)
            logger.warning("quality filter fell back to in-process scores: %s", reason)
        return decide(
            the_plan,
            stored,
            self.scorer,
            the_plan.threshold,
            self.on_invalid,
            write_back=self.write_back,
            reason=reason,
        )


def log_write_back_failure(exc: BaseException) -> None:
    """Log one warning for a write-back that failed (the caller never sees it).

    Args:
        exc: What the store raised; its message is logged with any password masked.
    """
    logger.warning(
        "quality filter write-back failed: %s: %s", type(exc).__name__, mask_dsn(str(exc))
    )


def log_abandoned_write_backs(pending: int, waited: float) -> None:
    """Log one warning for write-backs still running when a filter closes.

    Args:
        pending: How many are still running.
        waited: How long ``close()`` waited, in seconds.
    """
    if pending:
        logger.warning(
            "quality filter closed with %d write-back(s) still running after %.1f s; "
            "abandoned (each is one transaction: written whole or not at all)",
            pending,
            waited,
        )


class QdrantFilterMethod:
    """The I/O-free ``qdrant_filter`` both filters share (one copy, not two)."""

    def qdrant_filter(
        self,
        min_quality: float | None = None,
        *,
        tiers: str | Iterable[str] | None = None,
        rubric: str | Iterable[str] | None = None,
        unprojected: UnprojectedPolicy = "include",
        base: models.Filter | None = None,
        key: str = DEFAULT_QUALITY_KEY,
    ) -> models.Filter:
        """Return a Qdrant filter that keeps good patterns inside the vector search.

        Over the quality projected into the points' payloads by
        ``backfill --project-to-qdrant`` (docs/filtering.md, "Filtering inside the
        vector search"); pass it as ``query_filter=`` to ``query_points``. No I/O:
        the store is not read.

        Args:
            min_quality: Keep points whose projected composite is ``>=`` this;
                ``None``: no threshold.
            tiers: Keep only these tiers (names or :class:`~pattern_quality.models.Tier`).
            rubric: Keep only scores of this rubric version (or these versions).
            unprojected: Points without a projection: ``"include"`` (default) or ``"exclude"``.
            base: The caller's own filter; the result requires both.
            key: The payload key of the projection.

        Returns:
            A :class:`qdrant_client.models.Filter`.

        Raises:
            PatternValidationError: An invalid threshold, tier, rubric or policy.
            ValueError: ``key`` is not a plain identifier.
        """
        from ..projection.query import quality_condition

        return quality_condition(
            min_quality, tiers=tiers, rubric=rubric, unprojected=unprojected, base=base, key=key
        )
