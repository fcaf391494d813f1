"""Rulebook domain errors, each with a stable code and a translated message.

Messages are formatted lazily, so a message raised in one language is rendered in the language
active where it is shown (the DRF handler and the error page call ``str()`` on it).
"""

import datetime

from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from common.exceptions import Conflict, InvalidInput, NotFound


def _format_lazy(template, params: dict) -> str:
    return lazy(lambda: str(template) % params, str)()


class RuleNotFound(NotFound):
    """No row of the rule is in force on the date asked (the key is unknown or not yet in force)."""

    code = "rule_not_found"

    def __init__(self, key: str, on: datetime.date):
        params = {"key": key, "date": on.isoformat()}
        super().__init__(_format_lazy(_("No rule “%(key)s” is in force on %(date)s."), params), params=params)


class CalendarNotCovered(Conflict):
    """The working-day calendar has no data for the date and no administrator override covers it.

    The platform never guesses a working day: an operator adds the official arrangement for that
    year as calendar overrides (or upgrades chinesecalendar) and the request can be repeated.
    """

    code = "calendar_not_covered"

    def __init__(self, day: datetime.date):
        self.day = day
        params = {"date": day.isoformat()}
        super().__init__(
            _format_lazy(
                _(
                    "The working-day calendar has no data for %(date)s. An administrator must enter "
                    "the official holiday arrangement for that year before working days can be counted."
                ),
                params,
            ),
            params=params,
        )


class NegativeWorkingDays(InvalidInput):
    code = "negative_working_days"

    def __init__(self, n: int):
        params = {"n": n}
        super().__init__(
            _format_lazy(_("A number of working days cannot be negative (got %(n)s)."), params),
            params=params,
        )


class RuleInForce(Conflict):
    """A rule row that is already in force would be changed, or a new row would take effect in the past.

    What was decided under a rule must stay explainable by the rulebook: a correction is a new row
    with a later effective date, never an edit of a row in force.
    """

    code = "rule_in_force"
    default_message = _(
        "This rule is already in force and cannot be changed. Add a new version that takes effect "
        "from tomorrow or later."
    )


class RuleBackdated(Conflict):
    code = "rule_backdated"

    def __init__(self, key: str, today: datetime.date):
        params = {"key": key, "date": today.isoformat()}
        super().__init__(
            _format_lazy(
                _(
                    "Rule “%(key)s” already has a version; a new version must take effect after "
                    "today (%(date)s), so that nothing already decided changes."
                ),
                params,
            ),
            params=params,
        )


class CalendarOverrideInForce(Conflict):
    """A calendar override for a day that has passed (or is today) cannot be added, changed or removed.

    Deadlines were counted with it. The one exception is a day that the bundled calendar data does
    not cover: nothing could have been counted over it yet, so its override may be entered late.
    """

    code = "calendar_override_in_force"

    def __init__(self, day: datetime.date):
        params = {"date": day.isoformat()}
        super().__init__(
            _format_lazy(
                _(
                    "%(date)s is not in the future and working days may already have been counted "
                    "over it, so its calendar entry cannot be changed."
                ),
                params,
            ),
            params=params,
        )


class CalendarYearCovered(Conflict):
    code = "calendar_year_covered"

    def __init__(self, year: int):
        params = {"year": year}
        super().__init__(
            _format_lazy(
                _(
                    "The working-day calendar already covers %(year)s; correct single days with "
                    "calendar overrides instead."
                ),
                params,
            ),
            params=params,
        )


class InvalidCalendarDeclaration(InvalidInput):
    code = "invalid_calendar_declaration"
