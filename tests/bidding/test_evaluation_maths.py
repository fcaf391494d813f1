"""Properties of the evaluation's arithmetic (bidding/evaluation/maths.py): the price score never
exceeds its weight and the lowest price gets all of it, it falls as the price rises, the SME
deduction never raises a price, the ranking does not depend on the input order; the majority,
deviation, identical-sheet and abnormally-low rules on plain data."""

import random
from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from bidding.evaluation import maths

prices = st.decimals(min_value="1.00", max_value="99999999.99", places=2)
weights = st.decimals(min_value="0.01", max_value="100.00", places=2)
percents = st.decimals(min_value="0", max_value="100", places=2)


@given(st.lists(prices, min_size=1, max_size=12), weights)
def test_a_price_score_never_exceeds_the_weight_and_the_lowest_gets_all_of_it(values, weight):
    lowest = min(values)
    scores = [maths.price_score(lowest, v, weight) for v in values]
    assert all(Decimal(0) <= s <= weight for s in scores)
    assert maths.price_score(lowest, lowest, weight) == weight
    assert all(s == s.quantize(Decimal("0.01")) for s in scores)


@given(prices, prices, prices, weights)
def test_the_price_score_falls_as_the_price_rises(lowest, a, b, weight):
    low, high = sorted([a, b])
    lowest = min(lowest, low)
    assert maths.price_score(lowest, low, weight) >= maths.price_score(lowest, high, weight)


@given(prices, percents, st.booleans())
def test_the_deduction_never_raises_a_price(price, percent, small):
    evaluated = maths.evaluated_price(price, small_or_micro=small, deduction_percent=percent)
    assert evaluated <= price
    if not small or percent == 0:
        assert evaluated == price


def test_the_deduction_applies_to_small_enterprises_only():
    assert maths.evaluated_price(
        Decimal("200000"), small_or_micro=True, deduction_percent=Decimal("10")
    ) == Decimal("180000.00")
    assert maths.evaluated_price(
        Decimal("200000"), small_or_micro=False, deduction_percent=Decimal("10")
    ) == Decimal("200000.00")


entries = st.lists(
    st.builds(
        maths.Entry,
        key=st.integers(min_value=1, max_value=10_000),
        price=prices,
        evaluated_price=prices,
        total=st.decimals(min_value="0", max_value="100", places=2),
        technical=st.decimals(min_value="0", max_value="60", places=2),
    ),
    min_size=1,
    max_size=15,
    unique_by=lambda e: e.key,
)


@given(entries, st.booleans(), st.randoms(use_true_random=False))
def test_the_ranking_is_deterministic(rows, comprehensive, rng):
    shuffled = list(rows)
    rng.shuffle(shuffled)
    assert maths.rank(rows, comprehensive=comprehensive) == maths.rank(shuffled, comprehensive=comprehensive)


def test_comprehensive_ties_break_by_lower_price_then_higher_technical_score():
    rows = [
        maths.Entry("a", Decimal("110"), Decimal("110"), Decimal("90"), Decimal("50")),
        maths.Entry("b", Decimal("100"), Decimal("100"), Decimal("90"), Decimal("40")),
        maths.Entry("c", Decimal("100"), Decimal("100"), Decimal("90"), Decimal("45")),
        maths.Entry("d", Decimal("90"), Decimal("90"), Decimal("80"), Decimal("60")),
    ]
    assert maths.rank(rows, comprehensive=True) == ["c", "b", "a", "d"]
    assert maths.rank(rows, comprehensive=False) == ["d", "b", "c", "a"]


@given(st.lists(st.booleans(), min_size=1, max_size=9))
def test_the_majority_passes_only_with_more_than_half(marks):
    assert maths.majority(marks) == (sum(marks) * 2 > len(marks))


def test_a_score_far_from_the_median_deviates():
    middle, strays = maths.deviations(
        {"a": Decimal("20"), "b": Decimal("21"), "c": Decimal("22"), "d": Decimal("5")},
        Decimal("30"),
        Decimal("30"),
    )
    assert middle == Decimal("20.5") and strays == ["d"]
    assert not maths.deviates(Decimal("11.5"), Decimal("20.5"), Decimal("30"), Decimal("30"))


def test_identical_sheets_are_grouped():
    sheets = {
        1: {(1, 0): Decimal("5"), (1, 1): Decimal("6")},
        2: {(1, 0): Decimal("5.00"), (1, 1): Decimal("6")},
        3: {(1, 0): Decimal("5"), (1, 1): Decimal("7")},
        4: {},
        5: {},
    }
    assert maths.identical_sheets(sheets) == [[1, 2]]


@given(st.lists(prices, min_size=2, max_size=10), st.decimals(min_value="1", max_value="90", places=2))
def test_abnormally_low_is_far_below_the_mean_of_the_others(values, percent):
    table = dict(enumerate(values))
    low = maths.abnormally_low(table, percent)
    for key, price in table.items():
        others = [p for k, p in table.items() if k != key]
        far = price < sum(others) / len(others) * (100 - percent) / 100
        assert (key in low) == far


def test_abnormally_low_default_forty_percent():
    table = {"a": Decimal("50000"), "b": Decimal("210000"), "c": Decimal("220000")}
    assert maths.abnormally_low(table, Decimal("40")) == ["a"]
    assert maths.abnormally_low({"a": Decimal("1")}, Decimal("40")) == []


@given(st.integers(min_value=1, max_value=6), st.integers(min_value=1, max_value=7))
def test_scoring_bids_gives_the_whole_weight_to_the_lowest_evaluated_price(n_bids, n_members):
    rng = random.Random(n_bids * 10 + n_members)
    bids = {i: (Decimal(rng.randint(100, 999)) * 1000, rng.random() < 0.3) for i in range(n_bids)}
    points = {i: {0: [Decimal(rng.randint(0, 40)) for _ in range(n_members)]} for i in range(n_bids)}
    results, order = maths.score_bids(
        bids,
        points,
        kinds={0: "technical"},
        deduction_percent=Decimal("10"),
        price_weight=Decimal("30"),
        comprehensive=True,
    )
    lowest = min(r.evaluated_price for r in results.values())
    assert all(r.price_score == Decimal("30") for r in results.values() if r.evaluated_price == lowest)
    assert sorted(order) == list(range(n_bids))
    totals = [results[k].total for k in order]
    assert totals == sorted(totals, reverse=True)
