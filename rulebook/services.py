"""Writing the rulebook: seeding the default rules, and the checks that keep history intact.

The invariant behind the checks: what was decided under the rulebook stays explainable by it. A
rule row in force (effective_from <= today) is never edited or deleted, and a new version of an
existing rule takes effect after today; a calendar entry for a day that is not in the future is
never changed, and one may be added for such a day only where chinesecalendar has no data (so no
working day can have been counted over it). The admin calls these checks before saving.
"""

import datetime

from django.db import transaction

from . import calendar
from .defaults import DEFAULT_RULES
from .exceptions import CalendarOverrideInForce, RuleBackdated, RuleInForce
from .models import CalendarOverride, Rule

# The fields that carry a rule's meaning; the names, legal basis and note may be corrected any time.
RULE_FROZEN_FIELDS = ("key", "value", "unit", "effective_from")
OVERRIDE_FROZEN_FIELDS = ("date", "is_working_day")


@transaction.atomic
def seed_default_rules(*, rule_model=None, rules: list[dict] | None = None) -> int:
    """Create the rows of `rules` (default: defaults.DEFAULT_RULES) that are missing; return how many.

    Idempotent: a row is identified by (key, effective_from) and an existing one is left untouched,
    so an administrator's corrections of names or legal basis survive. Data migrations pass their
    historical model as `rule_model`.
    """
    model = rule_model or Rule
    created = 0
    for row in DEFAULT_RULES if rules is None else rules:
        fields = dict(row)
        lookup = {"key": fields.pop("key"), "effective_from": fields.pop("effective_from")}
        _, was_created = model.objects.get_or_create(**lookup, defaults=fields)
        created += was_created
    return created


def _changed(candidate, stored, fields: tuple[str, ...]) -> bool:
    return any(getattr(candidate, name) != getattr(stored, name) for name in fields)


def check_rule_change(candidate: Rule, *, today: datetime.date) -> None:
    """Raise unless saving `candidate` (a new or edited, unsaved Rule) leaves past decisions intact.

    - RuleInForce: it edits the key, value, unit or effective date of a row already in force.
    - RuleBackdated: it is a further version of an existing key taking effect today or earlier.
      (The first row of a new key may carry any date: nothing can have been decided under it.)
    """
    stored = Rule.objects.filter(pk=candidate.pk).first() if candidate.pk else None
    if stored is not None and stored.is_in_force_on(today):
        if _changed(candidate, stored, RULE_FROZEN_FIELDS):
            raise RuleInForce()
        return
    if candidate.is_in_force_on(today):
        others = Rule.objects.filter(key=candidate.key)
        if candidate.pk:
            others = others.exclude(pk=candidate.pk)
        if others.exists():
            raise RuleBackdated(candidate.key, today)


def check_rule_deletion(rule: Rule, *, today: datetime.date) -> None:
    """Raise RuleInForce if the row has taken effect: decisions may rest on it."""
    if rule.is_in_force_on(today):
        raise RuleInForce()


def check_override_change(candidate: CalendarOverride, *, today: datetime.date) -> None:
    """Raise CalendarOverrideInForce unless saving `candidate` leaves counted working days intact.

    An entry for a day up to today is frozen (its date and its working-day flag); a new entry for
    such a day is allowed only where chinesecalendar has no data for it.
    """
    stored = CalendarOverride.objects.filter(pk=candidate.pk).first() if candidate.pk else None
    if stored is not None and stored.date <= today:
        if _changed(candidate, stored, OVERRIDE_FROZEN_FIELDS):
            raise CalendarOverrideInForce(stored.date)
        return
    if candidate.date <= today and calendar.is_covered(candidate.date):
        raise CalendarOverrideInForce(candidate.date)


def check_override_deletion(override: CalendarOverride, *, today: datetime.date) -> None:
    if override.date <= today:
        raise CalendarOverrideInForce(override.date)
