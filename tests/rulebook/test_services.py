"""Audited writes to the rulebook, and the checks that keep past decisions intact."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone, translation

from accounts.models import Role
from audit.models import AuditEvent
from rulebook import selectors, services
from rulebook.exceptions import (
    CalendarNotCovered,
    CalendarOverrideInForce,
    CalendarYearCovered,
    InvalidCalendarDeclaration,
    RuleBackdated,
    RuleInForce,
)
from rulebook.models import CalendarOverride, Rule

from .factories import CalendarOverrideFactory, RuleFactory

D = datetime.date
DAY = datetime.timedelta(days=1)
pytestmark = pytest.mark.django_db


@pytest.fixture
def operator(make_member):
    return make_member(Role.OPERATOR)


def today():
    return timezone.localdate()


def events(action):
    return list(AuditEvent.objects.filter(action=action).order_by("sequence"))


# --- Rules ------------------------------------------------------------------------------------


def test_adding_a_rule_is_audited(operator):
    rule = RuleFactory.build(key="test.added", value=Decimal("7"), unit=Rule.Unit.WORKING_DAYS)
    services.save_rule(rule, actor=operator)
    assert Rule.objects.filter(key="test.added").count() == 1
    [event] = events("rulebook.rule_added")
    assert event.actor_id == operator.pk
    assert (event.object_type, event.object_id) == ("rulebook.rule", str(rule.pk))
    assert event.data["key"] == "test.added"
    assert Decimal(event.data["value"]) == Decimal("7")


def test_a_new_version_of_an_existing_rule_from_tomorrow_is_accepted(operator):
    RuleFactory(key="test.versioned", value=20, effective_from=D(2015, 3, 1))
    services.save_rule(
        RuleFactory.build(key="test.versioned", value=25, effective_from=today() + DAY), actor=operator
    )
    assert selectors.rule_int("test.versioned", on=today()) == 20
    assert selectors.rule_int("test.versioned", on=today() + DAY) == 25


@pytest.mark.parametrize("offset", [0, -1, -400])
def test_a_backdated_version_of_an_existing_rule_is_refused(operator, offset):
    RuleFactory(key="test.versioned", value=20, effective_from=D(2015, 3, 1))
    backdated = RuleFactory.build(key="test.versioned", value=25, effective_from=today() + offset * DAY)
    with pytest.raises(RuleBackdated) as raised:
        services.save_rule(backdated, actor=operator)
    assert raised.value.code == "rule_backdated"
    assert raised.value.status == 409
    assert Rule.objects.filter(key="test.versioned").count() == 1
    assert events("rulebook.rule_added") == []


def test_the_first_row_of_a_new_key_may_take_effect_in_the_past(operator):
    services.save_rule(RuleFactory.build(key="test.brand_new", effective_from=D(2015, 3, 1)), actor=operator)
    assert selectors.rule("test.brand_new", on=D(2020, 1, 1)).effective_from == D(2015, 3, 1)


@pytest.mark.parametrize(
    ("field", "value"),
    [("value", Decimal("30")), ("unit", Rule.Unit.WORKING_DAYS), ("effective_from", D(2016, 1, 1))],
)
def test_a_rule_in_force_keeps_its_meaning(operator, field, value):
    rule = RuleFactory(key="test.frozen", value=20, effective_from=D(2015, 3, 1))
    setattr(rule, field, value)
    with pytest.raises(RuleInForce):
        services.save_rule(rule, actor=operator)
    rule.refresh_from_db()
    assert (rule.value, rule.unit, rule.effective_from) == (Decimal("20"), Rule.Unit.DAYS, D(2015, 3, 1))


def test_a_rule_taking_effect_today_is_already_frozen(operator):
    rule = RuleFactory(key="test.today", value=20, effective_from=today())
    rule.value = Decimal("21")
    with pytest.raises(RuleInForce):
        services.save_rule(rule, actor=operator)


def test_the_legal_basis_of_a_rule_in_force_can_be_corrected_and_the_change_is_audited(operator):
    rule = RuleFactory(key="test.typo", legal_basis_zh="第四十三条", effective_from=D(2015, 3, 1))
    rule.legal_basis_zh = "第四十二条"
    services.save_rule(rule, actor=operator)
    rule.refresh_from_db()
    assert rule.legal_basis_zh == "第四十二条"
    [event] = events("rulebook.rule_changed")
    assert event.data == {"changes": {"legal_basis_zh": {"old": "第四十三条", "new": "第四十二条"}}}


def test_saving_an_unchanged_rule_records_nothing(operator):
    rule = RuleFactory(effective_from=D(2015, 3, 1))
    services.save_rule(rule, actor=operator)
    assert events("rulebook.rule_changed") == []


def test_a_scheduled_rule_can_be_changed(operator):
    rule = RuleFactory(key="test.scheduled", value=20, effective_from=today() + 10 * DAY)
    rule.value = Decimal("22")
    services.save_rule(rule, actor=operator)
    rule.refresh_from_db()
    assert rule.value == Decimal("22")
    [event] = events("rulebook.rule_changed")
    assert event.data["changes"]["value"]["new"] in ("22", "22.0000")


def test_a_scheduled_rule_cannot_be_moved_into_the_past_of_its_key(operator):
    RuleFactory(key="test.scheduled", value=20, effective_from=D(2015, 3, 1))
    later = RuleFactory(key="test.scheduled", value=25, effective_from=today() + 10 * DAY)
    later.effective_from = today() - DAY
    with pytest.raises(RuleBackdated):
        services.save_rule(later, actor=operator)


def test_an_invalid_rule_is_refused_before_saving(operator):
    with pytest.raises(ValidationError) as raised:
        services.save_rule(RuleFactory.build(value=Decimal("-1")), actor=operator)
    assert "negative_value" in {e.code for errors in raised.value.error_dict.values() for e in errors}
    assert events("rulebook.rule_added") == []


def test_a_rule_in_force_cannot_be_deleted(operator):
    rule = RuleFactory(effective_from=D(2015, 3, 1))
    with pytest.raises(RuleInForce):
        services.delete_rule(rule, actor=operator)
    assert Rule.objects.filter(pk=rule.pk).exists()


def test_a_scheduled_rule_can_be_deleted_and_that_is_audited(operator):
    rule = RuleFactory(key="test.withdrawn", effective_from=today() + DAY)
    pk = rule.pk
    services.delete_rule(rule, actor=operator)
    assert not Rule.objects.filter(pk=pk).exists()
    [event] = events("rulebook.rule_deleted")
    assert (event.object_id, event.data["key"]) == (str(pk), "test.withdrawn")


def test_the_seed_command_records_what_it_created():
    Rule.objects.filter(key="archive.retention_years").delete()
    call_command("seed_rules")
    [event] = events("rulebook.rule_seeded")
    assert event.actor_id is None
    assert event.data["key"] == "archive.retention_years"


# --- Calendar overrides -------------------------------------------------------------------------


def test_adding_an_override_for_a_future_day_is_audited(operator):
    override = CalendarOverrideFactory.build(date=today() + 5 * DAY, is_working_day=False)
    services.save_calendar_override(override, actor=operator)
    [event] = events("rulebook.calendar_override_added")
    assert event.data["is_working_day"] is False
    assert event.object_id == str(override.pk)


def test_an_override_for_a_covered_past_day_is_refused(operator):
    with pytest.raises(CalendarOverrideInForce) as raised:
        services.save_calendar_override(
            CalendarOverrideFactory.build(date=D(2024, 10, 8), is_working_day=False), actor=operator
        )
    assert raised.value.code == "calendar_override_in_force"
    assert not CalendarOverride.objects.exists()


def test_an_override_for_a_past_day_the_library_does_not_cover_may_be_entered_late(operator):
    override = CalendarOverrideFactory.build(date=D(2003, 6, 2), is_working_day=True)  # before 2004
    services.save_calendar_override(override, actor=operator)
    assert selectors.is_working_day(D(2003, 6, 2)) is True


def test_a_past_override_is_frozen_but_its_reason_can_be_corrected(operator):
    override = CalendarOverrideFactory(date=D(2003, 6, 2), is_working_day=True)
    override.is_working_day = False
    with pytest.raises(CalendarOverrideInForce):
        services.save_calendar_override(override, actor=operator)
    override.refresh_from_db()
    override.reason_en = "Corrected reason"
    services.save_calendar_override(override, actor=operator)
    override.refresh_from_db()
    assert (override.is_working_day, override.reason_en) == (True, "Corrected reason")
    with pytest.raises(CalendarOverrideInForce):
        services.delete_calendar_override(override, actor=operator)


def test_a_future_override_can_be_deleted(operator):
    override = CalendarOverrideFactory(date=today() + 3 * DAY)
    services.delete_calendar_override(override, actor=operator)
    assert not CalendarOverride.objects.exists()
    assert len(events("rulebook.calendar_override_deleted")) == 1


# --- Declaring an uncovered year --------------------------------------------------------------


def declare_2099(**overrides):
    arguments = {
        "days_off": [D(2099, 1, 1), D(2099, 1, 2)],  # Thursday and Friday
        "working_days": [D(2099, 1, 4)],  # a Sunday
        "reason_zh": "测试：2099年节假日安排",
        "reason_en": "Test: 2099 holiday arrangement",
        "actor": None,
    }
    arguments.update(overrides)
    return services.declare_calendar_year(2099, **arguments)


def test_declaring_an_uncovered_year_fills_every_day():
    result = declare_2099()
    assert result.created == 365
    assert CalendarOverride.objects.filter(date__year=2099).count() == 365
    assert selectors.is_working_day(D(2099, 1, 1)) is False  # declared holiday on a Thursday
    assert selectors.is_working_day(D(2099, 1, 3)) is False  # Saturday
    assert selectors.is_working_day(D(2099, 1, 4)) is True  # declared adjusted working Sunday
    assert selectors.is_working_day(D(2099, 1, 5)) is True  # Monday
    # 31 Dec 2098 (Wednesday) is not covered and has no entry: the year's edge is still an error.
    with pytest.raises(CalendarNotCovered):
        selectors.is_working_day(D(2098, 12, 31))
    assert selectors.add_working_days(D(2098, 12, 31), 2) == D(2099, 1, 5)
    [event] = events("rulebook.calendar_year_declared")
    assert event.data["created"] == 365
    assert event.data["days_off"] == ["2099-01-01", "2099-01-02"]


def test_declaring_keeps_existing_entries_and_reports_disagreements():
    CalendarOverrideFactory(date=D(2099, 1, 5), is_working_day=False)  # a Monday kept off
    CalendarOverrideFactory(date=D(2099, 1, 6), is_working_day=True)  # agrees
    result = declare_2099()
    assert (result.created, result.kept, result.disagreeing) == (363, 2, (D(2099, 1, 5),))
    assert selectors.is_working_day(D(2099, 1, 5)) is False


def test_declaring_twice_creates_nothing_more():
    declare_2099()
    assert declare_2099().created == 0


def test_declaring_a_covered_year_is_refused():
    with pytest.raises(CalendarYearCovered) as raised:
        services.declare_calendar_year(
            2024, days_off=[], working_days=[], reason_zh="测试", reason_en="Test", actor=None
        )
    assert raised.value.code == "calendar_year_covered"
    assert not CalendarOverride.objects.exists()


@pytest.mark.parametrize(
    "arguments",
    [
        {"days_off": [D(2099, 1, 4)], "working_days": [D(2099, 1, 4)]},
        {"days_off": [D(2100, 1, 1)]},
        {"reason_en": "  "},
    ],
)
def test_an_inconsistent_declaration_is_refused(arguments):
    with pytest.raises(InvalidCalendarDeclaration) as raised:
        declare_2099(**arguments)
    assert raised.value.status == 400
    assert not CalendarOverride.objects.exists()


def test_the_declare_command_takes_ranges(capsys):
    with translation.override("en"):
        call_command(
            "declare_calendar_year",
            "2099",
            "--off",
            "2099-01-01..2099-01-02",
            "--work",
            "2099-01-04",
            "--reason-zh",
            "测试",
            "--reason-en",
            "Test",
        )
    assert "Calendar entries created: 365" in capsys.readouterr().out
    # Sun 4 Jan (adjusted working day) and Mon 5 - Fri 9 Jan.
    assert selectors.working_days_between(D(2098, 12, 31), D(2099, 1, 10)) == 6


def test_the_declare_command_reports_a_covered_year():
    with pytest.raises(CommandError, match="2024"):
        call_command("declare_calendar_year", "2024", "--reason-zh", "测试", "--reason-en", "Test")
