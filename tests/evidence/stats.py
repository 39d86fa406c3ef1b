"""The statistics of the evidence table, in the standard library only.

- :func:`spearman`: Spearman's rank correlation (Pearson's r on average ranks, so
  ties are handled as usual);
- :func:`partial_spearman`: the rank correlation of x and y with z held constant,
  ``(r_xy - r_xz r_yz) / sqrt((1 - r_xz^2) (1 - r_yz^2))`` on Spearman coefficients;
- :func:`krippendorff_alpha_ordinal`: Krippendorff's alpha with the ordinal
  metric, for any number of raters and missing ratings;
- :func:`bootstrap_ci`: a seeded percentile bootstrap interval of any of these.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence


def ranks(values: Sequence[float]) -> list[float]:
    """Average ranks, 1-based: tied values share the mean of their positions.

    Args:
        values: Any numbers.

    Returns:
        One rank per value, in the input order.
    """
    order = sorted(range(len(values)), key=lambda i: values[i])
    out = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        rank = (start + end) / 2 + 1
        for i in order[start : end + 1]:
            out[i] = rank
        start = end + 1
    return out


def pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Pearson's r; ``None`` when fewer than two points or a constant side.

    Raises:
        ValueError: the sequences differ in length.
    """
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} values and y has {len(y)}")
    n = len(x)
    if n < 2:
        return None
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman's rho (ties averaged); ``None`` when undefined (n < 2 or a constant side).

    Raises:
        ValueError: the sequences differ in length.
    """
    if len(x) != len(y):
        raise ValueError(f"x has {len(x)} values and y has {len(y)}")
    return pearson(ranks(x), ranks(y))


def partial_spearman(x: Sequence[float], y: Sequence[float], z: Sequence[float]) -> float | None:
    """Spearman's rho of x and y with z held constant; ``None`` when undefined.

    Undefined when any of the three coefficients is, or when z ranks exactly like
    x or y (then nothing is left of that side once z is held constant).

    Raises:
        ValueError: the sequences differ in length.
    """
    rxy, rxz, ryz = spearman(x, y), spearman(x, z), spearman(y, z)
    if rxy is None or rxz is None or ryz is None:
        return None
    denominator = (1 - rxz**2) * (1 - ryz**2)
    if denominator <= 1e-12:
        return None
    return (rxy - rxz * ryz) / math.sqrt(denominator)


def krippendorff_alpha_ordinal(ratings: Mapping[str, Mapping[str, int]]) -> float | None:
    """Krippendorff's alpha, ordinal metric.

    Args:
        ratings: ``{rater: {unit: value}}``; a unit a rater skipped is just absent.

    Returns:
        Alpha (1 is perfect agreement, 0 what chance gives); ``None`` when fewer
        than two units have two ratings, or when every pairable value is the same.
    """
    units: dict[str, list[int]] = {}
    for by_unit in ratings.values():
        for unit, value in by_unit.items():
            units.setdefault(unit, []).append(int(value))
    pairable = {u: v for u, v in units.items() if len(v) >= 2}
    if len(pairable) < 2:
        return None
    # the coincidence matrix o[c][k]
    coincidences: defaultdict[tuple[int, int], float] = defaultdict(float)
    for values in pairable.values():
        m = len(values)
        for i, c in enumerate(values):
            for j, k in enumerate(values):
                if i != j:
                    coincidences[c, k] += 1 / (m - 1)
    categories = sorted({c for c, _ in coincidences})
    n_c = {c: sum(v for (a, _), v in coincidences.items() if a == c) for c in categories}
    n = sum(n_c.values())
    if len(categories) < 2:
        return None

    def delta(c: int, k: int) -> float:
        low, high = min(c, k), max(c, k)
        inner = sum(n_c[g] for g in categories if low <= g <= high)
        return (inner - (n_c[low] + n_c[high]) / 2) ** 2

    observed = sum(v * delta(c, k) for (c, k), v in coincidences.items())
    expected = sum(n_c[c] * n_c[k] * delta(c, k) for c in categories for k in categories)
    if expected == 0:
        return None
    return 1 - (n - 1) * observed / expected


def bootstrap_ci(
    statistic: Callable[[list[int]], float | None],
    n: int,
    *,
    rounds: int = 1000,
    level: float = 0.95,
    seed: int = 0,
) -> tuple[float, float] | None:
    """A percentile bootstrap interval of ``statistic`` over resampled indices.

    Args:
        statistic: Computes the statistic on a list of indices into the data.
        n: How many data points there are.
        rounds: Resamples drawn.
        level: The interval's coverage.
        seed: The seed of the resampling.

    Returns:
        ``(low, high)``, or ``None`` when the statistic is undefined in most resamples.
    """
    rng = random.Random(seed)
    values = []
    for _ in range(rounds):
        value = statistic([rng.randrange(n) for _ in range(n)])
        if value is not None:
            values.append(value)
    if len(values) < rounds / 2:
        return None
    values.sort()
    tail = (1 - level) / 2
    return values[int(tail * (len(values) - 1))], values[int((1 - tail) * (len(values) - 1))]
