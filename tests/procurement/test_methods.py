"""The method and the approval levels a category and an amount lead to (pure functions)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from procurement import methods
from procurement.models import Category, Method

GOODS = methods.Bands(threshold=Decimal("1000000"), public_tender=Decimal("2000000"))
WORKS = methods.Bands(threshold=Decimal("1200000"), public_tender=Decimal("4000000"))


@pytest.mark.parametrize(
    ("category", "bands", "amount", "expected"),
    [
        (Category.GOODS, GOODS, "999999.99", Method.DIRECT_PURCHASE),
        (Category.GOODS, GOODS, "1000000.00", Method.INQUIRY),
        (Category.SERVICES, GOODS, "1500000.00", Method.COMPETITIVE_CONSULTATION),
        (Category.GOODS, GOODS, "2000000.00", Method.PUBLIC_TENDER),
        (Category.WORKS, WORKS, "3999999.99", Method.COMPETITIVE_CONSULTATION),
        (Category.WORKS, WORKS, "4000000.00", Method.PUBLIC_TENDER),
    ],
)
def test_the_default_method_follows_the_bands(category, bands, amount, expected):
    assert methods.default_method(category, Decimal(amount), bands) == expected


def test_direct_purchase_is_never_allowed_from_the_threshold_up():
    assert Method.DIRECT_PURCHASE in methods.allowed_methods(Category.GOODS, Decimal("999999.99"), GOODS)
    assert Method.DIRECT_PURCHASE not in methods.allowed_methods(Category.GOODS, Decimal("1000000"), GOODS)


@given(amount=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e9"), places=2))
def test_the_default_and_public_tender_never_need_approval(amount):
    for category in Category.values:
        default = methods.default_method(category, amount, GOODS)
        assert not methods.needs_regulator_approval(default, category, amount, GOODS)
        assert not methods.needs_regulator_approval(Method.PUBLIC_TENDER, category, amount, GOODS)


def test_single_source_above_the_threshold_needs_approval():
    assert methods.needs_regulator_approval(Method.SINGLE_SOURCE, Category.GOODS, Decimal("3000000"), GOODS)


@given(
    low=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e9"), places=2),
    high=st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e9"), places=2),
)
def test_more_money_never_needs_fewer_approval_levels(low, high):
    low, high = sorted((low, high))
    levels = {"below": 1, "from_threshold": 2, "from_public_tender": 3}
    assert methods.approval_levels(low, GOODS, **levels) <= methods.approval_levels(high, GOODS, **levels)


def test_bands_must_ascend():
    with pytest.raises(ValueError):
        methods.Bands(threshold=Decimal("2000000"), public_tender=Decimal("1000000"))
