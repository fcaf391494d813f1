"""The pure rules of tender documents (procurement.tender_rules): the date maths on a synthetic
calendar (hypothesis) and on the real 2026 calendar, the price weight range, criteria and bonds."""

import datetime
from decimal import Decimal
from functools import partial

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from procurement import tender_rules
from procurement.models import Category, Method
from procurement.tender_rules import DateProblem, DateRules, TenderDates
from rulebook import calendar

D = datetime.date
DAY = datetime.timedelta(days=1)
NO_OVERRIDES: dict[datetime.date, bool] = {}

# The rulebook's defaults (DESIGN §4), as the services read them.
DEFAULTS = {
    "public_tender.min_days_notice_to_deadline": 20,
    "public_tender.min_working_days_documents_available": 5,
    "clarification.min_days_before_deadline": 15,
    "competitive_consultation.min_days_documents_to_response": 10,
    "competitive_negotiation.min_working_days_documents_to_response": 3,
    "inquiry.min_working_days_documents_to_response": 3,
}
PERCENTS = {
    "price_weight.goods_min_percent": Decimal("30"),
    "price_weight.services_min_percent": Decimal("10"),
    "price_weight.consultation_goods_max_percent": Decimal("60"),
    "price_weight.consultation_services_max_percent": Decimal("30"),
}
PUBLIC_TENDER = tender_rules.date_rules_for(Method.PUBLIC_TENDER, DEFAULTS.__getitem__)


def bound(overrides):
    """The three calendar functions check_dates takes, bound to one overrides mapping."""
    return {
        "is_working_day": partial(calendar.is_working_day, overrides=overrides),
        "add_working_days": partial(calendar.add_working_days, overrides=overrides),
        "working_days_between": partial(calendar.working_days_between, overrides=overrides),
    }


def lawful_dates(rules: DateRules, documents_from: datetime.date, cal: dict) -> TenderDates:
    """The earliest lawful dates for documents first issued on `documents_from`."""
    deadline = tender_rules.earliest_deadline(
        rules,
        documents_from,
        is_working_day=cal["is_working_day"],
        add_working_days=cal["add_working_days"],
    )
    first = tender_rules.next_working_day(documents_from, cal["is_working_day"])
    documents_until = cal["add_working_days"](first, (rules.min_working_days_available or 1) - 1)
    before = rules.min_days_clarification_before_deadline
    clarification_until = max(documents_from, deadline - datetime.timedelta(days=before or 1))
    return TenderDates(documents_from, documents_until, clarification_until, deadline)


def previous_working_day(day: datetime.date, is_working_day) -> datetime.date:
    day -= DAY
    while not is_working_day(day):
        day -= DAY
    return day


# --- A synthetic calendar: a year chinesecalendar does not cover, every day declared ----------

SYNTHETIC_FIRST, SYNTHETIC_LAST = D(2031, 1, 1), D(2032, 12, 31)


@st.composite
def synthetic_calendars(draw) -> dict[datetime.date, bool]:
    """Weekends off and weekdays on, then a random set of holidays (weekdays off) and adjusted
    working weekend days: every day of 2031-2032 has an override, as an operator declares."""
    span = (SYNTHETIC_LAST - SYNTHETIC_FIRST).days
    holidays = draw(st.sets(st.integers(0, span), max_size=60))
    adjusted = draw(st.sets(st.integers(0, span), max_size=10))
    overrides = {}
    for offset in range(span + 1):
        day = SYNTHETIC_FIRST + datetime.timedelta(days=offset)
        working = day.weekday() < 5
        if offset in holidays:
            working = False
        elif offset in adjusted:
            working = True
        overrides[day] = working
    return overrides


# Far enough from the end of the declared days for the longest rule (20 days, 5 working days).
issue_days = st.dates(min_value=D(2031, 3, 1), max_value=D(2032, 9, 30))
date_rules = st.sampled_from(
    [tender_rules.date_rules_for(method, DEFAULTS.__getitem__) for method in Method.values]
)
PROPERTY_SETTINGS = settings(max_examples=150, deadline=None)


