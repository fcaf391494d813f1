"""The database refuses rows that break the rulebook's invariants."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import translation

from rulebook.models import CalendarOverride, Rule

from .factories import CalendarOverrideFactory, RuleFactory

D = datetime.date
pytestmark = pytest.mark.django_db


def _refused(constraint_name: str, **fields):
    with pytest.raises(IntegrityError, match=constraint_name), transaction.atomic():
        RuleFactory(**fields)


def test_two_versions_of_a_rule_on_the_same_date_are_refused():
    RuleFactory(key="test.dup", effective_from=D(2020, 1, 1))
    _refused("rule_key_effective_from_unique", key="test.dup", effective_from=D(2020, 1, 1))
    assert Rule.objects.filter(key="test.dup").count() == 1


def test_the_same_key_on_another_date_is_a_new_version():
    RuleFactory(key="test.versions", effective_from=D(2020, 1, 1))
    RuleFactory(key="test.versions", effective_from=D(2021, 1, 1))
    assert Rule.objects.filter(key="test.versions").count() == 2


def test_negative_value_is_refused():
    _refused("rule_value_non_negative", value=Decimal("-1"))


def test_zero_is_a_valid_value():
    assert RuleFactory(value=Decimal("0")).value == 0


def test_percentage_above_100_is_refused():
    _refused("rule_percent_at_most_100", unit=Rule.Unit.PERCENT, value=Decimal("100.5"))


def test_fractional_percentage_is_allowed():
    assert RuleFactory(unit=Rule.Unit.PERCENT, value=Decimal("2.5")).value == Decimal("2.5")


@pytest.mark.parametrize("unit", [Rule.Unit.DAYS, Rule.Unit.WORKING_DAYS, Rule.Unit.COUNT, Rule.Unit.YEARS])
def test_fractional_days_counts_and_years_are_refused(unit):
    _refused("rule_whole_number_units", unit=unit, value=Decimal("2.5"))


def test_fractional_amount_is_allowed():
    rule = RuleFactory(unit=Rule.Unit.AMOUNT_CNY, value=Decimal("1000000.50"))
    assert rule.value == Decimal("1000000.50")


@pytest.mark.parametrize(
    "key", ["Public.Tender", "public tender", "public..tender", ".public", "1public", ""]
)
def test_malformed_key_is_refused(key):
    _refused("rule_key_format", key=key)


def test_missing_legal_basis_is_refused():
    _refused("rule_legal_basis_present", legal_basis_en="")
    _refused("rule_legal_basis_present", legal_basis_zh="")


def test_model_validation_reports_the_constraint_code():
    RuleFactory(key="test.clean", effective_from=D(2020, 1, 1))
    duplicate = RuleFactory.build(key="test.clean", effective_from=D(2020, 1, 1), value=Decimal("-1"))
    with pytest.raises(ValidationError) as raised:
        duplicate.full_clean()
    codes = {error.code for errors in raised.value.error_dict.values() for error in errors}
    assert "negative_value" in codes
    assert "duplicate_rule_version" in codes


def test_the_same_date_cannot_have_two_calendar_entries():
    CalendarOverrideFactory(date=D(2099, 1, 1))
    with pytest.raises(IntegrityError, match="calendar_override_date_unique"), transaction.atomic():
        CalendarOverrideFactory(date=D(2099, 1, 1), is_working_day=False)
    assert CalendarOverride.objects.filter(date=D(2099, 1, 1)).count() == 1


def test_names_and_legal_basis_follow_the_active_language():
    rule = RuleFactory.build(
        name_zh="采购文件保存期限", name_en="Retention", legal_basis_zh="第四十二条", legal_basis_en="Art. 42"
    )
    with translation.override("zh-hans"):
        assert (rule.name, rule.legal_basis) == ("采购文件保存期限", "第四十二条")
    with translation.override("en"):
        assert (rule.name, rule.legal_basis) == ("Retention", "Art. 42")


def test_str_shows_key_value_unit_and_date():
    rule = RuleFactory.build(
        key="archive.retention_years",
        value=Decimal("15.0000"),
        unit=Rule.Unit.YEARS,
        effective_from=D(2015, 3, 1),
    )
    with translation.override("en"):
        assert str(rule) == "archive.retention_years = 15 years (2015-03-01)"


def test_in_force_from_its_effective_date():
    rule = RuleFactory.build(effective_from=D(2025, 1, 1))
    assert not rule.is_in_force_on(D(2024, 12, 31))
    assert rule.is_in_force_on(D(2025, 1, 1))
