"""Notebook helpers: stored metrics as a pandas DataFrame, tier counts, a distribution plot.

Needs the ``notebook`` extra (``pip install 'pattern-quality[notebook]'``).
``import pattern_quality`` never imports this module, pandas or matplotlib.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Any, Final

try:
    import pandas as pd
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError(
        "pattern_quality.explore needs pandas: pip install 'pattern-quality[notebook]'"
    ) from exc

from .models import (
    DIMENSION_KEYS,
    EXCELLENT_THRESHOLD,
    FAIR_THRESHOLD,
    GOOD_THRESHOLD,
    StoredQuality,
    Tier,
)
from .storage.base import QualityStore

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = ["COLUMNS", "load_metrics", "plot_distribution", "tier_counts"]

#: The columns of :func:`load_metrics`, in order.
COLUMNS: Final = (
    "pattern_id",
    "pattern_name",
    "composite_score",
    *DIMENSION_KEYS,
    "tier",
    "confidence",
    "version",
    "measurement_timestamp",
    "created_at",
    "updated_at",
)

_TIER_ORDER: Final = (Tier.EXCELLENT, Tier.GOOD, Tier.FAIR, Tier.POOR)


def _rows(store: QualityStore, batch_size: int) -> Iterable[tuple[Any, ...]]:
    row: StoredQuality
    for row in store.iter_all(batch_size=batch_size):
        yield (
            row.pattern_id,
            row.pattern_name,
            row.composite_score,
            row.completeness_score,
            row.documentation_score,
            row.onex_compliance_score,
            row.metadata_richness_score,
            row.complexity_score,
            row.tier.value,
            row.confidence,
            row.version,
            row.measurement_timestamp,
            row.created_at,
            row.updated_at,
        )


def load_metrics(store_or_dsn: QualityStore | str, *, batch_size: int = 5000) -> pd.DataFrame:
    """Load every stored score into a DataFrame, one row per pattern.

    Args:
        store_or_dsn: A :class:`QualityStore` or a PostgreSQL URL (a store is opened
            and closed for the call).
        batch_size: Rows fetched per round trip while streaming.

    Returns:
        A DataFrame with the :data:`COLUMNS`, ordered by ``pattern_id``; ``tier`` is
        an ordered categorical (excellent, good, fair, poor).

    Raises:
        StoreError: The database cannot be read (see the store's errors).
    """
    if isinstance(store_or_dsn, str):
        from .storage.postgres import PostgresQualityStore

        with PostgresQualityStore(store_or_dsn) as store:
            records = list(_rows(store, batch_size))
    else:
        records = list(_rows(store_or_dsn, batch_size))
    df = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    df["tier"] = pd.Categorical(df["tier"], categories=[t.value for t in _TIER_ORDER], ordered=True)
    for column in ("measurement_timestamp", "created_at", "updated_at"):
        df[column] = pd.to_datetime(df[column], utc=True)
    return df


def tier_counts(df: pd.DataFrame) -> pd.DataFrame:
    """Count patterns per tier.

    Args:
        df: A frame from :func:`load_metrics` (needs ``composite_score``).

    Returns:
        A frame indexed by tier (excellent first, every tier present) with
        columns ``count`` and ``percent`` (0-100; 0 for an empty frame).
    """
    tiers = df["composite_score"].map(lambda s: Tier.from_score(float(s)).value)
    counts = tiers.value_counts().reindex([t.value for t in _TIER_ORDER], fill_value=0)
    total = int(counts.sum())
    out = pd.DataFrame({"count": counts.astype(int)})
    out["percent"] = (out["count"] * 100.0 / total) if total else 0.0
    out.index.name = "tier"
    return out


def plot_distribution(df: pd.DataFrame) -> Figure:
    """Plot the composite histogram with the tier thresholds, and the dimension averages.

    Args:
        df: A frame from :func:`load_metrics`.

    Returns:
        A matplotlib Figure with two axes (the caller saves or shows it).

    Raises:
        ImportError: matplotlib is not installed.
    """
    try:
        from matplotlib.figure import Figure
    except ImportError as exc:  # pragma: no cover - exercised only without the extra
        raise ImportError(
            "plot_distribution needs matplotlib: pip install 'pattern-quality[notebook]'"
        ) from exc

    fig = Figure(figsize=(11, 4.5), layout="constrained")
    hist_ax, dim_ax = fig.subplots(1, 2, width_ratios=(3, 2))
    scores = df["composite_score"].astype(float)
    hist_ax.hist(scores, bins=[i / 20 for i in range(21)], color="#4c72b0", edgecolor="white")
    thresholds = {"fair": FAIR_THRESHOLD, "good": GOOD_THRESHOLD, "excellent": EXCELLENT_THRESHOLD}
    for value in thresholds.values():
        hist_ax.axvline(value, color="#c44e52", linestyle="--", linewidth=1)
    tiers_axis = hist_ax.secondary_xaxis("top")
    tiers_axis.set_xticks(
        list(thresholds.values()), labels=[f"{k} ≥ {v}" for k, v in thresholds.items()]
    )
    tiers_axis.tick_params(colors="#c44e52", labelsize=8)
    hist_ax.set_xlim(0, 1)
    hist_ax.set_xlabel("composite score")
    hist_ax.set_ylabel("patterns")
    hist_ax.set_title(f"Composite quality of {len(df):,} patterns")

    names = [k.removesuffix("_score").replace("_", " ") for k in DIMENSION_KEYS]
    means = [float(df[k].mean()) if len(df) else 0.0 for k in DIMENSION_KEYS]
    bars = dim_ax.barh(names[::-1], means[::-1], color="#55a868")
    dim_ax.bar_label(bars, fmt="%.2f", padding=3, fontsize=8)
    dim_ax.set_xlim(0, 1.1)
    dim_ax.set_xlabel("average score")
    dim_ax.set_title("Dimension averages")
    return fig
