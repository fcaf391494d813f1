"""Reading rules as of a date, and the database-aware working-day functions."""

import datetime
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import translation

from rulebook import selectors
from rulebook.exceptions import CalendarNotCovered, NegativeWorkingDays, RuleNotFound
from rulebook.models import CalendarOverride, Rule
from rulebook.services import seed_default_rules

from .factories import CalendarOverrideFactory, RuleFactory

D = datetime.date
pytestmark = pytest.mark.django_db


@pytest.fixture
def notice_days():
    """A rule with two versions: 20 days from 2015-03-01, 25 days from 2025-01-01."""
    old = RuleFactory(key="test.min_days_notice_to_deadline", value=20, effective_from=D(2015, 3, 1))
    new = RuleFactory(key="test.min_days_notice_to_deadline", value=25, effective_from=D(2025, 1, 1))
    return old, new


# --- rule() / rule_value() ------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (D(2015, 3, 1), Decimal("20")),  # the first day of the old version
        (D(2024, 12, 31), Decimal("20")),  # the last day before the new one
        (D(2025, 1, 1), Decimal("25")),  # the new version's first day
        (D(2040, 6, 1), Decimal("25")),
    ],
)
def test_rule_is_the_version_in_force_on_the_date(notice_days, on, expected):
    assert selectors.rule_value("test.min_days_notice_to_deadline", on=on) == expected


def test_rule_returns_the_row_with_its_legal_basis(notice_days):
    old, _ = notice_days
    found = selectors.rule("test.min_days_notice_to_deadline", on=D(2020, 1, 1))
    assert found.pk == old.pk
    assert found.legal_basis_zh == old.legal_basis_zh


def test_rule_value_is_a_decimal(notice_days):
    value = selectors.rule_value("test.min_days_notice_to_deadline", on=D(2020, 1, 1))
    assert isinstance(value, Decimal)


def test_a_lookup_is_one_query(notice_days, django_assert_num_queries):
    with django_assert_num_queries(1):
        selectors.rule_value("test.min_days_notice_to_deadline", on=D(2026, 1, 1))


def test_rule_before_its_first_version_is_not_found(notice_days):
    with pytest.raises(RuleNotFound) as raised:
        selectors.rule("test.min_days_notice_to_deadline", on=D(2015, 2, 28))
    error = raised.value
    assert error.code == "rule_not_found"
    assert error.status == 404
    assert error.params == {"key": "test.min_days_notice_to_deadline", "date": "2015-02-28"}
    with translation.override("en"):
        assert str(error) == "No rule “test.min_days_notice_to_deadline” is in force on 2015-02-28."
    with translation.override("zh-hans"):
        message = str(error)
    assert "test.min_days_notice_to_deadline" in message
    assert "2015-02-28" in message
    assert "规则" in message


def test_unknown_key_is_not_found():
    with pytest.raises(RuleNotFound):
        selectors.rule("no.such_rule", on=D(2025, 1, 1))


def test_rule_refuses_a_datetime():
    with pytest.raises(TypeError):
        selectors.rule("archive.retention_years", on=datetime.datetime(2025, 1, 1, tzinfo=datetime.UTC))


def test_a_later_rule_change_does_not_alter_a_past_decision():
    key = "bid.bond_refund_working_days"
    RuleFactory(key=key, value=5, unit=Rule.Unit.WORKING_DAYS, effective_from=D(2015, 3, 1))
    award_notice = D(2024, 9, 27)

    def refund_deadline(decided_on):
        return selectors.add_working_days(award_notice, selectors.rule_int(key, on=decided_on))

    before = refund_deadline(award_notice)
    assert before == D(2024, 10, 10)

    # The regulator later shortens the limit from 2025 on, by adding a row.
    RuleFactory(key=key, value=3, unit=Rule.Unit.WORKING_DAYS, effective_from=D(2025, 1, 1))

    assert refund_deadline(award_notice) == before  # the 2024 decision reads the same rule
    assert selectors.rule_int(key, on=D(2025, 3, 1)) == 3  # decisions from 2025 use the new one


def test_rule_int_gives_an_int_for_whole_units(notice_days):
    value = selectors.rule_int("test.min_days_notice_to_deadline", on=D(2025, 1, 1))
    assert value == 25
    assert type(value) is int


def test_rule_int_refuses_a_percentage():
    RuleFactory(key="bid.bond_max_percent", value=Decimal("2"), unit=Rule.Unit.PERCENT)
    with pytest.raises(TypeError):
        selectors.rule_int("bid.bond_max_percent", on=D(2025, 1, 1))


# --- Seeding --------------------------------------------------------------------------------


def test_seeding_provides_the_archive_retention_rule():
    seed_default_rules()
    found = selectors.rule("archive.retention_years", on=D(2025, 1, 1))
    assert found.value == Decimal("15")
    assert found.unit == Rule.Unit.YEARS
    assert found.effective_from == D(2015, 3, 1)
    assert "第四十二条" in found.legal_basis_zh
    assert "Article 42" in found.legal_basis_en
    assert selectors.rule_int("archive.retention_years", on=D(2025, 1, 1)) == 15


def test_seeding_is_idempotent_and_keeps_an_administrators_correction():
    seed_default_rules()
    Rule.objects.filter(key="archive.retention_years").update(name_en="Corrected name")
    assert seed_default_rules() == 0
    assert Rule.objects.filter(key="archive.retention_years").count() == 1
    assert Rule.objects.get(key="archive.retention_years").name_en == "Corrected name"


