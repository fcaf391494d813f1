"""Working-day arithmetic on the Chinese calendar: pure functions, no ORM.

A day is a working day if an administrator's override says so; otherwise chinesecalendar decides
(weekends, public holidays and the adjusted working days 调休 that the State Council announces each
year). A day that chinesecalendar's data does not cover and that has no override is an error
(CalendarNotCovered), never a guess from the weekday.

Every function takes the overrides as a mapping ``date -> is_working_day``. The database-aware
wrappers in rulebook.selectors load that mapping in one query; deadlines elsewhere call those.

Semantics (``start`` itself is never counted):
- ``add_working_days(start, n, overrides)`` is the n-th working day after ``start``; n = 0 gives
  ``start`` unchanged (whether or not it is a working day); a negative n is refused.
- ``working_days_between(start, end, overrides)`` counts the working days d with start < d <= end,
  and is 0 when end <= start.
So ``working_days_between(d, add_working_days(d, n)) == n``: "within 5 working days of the award
notice" ends on ``add_working_days(notice_date, 5)``.

chinesecalendar 1.11 (installed) covers 2004-2026; ``library_coverage()`` tells the range of the
installed version. A year it does not cover is entered by an operator from the State Council's
notice (rulebook.services.declare_calendar_year, or single overrides in the admin).
"""

import datetime
from collections.abc import Iterator, Mapping
from functools import lru_cache

import chinese_calendar
from chinese_calendar.constants import holidays as _library_holidays

from .exceptions import CalendarNotCovered, NegativeWorkingDays

ONE_DAY = datetime.timedelta(days=1)


def require_date(value: object, name: str) -> datetime.date:
    """`value` if it is a date. A datetime (a subclass of date) is refused too: rules and
    deadlines are counted from calendar days, and the caller decides which day (localdate)."""
    if isinstance(value, datetime.datetime) or not isinstance(value, datetime.date):
        raise TypeError(f"{name} must be a datetime.date, not {type(value).__name__}")
    return value


@lru_cache(maxsize=16384)
def _library_is_workday(day: datetime.date) -> bool:
    # chinese_calendar rescans its tables on each call; its answers never change within a process.
    return chinese_calendar.is_workday(day)


def library_coverage() -> tuple[datetime.date, datetime.date]:
    """The first and last day chinesecalendar has data for (whole years, as the library checks)."""
    years = [day.year for day in _library_holidays]
    return datetime.date(min(years), 1, 1), datetime.date(max(years), 12, 31)


def is_covered(day: datetime.date) -> bool:
    """True if chinesecalendar's data covers the day (an override is then optional)."""
    require_date(day, "day")
    try:
        _library_is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_working_day(day: datetime.date, overrides: Mapping[datetime.date, bool]) -> bool:
    """The override for the day if there is one, else chinesecalendar; CalendarNotCovered if neither."""
    require_date(day, "day")
    override = overrides.get(day)
    if override is not None:
        return bool(override)
    try:
        return _library_is_workday(day)
    except NotImplementedError:
        raise CalendarNotCovered(day) from None


def add_working_days(start: datetime.date, n: int, overrides: Mapping[datetime.date, bool]) -> datetime.date:
    """The n-th working day after `start` (not counting `start`); `start` itself when n == 0."""
    require_date(start, "start")
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"n must be an int, not {type(n).__name__}")
    if n < 0:
        raise NegativeWorkingDays(n)
    day = start
    remaining = n
    while remaining:
        day += ONE_DAY
        if is_working_day(day, overrides):
            remaining -= 1
    return day


def working_days_between(
    start: datetime.date, end: datetime.date, overrides: Mapping[datetime.date, bool]
) -> int:
    """The number of working days d with start < d <= end (0 when end <= start)."""
    require_date(start, "start")
    require_date(end, "end")
    count = 0
    day = start + ONE_DAY
    while day <= end:
        if is_working_day(day, overrides):
            count += 1
        day += ONE_DAY
    return count


class DateOutsideWindow(ValueError):
    """A WorkingCalendar was asked about a day whose overrides it has not loaded (a programming error)."""


class WindowOverrides(Mapping):
    """Overrides known for the days first..last (inclusive); asking about any other day raises.

    It guarantees that no day is ever judged without its override merely because it was not loaded.
    """

    def __init__(self, first: datetime.date, last: datetime.date, overrides: Mapping[datetime.date, bool]):
        self.first = require_date(first, "first")
        self.last = require_date(last, "last")
        stray = [day for day in overrides if not first <= day <= last]
        if stray:
            raise ValueError(f"overrides outside {first}..{last}: {stray[:3]}")
        self._overrides = dict(overrides)

    def __getitem__(self, day: datetime.date) -> bool:
        if not self.first <= day <= self.last:
            raise DateOutsideWindow(f"{day} is outside the loaded calendar window {self.first}..{self.last}")
        return self._overrides[day]

    def __iter__(self) -> Iterator[datetime.date]:
        return iter(self._overrides)

    def __len__(self) -> int:
        return len(self._overrides)


class WorkingCalendar:
    """The functions above, bound to the overrides of the days first..last."""

    def __init__(self, first: datetime.date, last: datetime.date, overrides: Mapping[datetime.date, bool]):
        self.overrides = WindowOverrides(first, last, overrides)

    @property
    def first(self) -> datetime.date:
        return self.overrides.first

    @property
    def last(self) -> datetime.date:
        return self.overrides.last

    def is_working_day(self, day: datetime.date) -> bool:
        return is_working_day(day, self.overrides)

    def add_working_days(self, start: datetime.date, n: int) -> datetime.date:
        return add_working_days(start, n, self.overrides)

    def working_days_between(self, start: datetime.date, end: datetime.date) -> int:
        return working_days_between(start, end, self.overrides)
