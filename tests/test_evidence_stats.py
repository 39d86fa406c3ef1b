"""The evidence statistics against values computed by hand (worked in the comments)."""

from __future__ import annotations

import pytest

from tests.evidence import stats


def test_ranks_average_ties() -> None:
    assert stats.ranks([5, 6, 7, 8, 7]) == [1, 2, 3.5, 5, 3.5]
    assert stats.ranks([]) == []


def test_spearman_without_ties_is_one_minus_six_d_squared() -> None:
    # d = (0, -1, 1, 0), sum d^2 = 2: 1 - 6 * 2 / (4 * (16 - 1)) = 0.8
    assert stats.spearman([1, 2, 3, 4], [1, 3, 2, 4]) == pytest.approx(0.8)
    assert stats.spearman([1, 2, 3], [30, 20, 10]) == pytest.approx(-1.0)


def test_spearman_with_ties_is_pearson_on_average_ranks() -> None:
    # ranks of y: (1, 2, 3.5, 5, 3.5); deviations x (-2, -1, 0, 1, 2), y (-2, -1, .5, 2, .5)
    # sxy = 4 + 1 + 0 + 2 + 1 = 8, sxx = 10, syy = 9.5: 8 / sqrt(95)
    assert stats.spearman([1, 2, 3, 4, 5], [5, 6, 7, 8, 7]) == pytest.approx(8 / 95**0.5)


def test_spearman_is_undefined_for_constant_or_tiny_input_and_refuses_ragged() -> None:
    assert stats.spearman([1, 1, 1], [1, 2, 3]) is None
    assert stats.spearman([1], [2]) is None
    with pytest.raises(ValueError, match="x has 2 values and y has 3"):
        stats.spearman([1, 2], [1, 2, 3])


def test_partial_spearman_holds_the_third_variable_constant() -> None:
    # r_xy = 0.8; z ranks (2, 1, 4, 3): r_xz = 1 - 6*4/60 = 0.6, r_yz = 1 - 6*10/60 = 0
    # (0.8 - 0.6 * 0) / sqrt((1 - 0.36) * (1 - 0)) = 0.8 / 0.8 = 1
    x, y, z = [1, 2, 3, 4], [1, 3, 2, 4], [2, 1, 4, 3]
    assert stats.partial_spearman(x, y, z) == pytest.approx(1.0)
    # with z = x nothing of x is left once z is held constant: undefined
    assert stats.partial_spearman(x, y, x) is None


def test_partial_spearman_removes_what_size_explains() -> None:
    size = [1, 2, 3, 4, 5, 6]
    score = [1, 2, 3, 4, 5, 6]  # exactly size
    rating = [2, 1, 4, 3, 6, 5]
    r = stats.spearman(score, rating)
    assert r is not None and r > 0.8
    assert stats.partial_spearman(score, rating, size) is None  # score is size: nothing left


def test_krippendorff_alpha_ordinal_by_hand() -> None:
    # units u1 (1, 1), u2 (2, 2), u3 (3, 2): o11 = 2, o22 = 2, o23 = o32 = 1
    # n1 = 2, n2 = 3, n3 = 1, n = 6; ordinal delta^2: d12 = (5 - 2.5)^2 = 6.25,
    # d23 = (4 - 2)^2 = 4, d13 = (6 - 1.5)^2 = 20.25
    # observed sum o*d = 8; expected sum n_c n_k d = 2 * (6 * 6.25 + 2 * 20.25 + 3 * 4) = 180
    # alpha = 1 - (n - 1) * 8 / 180 = 7/9
    ratings = {"a": {"u1": 1, "u2": 2, "u3": 3}, "b": {"u1": 1, "u2": 2, "u3": 2}}
    assert stats.krippendorff_alpha_ordinal(ratings) == pytest.approx(7 / 9)


def test_krippendorff_alpha_ignores_singly_rated_units_and_is_one_on_agreement() -> None:
    same = {"a": {"u1": 1, "u2": 3, "u3": 5}, "b": {"u1": 1, "u2": 3, "u3": 5, "u4": 2}}
    assert stats.krippendorff_alpha_ordinal(same) == pytest.approx(1.0)
    assert stats.krippendorff_alpha_ordinal({"a": {"u1": 1}, "b": {"u2": 2}}) is None
    assert (
        stats.krippendorff_alpha_ordinal({"a": {"u1": 3, "u2": 3}, "b": {"u1": 3, "u2": 3}}) is None
    )


def test_krippendorff_alpha_is_negative_for_systematic_disagreement() -> None:
    ratings = {"a": {"u1": 1, "u2": 5, "u3": 1}, "b": {"u1": 5, "u2": 1, "u3": 5}}
    alpha = stats.krippendorff_alpha_ordinal(ratings)
    assert alpha is not None and alpha < 0


def test_bootstrap_interval_contains_the_statistic_and_is_seeded() -> None:
    data = [1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0]

    def mean(indices: list[int]) -> float:
        return sum(data[i] for i in indices) / len(indices)

    ci = stats.bootstrap_ci(mean, len(data), rounds=200, seed=3)
    assert ci is not None
    low, high = ci
    assert low < 4.5 < high and low >= 1.0 and high <= 8.0
    assert stats.bootstrap_ci(mean, len(data), rounds=200, seed=3) == ci
    assert stats.bootstrap_ci(lambda _: None, 5, rounds=10) is None
