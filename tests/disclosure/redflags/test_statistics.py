"""The order statistics behind every fence: Hyndman and Fan's definition 8 (Cardinal's statrs)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from disclosure.redflags.statistics import median, percentile, quantile, tukey_fences

D = Decimal


def close(a: Decimal, b: str) -> bool:
    return abs(a - D(b)) < D("0.0000001")


def test_quartiles_of_one_to_ten_by_definition_8():
    # h = (10 + 1/3)·0.25 + 1/3 = 2.91667 → x2 + 0.91667·(x3 − x2); Q3: h = 8.08333.
    values = [D(n) for n in range(1, 11)]
    assert close(quantile(values, D("0.25")), "2.9166666667")
    assert close(quantile(values, D("0.75")), "8.0833333333")
    assert quantile(values, D("0.5")) == D("5.5")


def test_tukey_fences_of_one_to_ten():
    fences = tukey_fences([D(n) for n in (7, 3, 1, 10, 2, 9, 4, 8, 6, 5)])  # order does not matter
    assert close(fences.q1, "2.9166666667")
    assert close(fences.q3, "8.0833333333")
    assert close(fences.iqr, "5.1666666667")
    assert close(fences.lower, "-4.8333333333")
    assert close(fences.upper, "15.8333333333")
    assert fences.count == 10


def test_small_samples_clamp_to_the_extremes():
    # n = 2: Q1 has h = 0.9167 < 1 → the minimum; Q3 has h = 2.0833 ≥ n → the maximum.
    fences = tukey_fences([D(4), D(2)])
    assert (fences.q1, fences.q3) == (D(2), D(4))
    assert fences.lower == D(-1) and fences.upper == D(7)
    single = tukey_fences([D("0.3")])
    assert single.q1 == single.q3 == single.lower == single.upper == D("0.3")


def test_percentile_and_median():
    assert percentile([D(1), D(2), D(3), D(4)], 75) == quantile([D(1), D(2), D(3), D(4)], D("0.75"))
    assert median([D(3), D(1), D(2)]) == D(2)
    assert median([D(4), D(1), D(2), D(3)]) == D("2.5")


def test_refuses_empty_data_and_bad_probabilities():
    with pytest.raises(ValueError):
        quantile([], D("0.5"))
    with pytest.raises(ValueError):
        quantile([D(1)], D("1.5"))


decimals = st.decimals(min_value=-1000, max_value=1000, places=3, allow_nan=False, allow_infinity=False)


@given(st.lists(decimals, min_size=1, max_size=40))
def test_fences_bracket_the_quartiles(values):
    fences = tukey_fences(values)
    assert min(values) <= fences.q1 <= median(values) <= fences.q3 <= max(values)
    assert fences.lower <= fences.q1 and fences.q3 <= fences.upper
    assert abs((fences.upper - fences.q3) - (fences.q1 - fences.lower)) < D("1e-15")  # both 1.5·IQR


@given(st.lists(decimals, min_size=1, max_size=40), st.integers(0, 100), st.integers(0, 100))
def test_quantile_is_monotone(values, a, b):
    low, high = sorted((a, b))
    assert quantile(values, D(low) / 100) <= quantile(values, D(high) / 100)
