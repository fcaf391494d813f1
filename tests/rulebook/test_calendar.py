"""The pure working-day functions (rulebook.calendar): real dates, errors, and properties."""

import datetime

import chinese_calendar
import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from rulebook.calendar import (
    DateOutsideWindow,
    WorkingCalendar,
    add_working_days,
    is_covered,
    is_working_day,
    library_coverage,
    working_days_between,
)
from rulebook.exceptions import CalendarNotCovered, NegativeWorkingDays

D = datetime.date
DAY = datetime.timedelta(days=1)
NO_OVERRIDES: dict[datetime.date, bool] = {}

# The years the installed chinesecalendar covers (2004..2026 in 1.11); the properties stay inside.
FIRST_COVERED, LAST_COVERED = library_coverage()
MAX_N = 60
# Far enough from the end of coverage for MAX_N working days (at most ~2.3 calendar days each).
LAST_START = LAST_COVERED - datetime.timedelta(days=3 * MAX_N)

covered_starts = st.dates(min_value=FIRST_COVERED, max_value=LAST_START)
counts = st.integers(min_value=0, max_value=MAX_N)
PROPERTY_SETTINGS = settings(max_examples=200, deadline=None)


# --- Known days -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (D(2024, 10, 1), False),  # National Day (Tuesday)
        (D(2024, 10, 7), False),  # last day of the National Day holiday (Monday)
        (D(2024, 9, 28), False),  # ordinary Saturday
        (D(2024, 9, 29), True),  # Sunday, adjusted working day for National Day
        (D(2024, 10, 12), True),  # Saturday, adjusted working day for National Day
        (D(2024, 2, 4), True),  # Sunday, adjusted working day for the Spring Festival
        (D(2024, 2, 12), False),  # Spring Festival holiday (Monday)
        (D(2024, 9, 27), True),  # ordinary Friday
    ],
)
def test_known_days_follow_the_official_arrangement(day, expected):
    assert is_working_day(day, NO_OVERRIDES) is expected


def test_five_working_days_after_the_friday_before_national_day_2024():
    # Fri 27 Sep -> Sat 28 off; Sun 29 (1, adjusted); Mon 30 (2); 1-7 Oct holiday;
    # Tue 8 Oct (3); Wed 9 (4); Thu 10 (5).
    assert add_working_days(D(2024, 9, 27), 5, NO_OVERRIDES) == D(2024, 10, 10)
    assert working_days_between(D(2024, 9, 27), D(2024, 10, 10), NO_OVERRIDES) == 5
    assert working_days_between(D(2024, 9, 27), D(2024, 10, 9), NO_OVERRIDES) == 4


def test_one_working_day_after_the_last_day_before_national_day_skips_the_holiday():
    assert add_working_days(D(2024, 9, 30), 1, NO_OVERRIDES) == D(2024, 10, 8)


def test_adjusted_working_sunday_counts():
    # Sat 3 Feb 2024 -> Sun 4 Feb was a working day.
    assert add_working_days(D(2024, 2, 3), 1, NO_OVERRIDES) == D(2024, 2, 4)


def test_zero_working_days_is_the_start_even_on_a_holiday():
    assert add_working_days(D(2024, 10, 1), 0, NO_OVERRIDES) == D(2024, 10, 1)


def test_working_days_between_is_zero_when_end_is_not_after_start():
    assert working_days_between(D(2024, 10, 10), D(2024, 10, 10), NO_OVERRIDES) == 0
    assert working_days_between(D(2024, 10, 10), D(2024, 9, 1), NO_OVERRIDES) == 0


def test_start_day_is_not_counted():
    # Tue 8 Oct is a working day; the interval (8 Oct, 9 Oct] holds only 9 Oct.
    assert working_days_between(D(2024, 10, 8), D(2024, 10, 9), NO_OVERRIDES) == 1


# --- Errors -----------------------------------------------------------------------------------


