"""Reading the rulebook: rules as of a date, and working days with the administrators' overrides.

Callers pass the date of the decision a rule applies to (a project's publication date, the date a
notice was published), never "today" by habit: a rule row added later with a later effective date
then never changes what was decided before it.
"""

import datetime
from decimal import Decimal

from . import calendar
from .calendar import require_date
from .exceptions import RuleNotFound
from .models import WHOLE_NUMBER_UNITS, CalendarOverride, Rule

# --- Rules ---------------------------------------------------------------------------------------


def rule(key: str, *, on: datetime.date) -> Rule:
    """The row of `key` in force on `on`: the greatest effective_from <= on. One query.

    Raises RuleNotFound (404, code "rule_not_found") naming the key and the date if the key is
    unknown or none of its rows has taken effect by then.
    """
    require_date(on, "on")
    found = Rule.objects.filter(key=key, effective_from__lte=on).order_by("-effective_from").first()
    if found is None:
        raise RuleNotFound(key, on)
    return found


def rule_value(key: str, *, on: datetime.date) -> Decimal:
    """The value of `key` in force on `on` (see rule()); a percentage is in percent (2 means 2 %)."""
    return rule(key, on=on).value


def rule_int(key: str, *, on: datetime.date) -> int:
    """The value of a days / working days / count / years rule as an int (whole by constraint)."""
    found = rule(key, on=on)
    if found.unit not in WHOLE_NUMBER_UNITS:
        raise TypeError(f"rule {key} is in {found.unit}, not a whole-number unit")
    return int(found.value)


# --- Working days --------------------------------------------------------------------------------


def calendar_overrides(first: datetime.date, last: datetime.date) -> dict[datetime.date, bool]:
    """The administrators' overrides for the days first..last (inclusive), in one query."""
    rows = CalendarOverride.objects.filter(date__range=(first, last)).values_list("date", "is_working_day")
    return dict(rows)


def working_calendar(first: datetime.date, last: datetime.date) -> calendar.WorkingCalendar:
    """A WorkingCalendar bound to the overrides of first..last, loaded in one query.

    Use it to answer many questions about one period without a query each; asking it about a day
    outside first..last raises calendar.DateOutsideWindow.
    """
    require_date(first, "first")
    require_date(last, "last")
    return calendar.WorkingCalendar(first, last, calendar_overrides(first, last))


def is_working_day(day: datetime.date) -> bool:
    """Whether `day` is a working day (override, else chinesecalendar; else CalendarNotCovered)."""
    return working_calendar(day, day).is_working_day(day)


def _initial_span(n: int) -> int:
    # Chinese calendars have at most about ten days off in a row (Spring Festival, National Day
    # plus a weekend), so 2n + 21 calendar days hold n working days; overrides rarely need more.
    return 2 * n + 21


def add_working_days(start: datetime.date, n: int) -> datetime.date:
    """The n-th working day after `start` (start not counted; n == 0 gives start; n < 0 refused).

    One query as a rule: the overrides of a window that surely holds n working days. If
    overrides declare so many days off that the window is too short, the window doubles and the
    overrides are loaded again, so no day is ever judged without its override.
    """
    require_date(start, "start")
    if isinstance(n, bool) or not isinstance(n, int) or n <= 0:
        # No query: n == 0 is `start` itself; the pure function refuses a negative or non-int n.
        return calendar.add_working_days(start, n, {})
    span = _initial_span(n)
    while True:
        bound = working_calendar(start, start + datetime.timedelta(days=span))
        try:
            return bound.add_working_days(start, n)
        except calendar.DateOutsideWindow:
            span *= 2


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """The number of working days d with start < d <= end (0 if end <= start). One query at most."""
    require_date(start, "start")
    require_date(end, "end")
    if end <= start:
        return 0
    return working_calendar(start + calendar.ONE_DAY, end).working_days_between(start, end)