@PROPERTY_SETTINGS
@given(overrides=synthetic_calendars(), documents_from=issue_days, rules=date_rules)
def test_the_earliest_deadline_is_a_working_day_that_keeps_every_rule(overrides, documents_from, rules):
    cal = bound(overrides)
    deadline = tender_rules.earliest_deadline(
        rules, documents_from, is_working_day=cal["is_working_day"], add_working_days=cal["add_working_days"]
    )
    assert cal["is_working_day"](deadline)
    assert deadline > documents_from
    if rules.min_days_to_deadline is not None:
        assert (deadline - documents_from).days >= rules.min_days_to_deadline
    if rules.min_working_days_to_deadline is not None:
        assert cal["working_days_between"](documents_from, deadline) >= rules.min_working_days_to_deadline
    if rules.min_working_days_available is not None:
        # the documents' first day up to the deadline holds the working days they must be obtainable
        assert cal["working_days_between"](documents_from - DAY, deadline) >= rules.min_working_days_available


@PROPERTY_SETTINGS
@given(overrides=synthetic_calendars(), documents_from=issue_days, rules=date_rules)
def test_the_earliest_lawful_dates_pass_the_check(overrides, documents_from, rules):
    cal = bound(overrides)
    dates = lawful_dates(rules, documents_from, cal)
    assert tender_rules.check_dates(rules, dates, publish_on=documents_from, **cal) == []


@PROPERTY_SETTINGS
@given(overrides=synthetic_calendars(), documents_from=issue_days, rules=date_rules)
def test_one_working_day_earlier_is_refused_naming_the_earliest_lawful_day(overrides, documents_from, rules):
    cal = bound(overrides)
    lawful = lawful_dates(rules, documents_from, cal)
    earlier = previous_working_day(lawful.deadline, cal["is_working_day"])
    dates = TenderDates(
        lawful.documents_from,
        min(lawful.documents_until, earlier),
        min(lawful.clarification_until, earlier - DAY),
        earlier,
    )
    problems = tender_rules.check_dates(rules, dates, publish_on=documents_from, **cal)
    deadline_problems = [p for p in problems if p.field == "bid_deadline"]
    assert deadline_problems == [DateProblem("bid_deadline", "deadline_too_early", lawful.deadline)]


@PROPERTY_SETTINGS
@given(overrides=synthetic_calendars(), documents_from=issue_days, rules=date_rules, later=st.integers(1, 40))
def test_a_later_deadline_on_a_day_off_names_the_next_working_day(overrides, documents_from, rules, later):
    cal = bound(overrides)
    lawful = lawful_dates(rules, documents_from, cal)
    deadline = lawful.deadline + datetime.timedelta(days=later)
    dates = TenderDates(lawful.documents_from, lawful.documents_until, lawful.clarification_until, deadline)
    problems = [
        p
        for p in tender_rules.check_dates(rules, dates, publish_on=documents_from, **cal)
        if p.field == "bid_deadline"
    ]
    if cal["is_working_day"](deadline):
        assert problems == []
    else:
        next_day = tender_rules.next_working_day(deadline, cal["is_working_day"])
        assert problems == [DateProblem("bid_deadline", "deadline_not_working_day", next_day)]


@PROPERTY_SETTINGS
@given(overrides=synthetic_calendars(), amended_on=issue_days)
def test_the_earliest_amended_deadline_leaves_the_rulebooks_days(overrides, amended_on):
    is_working_day = partial(calendar.is_working_day, overrides=overrides)
    earliest = tender_rules.earliest_amended_deadline(
        PUBLIC_TENDER, amended_on=amended_on, is_working_day=is_working_day
    )
    assert is_working_day(earliest)
    assert (earliest - amended_on).days >= 15
    # the working day before it is too close
    assert (previous_working_day(earliest, is_working_day) - amended_on).days < 15


@PROPERTY_SETTINGS
@given(overrides=synthetic_calendars(), publish_on=issue_days, early=st.integers(1, 10))
def test_documents_obtainable_before_the_notice_are_refused(overrides, publish_on, early):
    cal = bound(overrides)
    lawful = lawful_dates(PUBLIC_TENDER, publish_on, cal)
    dates = TenderDates(
        publish_on - datetime.timedelta(days=early),
        lawful.documents_until,
        lawful.clarification_until,
        lawful.deadline,
    )
    problems = tender_rules.check_dates(PUBLIC_TENDER, dates, publish_on=publish_on, **cal)
    assert DateProblem("documents_from", "documents_before_notice", publish_on) in problems


