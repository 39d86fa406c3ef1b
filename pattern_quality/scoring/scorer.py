"""The public scorer: picks a rubric, validates input, builds :class:`QualityScore`."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, Final

from ..errors import PatternValidationError
from ..hashing import content_hash as _content_hash
from ..models import (
    EXCELLENT_THRESHOLD,
    FAIR_THRESHOLD,
    GOOD_THRESHOLD,
    Finding,
    Pattern,
    QualityScore,
)
from . import rubric_1_0_0, rubric_2_0_0, rubric_3_0_0
from .base import DimensionScores, FullScores, Rubric, WeightedRubric
from .zero_findings import explain_zeros

if TYPE_CHECKING:
    from ..storage.base import AsyncQualityStore, QualityStore

__all__ = [
    "DEFAULT_RUBRIC",
    "WEIGHTS",
    "PatternQualityScorer",
    "available_rubrics",
    "run_rubric",
]

#: Composite weights, in the order the composite sums them (docs/legacy.md#rubric-100).
WEIGHTS: Final[Mapping[str, float]] = MappingProxyType(
    {
        "completeness": 0.30,
        "documentation": 0.25,
        "onex_compliance": 0.20,
        "metadata_richness": 0.15,
        "complexity": 0.10,
    }
)

_RUBRICS: Final[dict[str, Rubric]] = {
    rubric_1_0_0.VERSION: rubric_1_0_0.RUBRIC,
    rubric_2_0_0.VERSION: rubric_2_0_0.RUBRIC,
    rubric_3_0_0.VERSION: rubric_3_0_0.RUBRIC,
}

#: The rubric used when none is named (``"1.0.0"`` stays available, bit-exact).
DEFAULT_RUBRIC: Final = rubric_3_0_0.VERSION


def run_rubric(
    rubric: Rubric, pattern: Pattern, findings: list[Finding] | None
) -> DimensionScores | FullScores:
    """Run a rubric on a pattern: :class:`FullScores` from a rubric with its own weights.

    Args:
        rubric: The rubric.
        pattern: The validated pattern.
        findings: The list findings go to, or ``None``.

    Returns:
        The five dimensions (rubrics 1.0.0 and 2.0.0) or the full scores (3.0.0).
    """
    if isinstance(rubric, WeightedRubric):
        return rubric.score_full(pattern, findings)
    return rubric.score(pattern, findings)


def available_rubrics() -> tuple[str, ...]:
    """Return the rubric versions this release can score with.

    Returns:
        Version strings, oldest first.
    """
    return tuple(_RUBRICS)


class PatternQualityScorer:
    """Scores patterns on five dimensions into a composite in [0, 1].

    The scorer is pure: it does no I/O, and the only clock it reads is the
    measurement timestamp of each score.

    Example:
        >>> from pattern_quality import PatternQualityScorer
        >>> score = PatternQualityScorer().score_pattern({"code": "import os\\n"})
        >>> 0.0 <= score.composite_score <= 1.0
        True
    """

    WEIGHTS: Final = WEIGHTS
    EXCELLENT_THRESHOLD: Final = EXCELLENT_THRESHOLD
    GOOD_THRESHOLD: Final = GOOD_THRESHOLD
    FAIR_THRESHOLD: Final = FAIR_THRESHOLD

    def __init__(
        self,
        rubric: str = DEFAULT_RUBRIC,
        *,
        explain: bool = True,
        content_hash: bool = False,
        store: QualityStore | AsyncQualityStore | None = None,
    ) -> None:
        """Create a scorer.

        Args:
            rubric: Rubric version to score with (default :data:`DEFAULT_RUBRIC`,
                ``"3.0.0"``; ``"2.0.0"`` stays available, ``"1.0.0"`` is the legacy
                rubric, float for float); see :func:`available_rubrics`.
            explain: Collect the findings behind each dimension into
                :attr:`QualityScore.findings` (a little slower; off for bulk jobs
                that never read them).
            content_hash: Fill :attr:`QualityScore.content_hash` with
                :func:`~pattern_quality.hashing.content_hash` of each pattern (about
                10 µs a pattern; the backfill always records it, so that
                ``changed_only`` re-runs can skip unchanged patterns).
            store: The store :meth:`store_quality_metrics` writes to when no
                database URL is passed (sync or async; the scorer never closes it).

        Raises:
            ValueError: ``rubric`` names no known rubric version.
        """
        try:
            self._rubric = _RUBRICS[rubric]
        except KeyError:
            known = ", ".join(_RUBRICS)
            raise ValueError(f"unknown rubric {rubric!r}; known rubrics: {known}") from None
        self._explain = explain
        self._hash = content_hash
        self._store = store

    @property
    def rubric_version(self) -> str:
        """The version of the rubric this scorer uses."""
        return self._rubric.version

    @property
    def explains(self) -> bool:
        """Whether scores carry their findings (``explain=True``)."""
        return self._explain

    def score_pattern(self, pattern: Pattern | Mapping[str, Any]) -> QualityScore:
        """Score one pattern.

        Args:
            pattern: A :class:`Pattern` or a mapping with the keys of
                docs/legacy.md#pattern-input (any key
                may be missing or ``None``).

        Returns:
            The pattern's :class:`QualityScore`, timestamped now (UTC).

        Raises:
            PatternValidationError: A field has the wrong type or an invalid value.
        """
        if not isinstance(pattern, Pattern):
            pattern = Pattern.from_mapping(pattern)
        digest = None
        if self._hash:
            try:
                digest = _content_hash(pattern)
            except (ValueError, RecursionError) as exc:  # e.g. an int of 5,000 digits
                raise PatternValidationError(
                    f"content_hash: the pattern's fields cannot be hashed ({exc})"
                ) from None
        return self._score(pattern, digest)

    def _score(self, pattern: Pattern, digest: str | None) -> QualityScore:
        """Score a validated pattern; ``digest`` becomes the score's ``content_hash``."""
        findings: list[Finding] | None = [] if self._explain else None
        return self._build(pattern, run_rubric(self._rubric, pattern, findings), findings, digest)

    def _build(
        self,
        pattern: Pattern,
        dims: DimensionScores | FullScores,
        findings: Sequence[Finding] | None,
        digest: str | None,
    ) -> QualityScore:
        """Turn the rubric's output for ``pattern`` into its timestamped score."""
        if self._explain:  # a dimension at 0.0 always says why (never changes a score)
            five = dims.dims if isinstance(dims, FullScores) else dims
            extra = dims.extra if isinstance(dims, FullScores) else ()
            if 0.0 in five or any(value == 0.0 for _, value in extra):
                pairs = [*zip(five._fields, five, strict=True), *extra]
                findings = explain_zeros(self._rubric.version, pairs, findings or ())
        if isinstance(dims, FullScores):  # a rubric with its own weights (3.0.0 on)
            return QualityScore._from_parts(
                pattern,
                dims.composite,
                dims.dims,
                datetime.now(UTC),
                self._rubric.version,
                () if not findings else tuple(findings),
                digest,
                dims.extra,
            )
        # Left to right in exactly this order: stored legacy scores depend on it.
        composite = (
            dims.completeness * 0.30
            + dims.documentation * 0.25
            + dims.onex_compliance * 0.20
            + dims.metadata_richness * 0.15
            + dims.complexity * 0.10
        )
        return QualityScore._from_parts(
            pattern,
            composite,
            dims,
            datetime.now(UTC),
            self._rubric.version,
            () if not findings else tuple(findings),
            digest,
        )

    def score_many(self, patterns: Iterable[Pattern | Mapping[str, Any]]) -> Iterator[QualityScore]:
        """Score patterns lazily, one at a time, in input order.

        Args:
            patterns: Patterns or mappings.

        Returns:
            An iterator of scores; nothing is scored before it is consumed.

        Raises:
            PatternValidationError: While iterating, for the first invalid pattern.
        """
        score = self.score_pattern
        return (score(p) for p in patterns)

    async def store_quality_metrics(
        self,
        scores: QualityScore | Iterable[QualityScore],
        database_url: str | None = None,
    ) -> int:
        """Upsert scores (one or many) in one transaction; the latest measurement wins.

        The store is, in order: the shared pooled store of ``database_url`` (one
        pool per URL, reused across calls, see
        :func:`pattern_quality.storage.close_pools`); the store bound with
        ``PatternQualityScorer(store=...)``; the shared store of
        ``PATTERN_QUALITY_DATABASE_URL`` / ``HOST_DATABASE_URL`` / ``DATABASE_URL``.

        Args:
            scores: One :class:`QualityScore` or an iterable of them.
            database_url: PostgreSQL connection string or URL.

        Returns:
            Rows inserted or updated (a stale score counts 0).

        Raises:
            ConfigurationError: No URL passed or configured and no store bound
                (raised at once, no connection is attempted).
            PatternValidationError: A score is invalid; nothing is written.
            SchemaNotReadyError: The table is missing; run ``pattern-quality migrate``.
            DatabaseUnavailableError: The database cannot be reached.
            StoreError: The write failed; nothing is written.
        """
        from ..storage.registry import astore_scores

        return await astore_scores(scores, database_url, self._store)

    def store_quality_metrics_sync(
        self,
        scores: QualityScore | Iterable[QualityScore],
        database_url: str | None = None,
    ) -> int:
        """Blocking twin of :meth:`store_quality_metrics`, for scripts and notebooks.

        Args:
            scores: One :class:`QualityScore` or an iterable of them.
            database_url: PostgreSQL connection string or URL.

        Returns:
            Rows inserted or updated (a stale score counts 0).

        Raises:
            ConfigurationError: No URL passed or configured and no store bound.
            TypeError: The bound store is async (await :meth:`store_quality_metrics`).
            PatternValidationError: A score is invalid; nothing is written.
            SchemaNotReadyError: The table is missing; run ``pattern-quality migrate``.
            DatabaseUnavailableError: The database cannot be reached.
            StoreError: The write failed; nothing is written.
        """
        from ..storage.registry import store_scores

        return store_scores(scores, database_url, self._store)
