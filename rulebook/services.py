"""Writing the rulebook: rules, calendar overrides and the default rows, each write audited.

The invariant the checks keep: what was decided under the rulebook stays explainable by it.
- A rule row in force (effective_from <= today) never changes its key, value, unit or effective
  date and is never deleted; its names, legal basis and note may be corrected.
- A further version of an existing key takes effect after today (the first row of a new key may
  carry any date: nothing can have been decided under a rule that did not exist).
- A calendar override for a day up to today never changes and is never deleted; one may be added
  for such a day only where chinesecalendar has no data, so no working day can have been counted
  over it.
The admin calls the check_* functions to show form errors, and saves through these services.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from audit.diff import changes, snapshot
from audit.services import record_event

from . import calendar
from .defaults import DEFAULT_RULES
from .exceptions import (
    CalendarOverrideInForce,
    CalendarYearCovered,
    InvalidCalendarDeclaration,
    RuleBackdated,
    RuleInForce,
)
from .models import CalendarOverride, Rule

# The fields that carry a rule's meaning; the names, legal basis and note may be corrected any time.
RULE_FROZEN_FIELDS = ("key", "value", "unit", "effective_from")
RULE_FIELDS = (*RULE_FROZEN_FIELDS, "name_zh", "name_en", "legal_basis_zh", "legal_basis_en", "note")
OVERRIDE_FROZEN_FIELDS = ("date", "is_working_day")
OVERRIDE_FIELDS = (*OVERRIDE_FROZEN_FIELDS, "reason_zh", "reason_en")


# --- Checks (no writes) -----------------------------------------------------------------------


def check_rule_change(candidate: Rule, stored: Rule | None, *, today: datetime.date) -> None:
    """Raise unless saving `candidate` over `stored` (None for a new row) leaves past decisions intact.

    RuleInForce: it changes the key, value, unit or effective date of a row already in force.
    RuleBackdated: it is a further version of an existing key taking effect today or earlier.
    """
    if stored is not None and stored.is_in_force_on(today):
        if any(getattr(candidate, f) != getattr(stored, f) for f in RULE_FROZEN_FIELDS):
            raise RuleInForce()
        return
    if candidate.is_in_force_on(today):
        others = Rule.objects.filter(key=candidate.key)
        if stored is not None:
            others = others.exclude(pk=stored.pk)
        if others.exists():
            raise RuleBackdated(candidate.key, today)


def check_rule_deletion(rule: Rule, *, today: datetime.date) -> None:
    """Raise RuleInForce if the row has taken effect: decisions may rest on it."""
    if rule.is_in_force_on(today):
        raise RuleInForce()


def check_override_change(
    candidate: CalendarOverride, stored: CalendarOverride | None, *, today: datetime.date
) -> None:
    """Raise CalendarOverrideInForce unless saving `candidate` over `stored` leaves counted days intact."""
    if stored is not None and stored.date <= today:
        if any(getattr(candidate, f) != getattr(stored, f) for f in OVERRIDE_FROZEN_FIELDS):
            raise CalendarOverrideInForce(stored.date)
        return
    if candidate.date <= today and calendar.is_covered(candidate.date):
        raise CalendarOverrideInForce(candidate.date)


def check_override_deletion(override: CalendarOverride, *, today: datetime.date) -> None:
    if override.date <= today:
        raise CalendarOverrideInForce(override.date)


# --- Rules ------------------------------------------------------------------------------------


@transaction.atomic
def save_rule(rule: Rule, *, actor) -> Rule:
    """Add `rule` (unsaved) or save the changes made to it, after the checks; audited.

    Raises RuleInForce / RuleBackdated (409) and django ValidationError for invalid fields.
    """
    stored = None
    if rule.pk:
        stored = Rule.objects.select_for_update().filter(pk=rule.pk).first()
    check_rule_change(rule, stored, today=timezone.localdate())
    rule.full_clean()
    after = snapshot(rule, RULE_FIELDS)
    if stored is None:
        rule.save()
        record_event("rulebook.rule_added", actor=actor, target=rule, data=after)
        return rule
    changed = changes(snapshot(stored, RULE_FIELDS), after)
    if changed:
        rule.save(update_fields=[*changed, "updated_at"])
        record_event("rulebook.rule_changed", actor=actor, target=rule, data={"changes": changed})
    return rule


@transaction.atomic
def delete_rule(rule: Rule, *, actor) -> None:
    """Delete a row that has not taken effect yet; audited. RuleInForce otherwise."""
    locked = Rule.objects.select_for_update().get(pk=rule.pk)
    check_rule_deletion(locked, today=timezone.localdate())
    record_event("rulebook.rule_deleted", actor=actor, target=locked, data=snapshot(locked, RULE_FIELDS))
    locked.delete()


@transaction.atomic
def seed_default_rules(*, rule_model=None, rules: list[dict] | None = None, record: bool = True) -> int:
    """Create the rows of `rules` (default: defaults.DEFAULT_RULES) that are missing; return how many.

    Idempotent: a row is identified by (key, effective_from) and an existing one is left untouched,
    so an administrator's corrections of names or legal basis survive. Each row created is audited
    as done by the system, except from a data migration, which passes its historical model as
    `rule_model` and record=False (the seed rows are then part of the reviewed code).
    """
    model = rule_model or Rule
    created = 0
    for row in DEFAULT_RULES if rules is None else rules:
        fields = dict(row)
        lookup = {"key": fields.pop("key"), "effective_from": fields.pop("effective_from")}
        obj, was_created = model.objects.get_or_create(**lookup, defaults=fields)
        if was_created:
            created += 1
            if record:
                record_event("rulebook.rule_seeded", actor=None, target=obj, data=snapshot(obj, RULE_FIELDS))
    return created


# --- Calendar overrides -----------------------------------------------------------------------


@transaction.atomic
def save_calendar_override(override: CalendarOverride, *, actor) -> CalendarOverride:
    """Add `override` (unsaved) or save the changes made to it, after the checks; audited."""
    stored = None
    if override.pk:
        stored = CalendarOverride.objects.select_for_update().filter(pk=override.pk).first()
    check_override_change(override, stored, today=timezone.localdate())
    override.full_clean()
    after = snapshot(override, OVERRIDE_FIELDS)
    if stored is None:
        override.save()
        record_event("rulebook.calendar_override_added", actor=actor, target=override, data=after)
        return override
    changed = changes(snapshot(stored, OVERRIDE_FIELDS), after)
    if changed:
        override.save(update_fields=[*changed, "updated_at"])
        record_event(
            "rulebook.calendar_override_changed", actor=actor, target=override, data={"changes": changed}
        )
    return override


@transaction.atomic
def delete_calendar_override(override: CalendarOverride, *, actor) -> None:
    """Delete an override for a day after today; audited. CalendarOverrideInForce otherwise."""
    locked = CalendarOverride.objects.select_for_update().get(pk=override.pk)
    check_override_deletion(locked, today=timezone.localdate())
    record_event(
        "rulebook.calendar_override_deleted",
        actor=actor,
        target=locked,
        data=snapshot(locked, OVERRIDE_FIELDS),
    )
    locked.delete()


@dataclass(frozen=True)
class YearDeclaration:
    created: int
    kept: int
    # Days whose existing override says otherwise than the declaration (kept as they are).
    disagreeing: tuple[datetime.date, ...]


@transaction.atomic
def declare_calendar_year(
    year: int,
    *,
    days_off: Iterable[datetime.date],
    working_days: Iterable[datetime.date],
    reason_zh: str,
    reason_en: str,
    actor,
) -> YearDeclaration:
    """Enter a year that chinesecalendar does not cover, from the State Council's holiday notice.

    Every day of `year` without an override gets one: a day in `days_off` (the public holidays) is
    a day off, a day in `working_days` (the adjusted working weekend days, 调休上班) is a working
    day, and any other day follows the week (Monday to Friday working). Existing overrides are kept;
    those that disagree with the declaration are reported. One audit event records the declaration.

    Refused: a year the library covers (add single overrides there), a day listed twice or outside
    the year, or an empty reason.
    """
    days_off, working_days = set(days_off), set(working_days)
    first, last = datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    if calendar.is_covered(first):
        raise CalendarYearCovered(year)
    if days_off & working_days:
        raise InvalidCalendarDeclaration(_("A day cannot be both a day off and a working day."))
    if any(not first <= day <= last for day in days_off | working_days):
        raise InvalidCalendarDeclaration(_("Every listed day must fall in the declared year."))
    if not reason_zh.strip() or not reason_en.strip():
        raise InvalidCalendarDeclaration(_("Give the reason (the notice) in Chinese and English."))

    existing = dict(
        CalendarOverride.objects.select_for_update()
        .filter(date__range=(first, last))
        .values_list("date", "is_working_day")
    )
    rows, disagreeing = [], []
    day = first
    while day <= last:
        declared = day in working_days or (day not in days_off and day.weekday() < 5)
        if day in existing:
            if existing[day] != declared:
                disagreeing.append(day)
        else:
            rows.append(
                CalendarOverride(date=day, is_working_day=declared, reason_zh=reason_zh, reason_en=reason_en)
            )
        day += calendar.ONE_DAY
    CalendarOverride.objects.bulk_create(rows)
    record_event(
        "rulebook.calendar_year_declared",
        actor=actor,
        data={
            "year": year,
            "days_off": sorted(days_off),
            "working_days": sorted(working_days),
            "reason_zh": reason_zh,
            "reason_en": reason_en,
            "created": len(rows),
            "kept": len(existing),
        },
    )
    return YearDeclaration(created=len(rows), kept=len(existing), disagreeing=tuple(disagreeing))