# --- The real calendar of 2026 (Mid-Autumn 25 Sep, National Day 1-7 Oct, 10 Oct worked) ------

CAL_2026 = bound(NO_OVERRIDES)


def rules_of(method: str) -> DateRules:
    return tender_rules.date_rules_for(method, DEFAULTS.__getitem__)


@pytest.mark.parametrize(
    ("method", "documents_from", "earliest"),
    [
        # 20 days from Mon 28 Sep is Sun 18 Oct: the next working day.
        (Method.PUBLIC_TENDER, D(2026, 9, 28), D(2026, 10, 19)),
        (Method.INVITED_TENDER, D(2026, 9, 28), D(2026, 10, 19)),
        # 10 days from Mon 21 Sep is 1 Oct, National Day: the holiday ends on the 7th.
        (Method.COMPETITIVE_CONSULTATION, D(2026, 9, 21), D(2026, 10, 8)),
        # 3 working days from Tue 29 Sep: 30 Sep, 8 Oct, 9 Oct.
        (Method.COMPETITIVE_NEGOTIATION, D(2026, 9, 29), D(2026, 10, 9)),
        # 3 working days from Wed 30 Sep: 8 Oct, 9 Oct and Saturday 10 Oct, an adjusted working day.
        (Method.INQUIRY, D(2026, 9, 30), D(2026, 10, 10)),
        # No rule: the next working day after the documents (Mid-Autumn, then the weekend).
        (Method.SINGLE_SOURCE, D(2026, 9, 24), D(2026, 9, 28)),
    ],
)
def test_earliest_deadlines_of_each_method_in_2026(method, documents_from, earliest):
    found = tender_rules.earliest_deadline(
        rules_of(method),
        documents_from,
        is_working_day=CAL_2026["is_working_day"],
        add_working_days=CAL_2026["add_working_days"],
    )
    assert found == earliest


def public_tender_2026(**changes) -> TenderDates:
    fields = {
        "documents_from": D(2026, 9, 28),
        "documents_until": D(2026, 10, 9),  # 28, 29, 30 Sep, 8, 9 Oct: five working days
        "clarification_until": D(2026, 10, 4),  # 15 days before 19 Oct
        "deadline": D(2026, 10, 19),
    }
    return TenderDates(**(fields | changes))


PUBLISHED_2026 = D(2026, 9, 28)


def check_2026(dates: TenderDates, publish_on=PUBLISHED_2026) -> list[DateProblem]:
    return tender_rules.check_dates(PUBLIC_TENDER, dates, publish_on=publish_on, **CAL_2026)


def test_lawful_2026_public_tender_dates_pass():
    assert check_2026(public_tender_2026()) == []


def test_a_deadline_one_working_day_early_names_the_earliest_lawful_day():
    # Fri 16 Oct is the working day before Mon 19 Oct.
    problems = check_2026(public_tender_2026(deadline=D(2026, 10, 16), clarification_until=D(2026, 10, 1)))
    assert problems == [DateProblem("bid_deadline", "deadline_too_early", D(2026, 10, 19))]


def test_documents_obtainable_for_four_working_days_name_the_fifth():
    problems = check_2026(public_tender_2026(documents_until=D(2026, 10, 8)))
    assert problems == [DateProblem("documents_until", "documents_available_too_short", D(2026, 10, 9))]


def test_questions_closing_fewer_than_fifteen_days_before_the_deadline_are_refused():
    problems = check_2026(public_tender_2026(clarification_until=D(2026, 10, 5)))
    assert problems == [DateProblem("clarification_until", "questions_too_late", D(2026, 10, 4))]


def test_a_deadline_on_a_sunday_names_the_monday():
    problems = check_2026(public_tender_2026(deadline=D(2026, 10, 25)))
    assert problems == [DateProblem("bid_deadline", "deadline_not_working_day", D(2026, 10, 26))]


def test_documents_obtainable_after_the_deadline_are_refused():
    problems = check_2026(public_tender_2026(documents_until=D(2026, 10, 20)))
    assert DateProblem("documents_until", "documents_after_deadline", D(2026, 10, 19)) in problems


def test_documents_until_before_documents_from_is_refused():
    problems = check_2026(public_tender_2026(documents_until=D(2026, 9, 27)))
    assert DateProblem("documents_until", "documents_until_before_from", D(2026, 9, 28)) in problems