def test_negative_count_is_refused_with_a_stable_code():
    with pytest.raises(NegativeWorkingDays) as raised:
        add_working_days(D(2024, 10, 8), -1, NO_OVERRIDES)
    assert raised.value.code == "negative_working_days"
    assert raised.value.status == 400


@pytest.mark.parametrize("n", [2.0, True, None])
def test_non_integer_count_is_a_programming_error(n):
    with pytest.raises(TypeError):
        add_working_days(D(2024, 10, 8), n, NO_OVERRIDES)


def test_datetime_is_refused_rather_than_silently_truncated():
    moment = datetime.datetime(2024, 10, 8, 23, 30, tzinfo=datetime.UTC)
    with pytest.raises(TypeError):
        is_working_day(moment, NO_OVERRIDES)
    with pytest.raises(TypeError):
        working_days_between(D(2024, 10, 1), moment, NO_OVERRIDES)


def test_uncovered_year_is_an_error_naming_the_date_not_a_guess():
    # 2099-01-05 is a Monday: a guess from the weekday would say "working day".
    assert not is_covered(D(2099, 1, 5))
    with pytest.raises(CalendarNotCovered) as raised:
        is_working_day(D(2099, 1, 5), NO_OVERRIDES)
    error = raised.value
    assert error.code == "calendar_not_covered"
    assert error.status == 409
    assert error.day == D(2099, 1, 5)
    with translation.override("en"):
        assert "2099-01-05" in str(error)
        assert "working-day calendar has no data" in str(error)


def test_uncovered_message_is_translated_where_it_is_shown():
    with translation.override("en"):
        with pytest.raises(CalendarNotCovered) as raised:
            is_working_day(D(2099, 1, 5), NO_OVERRIDES)
    with translation.override("zh-hans"):
        message = str(raised.value)
    assert "2099-01-05" in message
    assert "工作日" in message


def test_counting_into_an_uncovered_year_fails_at_the_first_unknown_day():
    with pytest.raises(CalendarNotCovered) as raised:
        add_working_days(LAST_COVERED - 3 * DAY, 10, NO_OVERRIDES)
    assert raised.value.day == LAST_COVERED + DAY


# --- Overrides --------------------------------------------------------------------------------


def test_override_makes_an_uncovered_day_usable():
    overrides = {D(2099, 1, 5): True, D(2099, 1, 6): False, D(2099, 1, 7): True}
    assert is_working_day(D(2099, 1, 5), overrides) is True
    assert is_working_day(D(2099, 1, 6), overrides) is False
    assert add_working_days(D(2099, 1, 4), 2, overrides) == D(2099, 1, 7)
    assert working_days_between(D(2099, 1, 4), D(2099, 1, 7), overrides) == 2
    with pytest.raises(CalendarNotCovered) as raised:
        add_working_days(D(2099, 1, 4), 3, overrides)
    assert raised.value.day == D(2099, 1, 8)


def test_override_wins_over_the_library_in_a_covered_year():
    assert is_working_day(D(2024, 10, 1), {D(2024, 10, 1): True}) is True
    assert is_working_day(D(2024, 9, 30), {D(2024, 9, 30): False}) is False
    # With 30 Sep made a day off, the first working day after 27 Sep is still Sun 29 Sep,
    # and the second is Tue 8 Oct.
    assert add_working_days(D(2024, 9, 27), 2, {D(2024, 9, 30): False}) == D(2024, 10, 8)


def test_the_installed_library_covers_at_least_2004_to_2026():
    assert FIRST_COVERED <= D(2004, 1, 1)
    assert LAST_COVERED >= D(2026, 12, 31)


def test_is_covered_follows_the_library():
    assert is_covered(FIRST_COVERED)
    assert is_covered(LAST_COVERED)
    assert not is_covered(LAST_COVERED + DAY)
    assert not is_covered(FIRST_COVERED - DAY)


# --- The window-bound calendar ----------------------------------------------------------------