def test_seeding_creates_missing_rows_only():
    rows = [
        {
            "key": "test.seeded",
            "name_zh": "测试",
            "name_en": "Test",
            "value": Decimal("3"),
            "unit": "count",
            "legal_basis_zh": "测试依据",
            "legal_basis_en": "Test basis",
            "effective_from": D(2020, 1, 1),
            "note": "",
        }
    ]
    assert seed_default_rules(rules=rows) == 1
    assert seed_default_rules(rules=rows) == 0
    assert selectors.rule_int("test.seeded", on=D(2020, 1, 1)) == 3


def test_seed_rules_command_reports_and_is_idempotent(capsys):
    Rule.objects.filter(key="archive.retention_years").delete()
    with translation.override("en"):
        call_command("seed_rules")
        call_command("seed_rules")
    out = capsys.readouterr().out
    assert "Default rules created: 1." in out
    assert "Default rules created: 0." in out
    assert Rule.objects.filter(key="archive.retention_years").count() == 1


# --- Working days with overrides --------------------------------------------------------------


def test_working_days_without_overrides_follow_the_library(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert selectors.is_working_day(D(2024, 10, 1)) is False
    with django_assert_num_queries(1):
        assert selectors.add_working_days(D(2024, 9, 27), 5) == D(2024, 10, 10)
    with django_assert_num_queries(1):
        assert selectors.working_days_between(D(2024, 9, 27), D(2024, 10, 10)) == 5


def test_an_override_changes_the_count(django_assert_num_queries):
    CalendarOverrideFactory(date=D(2024, 10, 8), is_working_day=False)  # e.g. a local closure
    with django_assert_num_queries(1):
        assert selectors.add_working_days(D(2024, 9, 27), 5) == D(2024, 10, 11)
    assert selectors.working_days_between(D(2024, 9, 27), D(2024, 10, 10)) == 4
    assert selectors.is_working_day(D(2024, 10, 8)) is False


def test_a_long_period_is_one_query_whatever_its_overrides(django_assert_num_queries):
    for day in (1, 4, 5, 6, 7):  # weekdays of March 2024
        CalendarOverrideFactory(date=D(2024, 3, day), is_working_day=False)
    with django_assert_num_queries(1):
        count = selectors.working_days_between(D(2023, 12, 31), D(2024, 12, 31))
    # 2024 had 251 working days: 262 weekdays - 19 weekday holidays + 8 adjusted working weekend
    # days; the five overrides take five of them.
    assert count == 251 - 5


def test_uncovered_year_needs_overrides():
    with pytest.raises(CalendarNotCovered) as raised:
        selectors.add_working_days(D(2099, 1, 4), 1)
    assert raised.value.day == D(2099, 1, 5)


def test_overrides_for_an_uncovered_year_make_it_work(django_assert_num_queries):
    CalendarOverrideFactory(date=D(2099, 1, 5), is_working_day=True)
    CalendarOverrideFactory(date=D(2099, 1, 6), is_working_day=False)
    CalendarOverrideFactory(date=D(2099, 1, 7), is_working_day=True)
    with django_assert_num_queries(1):
        assert selectors.add_working_days(D(2099, 1, 4), 2) == D(2099, 1, 7)
    assert selectors.working_days_between(D(2099, 1, 4), D(2099, 1, 7)) == 2
    with pytest.raises(CalendarNotCovered) as raised:
        selectors.add_working_days(D(2099, 1, 4), 3)
    assert raised.value.day == D(2099, 1, 8)


def test_a_long_run_of_days_off_widens_the_window_without_skipping_an_override(django_assert_num_queries):
    # March and April 2024 declared days off: one working day after 29 Feb is then 6 May
    # (1-5 May is the Labour Day holiday; the adjusted working Sunday 28 Apr is overridden too).
    first = D(2024, 3, 1)
    CalendarOverride.objects.bulk_create(
        CalendarOverride(
            date=first + datetime.timedelta(days=k), is_working_day=False, reason_zh="测试", reason_en="Test"
        )
        for k in range(61)
    )
    with django_assert_num_queries(3):  # windows of 23, 46 and 92 days
        assert selectors.add_working_days(D(2024, 2, 29), 1) == D(2024, 5, 6)


def test_zero_days_and_empty_intervals_need_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert selectors.add_working_days(D(2024, 10, 1), 0) == D(2024, 10, 1)
        assert selectors.working_days_between(D(2024, 10, 10), D(2024, 10, 1)) == 0


def test_negative_working_days_are_refused():
    with pytest.raises(NegativeWorkingDays):
        selectors.add_working_days(D(2024, 10, 1), -3)


def test_working_calendar_answers_many_questions_with_one_query(django_assert_num_queries):
    CalendarOverrideFactory(date=D(2024, 10, 8), is_working_day=False)
    with django_assert_num_queries(1):
        bound = selectors.working_calendar(D(2024, 9, 1), D(2024, 12, 31))
    with django_assert_num_queries(0):
        assert bound.is_working_day(D(2024, 10, 8)) is False
        assert bound.add_working_days(D(2024, 9, 27), 5) == D(2024, 10, 11)
        assert bound.working_days_between(D(2024, 9, 27), D(2024, 10, 11)) == 5