def test_a_notice_published_after_the_documents_counts_from_the_notice():
    # Published on 30 Sep: 20 days is 20 Oct.
    problems = check_2026(public_tender_2026(documents_from=D(2026, 9, 30)), publish_on=D(2026, 9, 30))
    assert DateProblem("bid_deadline", "deadline_too_early", D(2026, 10, 20)) in problems


def test_an_amendment_two_weeks_before_national_day_moves_past_the_holiday():
    # 22 Sep + 15 days is 7 Oct, the last day of the holiday.
    found = tender_rules.earliest_amended_deadline(
        PUBLIC_TENDER, amended_on=D(2026, 9, 22), is_working_day=CAL_2026["is_working_day"]
    )
    assert found == D(2026, 10, 8)


def test_an_amendment_of_a_method_without_a_number_needs_the_next_working_day():
    found = tender_rules.earliest_amended_deadline(
        rules_of(Method.INQUIRY), amended_on=D(2026, 9, 30), is_working_day=CAL_2026["is_working_day"]
    )
    assert found == D(2026, 10, 8)


def test_the_date_rules_of_each_method():
    assert PUBLIC_TENDER == DateRules(
        min_days_to_deadline=20, min_working_days_available=5, min_days_clarification_before_deadline=15
    )
    assert rules_of(Method.COMPETITIVE_CONSULTATION) == DateRules(min_days_to_deadline=10)
    assert rules_of(Method.COMPETITIVE_NEGOTIATION) == DateRules(min_working_days_to_deadline=3)
    assert rules_of(Method.INQUIRY) == DateRules(min_working_days_to_deadline=3)
    assert rules_of(Method.SINGLE_SOURCE) == DateRules()


# --- Price weight, criteria, bonds --------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "category", "low", "high"),
    [
        (Method.PUBLIC_TENDER, Category.GOODS, "30", "100"),
        (Method.PUBLIC_TENDER, Category.SERVICES, "10", "100"),
        (Method.PUBLIC_TENDER, Category.WORKS, "0.01", "100"),
        (Method.COMPETITIVE_CONSULTATION, Category.GOODS, "30", "60"),
        (Method.COMPETITIVE_CONSULTATION, Category.SERVICES, "10", "30"),
        (Method.COMPETITIVE_CONSULTATION, Category.WORKS, "0.01", "100"),
        (Method.INVITED_TENDER, Category.GOODS, "30", "100"),
    ],
)
def test_the_price_weight_range_per_method_and_category(method, category, low, high):
    found = tender_rules.price_weight_range(method, category, PERCENTS.__getitem__)
    assert (found.low, found.high) == (Decimal(low), Decimal(high))


fen = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("1e13"), places=2)
percents = st.decimals(min_value=Decimal("0"), max_value=Decimal("100"), places=2)


@settings(max_examples=300, deadline=None)
@given(budget=fen, percent=percents)
def test_the_bond_cap_never_exceeds_the_percentage_and_misses_it_by_less_than_a_fen(budget, percent):
    cap = tender_rules.bond_cap(budget, percent)
    exact = budget * percent / 100
    assert cap == cap.quantize(Decimal("0.01"))
    assert cap <= exact < cap + Decimal("0.01")


def test_two_percent_of_a_lot_of_one_and_a_half_million_is_thirty_thousand():
    assert tender_rules.bond_cap(Decimal("1500000.00"), Decimal("2")) == Decimal("30000.00")
    assert tender_rules.bond_cap(Decimal("33.33"), Decimal("2")) == Decimal("0.66")  # 0.6666 down


points = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("100"), places=2)


@settings(max_examples=200, deadline=None)
@given(weight=points, criteria=st.lists(points, max_size=8), as_text=st.booleans())
def test_criteria_total_is_the_weight_plus_every_criterions_points(weight, criteria, as_text):
    rows = [{"name_zh": "技术", "points": str(p) if as_text else p} for p in criteria]
    assert tender_rules.criteria_total(weight, rows) == weight + sum(criteria, Decimal(0))


def test_the_default_criteria_add_up_to_one_hundred():
    rows = [{"points": "30.00"}, {"points": "25.50"}, {"points": "14.50"}]
    assert tender_rules.criteria_total(Decimal("30.00"), rows) == Decimal("100")