def test_working_calendar_refuses_days_whose_overrides_it_has_not_loaded():
    bound = WorkingCalendar(D(2024, 10, 1), D(2024, 10, 10), {D(2024, 10, 2): True})
    assert bound.is_working_day(D(2024, 10, 2)) is True
    assert bound.add_working_days(D(2024, 10, 1), 4) == D(2024, 10, 10)  # 2 (override), 8, 9, 10 Oct
    with pytest.raises(DateOutsideWindow):
        bound.is_working_day(D(2024, 10, 11))
    with pytest.raises(DateOutsideWindow):
        bound.add_working_days(D(2024, 10, 1), 5)  # the fifth would be judged beyond the window


def test_working_calendar_refuses_overrides_outside_its_window():
    with pytest.raises(ValueError, match="outside"):
        WorkingCalendar(D(2024, 1, 1), D(2024, 1, 31), {D(2024, 2, 1): True})


# --- Properties -------------------------------------------------------------------------------


@PROPERTY_SETTINGS
@given(start=covered_starts, n=counts)
def test_counting_back_the_added_days_gives_n(start, n):
    assert working_days_between(start, add_working_days(start, n, NO_OVERRIDES), NO_OVERRIDES) == n


@PROPERTY_SETTINGS
@given(start=covered_starts, n=st.integers(min_value=1, max_value=MAX_N))
def test_the_nth_working_day_is_a_working_day_and_the_earliest_one(start, n):
    result = add_working_days(start, n, NO_OVERRIDES)
    assert is_working_day(result, NO_OVERRIDES)
    assert result > start
    assert working_days_between(start, result - DAY, NO_OVERRIDES) == n - 1


@PROPERTY_SETTINGS
@given(start=covered_starts, n1=counts, n2=counts)
def test_adding_more_working_days_never_ends_earlier(start, n1, n2):
    low, high = sorted((n1, n2))
    first, second = add_working_days(start, low, NO_OVERRIDES), add_working_days(start, high, NO_OVERRIDES)
    assert first <= second
    if low < high:
        assert first < second


@PROPERTY_SETTINGS
@given(
    a=st.dates(min_value=FIRST_COVERED, max_value=LAST_COVERED),
    gap1=st.integers(min_value=0, max_value=400),
    gap2=st.integers(min_value=0, max_value=400),
)
def test_working_days_between_is_additive(a, gap1, gap2):
    b = min(a + datetime.timedelta(days=gap1), LAST_COVERED)
    c = min(b + datetime.timedelta(days=gap2), LAST_COVERED)
    assert working_days_between(a, c, NO_OVERRIDES) == working_days_between(
        a, b, NO_OVERRIDES
    ) + working_days_between(b, c, NO_OVERRIDES)


@PROPERTY_SETTINGS
@given(
    a=st.dates(min_value=FIRST_COVERED, max_value=LAST_COVERED), gap=st.integers(min_value=1, max_value=400)
)
def test_working_days_between_agrees_with_the_library_count(a, gap):
    b = min(a + datetime.timedelta(days=gap), LAST_COVERED)
    if b > a:
        expected = len(chinese_calendar.get_workdays(a + DAY, b))
        assert working_days_between(a, b, NO_OVERRIDES) == expected


def _overrides_near(start: datetime.date):
    days = st.integers(min_value=1, max_value=90).map(lambda k: start + datetime.timedelta(days=k))
    return st.dictionaries(days, st.booleans(), max_size=40)


@PROPERTY_SETTINGS
@given(data=st.data(), start=covered_starts, n=counts)
def test_properties_hold_with_overrides(data, start, n):
    overrides = data.draw(_overrides_near(start))
    result = add_working_days(start, n, overrides)
    assert working_days_between(start, result, overrides) == n
    if n:
        assert is_working_day(result, overrides)
    for day, working in overrides.items():
        assert is_working_day(day, overrides) is working
