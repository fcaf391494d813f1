"""The rules a tender document must keep, as pure functions: the dates of each method, the scoring
criteria and the bid bonds. No ORM: the services read the rulebook values and the working-day
calendar and pass them in, so these are tested with plain data (hypothesis for the date maths).

Each check returns the problems it found (an empty list when all is lawful); a date problem names
the earliest (or latest) lawful day, so the page can say it.
"""

import datetime
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal

from .models import Category, Method

HUNDRED = Decimal("100")
TENDER_METHODS = frozenset({Method.PUBLIC_TENDER, Method.INVITED_TENDER})
ONE_DAY = datetime.timedelta(days=1)


@dataclass(frozen=True)
class DateRules:
    """The rulebook's numbers for one method, as of the project's rules date (None: no such rule)."""

    # Calendar days from the documents' first day to the deadline (tenders 20, consultation 10).
    min_days_to_deadline: int | None = None
    # Working days from the documents' first day to the deadline (negotiation, inquiry: 3).
    min_working_days_to_deadline: int | None = None
    # Working days the documents can be obtained (tenders: 5).
    min_working_days_available: int | None = None
    # Calendar days between the last question / a change affecting bids and the deadline (tenders: 15).
    min_days_clarification_before_deadline: int | None = None


@dataclass(frozen=True)
class DateProblem:
    field: str
    code: str
    day: datetime.date | None = None  # the earliest (or latest) lawful day


@dataclass(frozen=True)
class TenderDates:
    documents_from: datetime.date
    documents_until: datetime.date
    clarification_until: datetime.date
    deadline: datetime.date  # the day of the bid deadline (= opening time)


def date_rules_for(method: str, value: Callable[[str], int]) -> DateRules:
    """The date rules of a method, reading each number with `value(rulebook key)`."""
    if method in TENDER_METHODS:
        return DateRules(
            min_days_to_deadline=value("public_tender.min_days_notice_to_deadline"),
            min_working_days_available=value("public_tender.min_working_days_documents_available"),
            min_days_clarification_before_deadline=value("clarification.min_days_before_deadline"),
        )
    if method == Method.COMPETITIVE_CONSULTATION:
        return DateRules(
            min_days_to_deadline=value("competitive_consultation.min_days_documents_to_response")
        )
    if method == Method.COMPETITIVE_NEGOTIATION:
        return DateRules(
            min_working_days_to_deadline=value(
                "competitive_negotiation.min_working_days_documents_to_response"
            )
        )
    if method == Method.INQUIRY:
        return DateRules(min_working_days_to_deadline=value("inquiry.min_working_days_documents_to_response"))
    return DateRules()


def next_working_day(day: datetime.date, is_working_day: Callable[[datetime.date], bool]) -> datetime.date:
    """`day` if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += ONE_DAY
    return day


def earliest_deadline(
    rules: DateRules,
    documents_from: datetime.date,
    *,
    is_working_day: Callable[[datetime.date], bool],
    add_working_days: Callable[[datetime.date, int], datetime.date],
) -> datetime.date:
    """The first lawful deadline day for documents issued on `documents_from` (a working day)."""
    earliest = documents_from + ONE_DAY
    if rules.min_days_to_deadline is not None:
        earliest = max(earliest, documents_from + datetime.timedelta(days=rules.min_days_to_deadline))
    if rules.min_working_days_to_deadline is not None:
        earliest = max(earliest, add_working_days(documents_from, rules.min_working_days_to_deadline))
    if rules.min_working_days_available is not None:
        # The documents stay obtainable for that many working days, counting their first day.
        last_day = add_working_days(
            next_working_day(documents_from, is_working_day), rules.min_working_days_available - 1
        )
        earliest = max(earliest, last_day)
    return next_working_day(earliest, is_working_day)


def check_dates(
    rules: DateRules,
    dates: TenderDates,
    *,
    publish_on: datetime.date,
    is_working_day: Callable[[datetime.date], bool],
    add_working_days: Callable[[datetime.date, int], datetime.date],
    working_days_between: Callable[[datetime.date, datetime.date], int],
) -> list[DateProblem]:
    """Every problem of the dates of documents published on `publish_on` (empty when lawful)."""
    problems = []
    if dates.documents_from < publish_on:
        problems.append(DateProblem("documents_from", "documents_before_notice", publish_on))
    if dates.documents_until < dates.documents_from:
        problems.append(DateProblem("documents_until", "documents_until_before_from", dates.documents_from))
    elif rules.min_working_days_available is not None:
        # Working days in documents_from..documents_until, both counted.
        available = working_days_between(dates.documents_from - ONE_DAY, dates.documents_until)
        if available < rules.min_working_days_available:
            first = next_working_day(dates.documents_from, is_working_day)
            problems.append(
                DateProblem(
                    "documents_until",
                    "documents_available_too_short",
                    add_working_days(first, rules.min_working_days_available - 1),
                )
            )
    if dates.documents_until > dates.deadline:
        problems.append(DateProblem("documents_until", "documents_after_deadline", dates.deadline))
    earliest = earliest_deadline(
        rules,
        max(dates.documents_from, publish_on),
        is_working_day=is_working_day,
        add_working_days=add_working_days,
    )
    if dates.deadline < earliest:
        problems.append(DateProblem("bid_deadline", "deadline_too_early", earliest))
    elif not is_working_day(dates.deadline):
        problems.append(
            DateProblem(
                "bid_deadline", "deadline_not_working_day", next_working_day(dates.deadline, is_working_day)
            )
        )
    if dates.clarification_until < dates.documents_from:
        problems.append(
            DateProblem("clarification_until", "questions_before_documents", dates.documents_from)
        )
    elif rules.min_days_clarification_before_deadline is not None:
        latest = dates.deadline - datetime.timedelta(days=rules.min_days_clarification_before_deadline)
        if dates.clarification_until > latest:
            problems.append(DateProblem("clarification_until", "questions_too_late", latest))
    elif dates.clarification_until >= dates.deadline:
        problems.append(DateProblem("clarification_until", "questions_too_late", dates.deadline - ONE_DAY))
    return problems


def earliest_amended_deadline(
    rules: DateRules, *, amended_on: datetime.date, is_working_day: Callable[[datetime.date], bool]
) -> datetime.date:
    """The first lawful deadline after a change that may affect bids, published on `amended_on`:
    the rulebook's days (tenders: 15) must separate them, on a working day."""
    days = rules.min_days_clarification_before_deadline
    if days is None:
        # Other methods have no number in the rulebook: at least the next working day.
        return next_working_day(amended_on + ONE_DAY, is_working_day)
    return next_working_day(amended_on + datetime.timedelta(days=days), is_working_day)


# --- Scoring criteria and bonds -------------------------------------------------------------------


@dataclass(frozen=True)
class PriceWeightRange:
    low: Decimal
    high: Decimal


def price_weight_range(method: str, category: str, value: Callable[[str], Decimal]) -> PriceWeightRange:
    """The lawful price weight of comprehensive scoring for a method and category, in points of 100.

    Goods at least 30, services at least 10 (Order 87 art. 55); competitive consultation at most 60
    (goods) and 30 (services) (Cai Ku [2014] 214 art. 24). Works tendered under the Bidding Law have
    no number in the rulebook, so only 0 < weight <= 100 is asked of them.
    """
    low, high = Decimal("0.01"), HUNDRED
    if category == Category.GOODS:
        low = value("price_weight.goods_min_percent")
        if method == Method.COMPETITIVE_CONSULTATION:
            high = value("price_weight.consultation_goods_max_percent")
    elif category == Category.SERVICES:
        low = value("price_weight.services_min_percent")
        if method == Method.COMPETITIVE_CONSULTATION:
            high = value("price_weight.consultation_services_max_percent")
    return PriceWeightRange(low, high)


def criteria_total(price_weight: Decimal, criteria: list[Mapping]) -> Decimal:
    return price_weight + sum((Decimal(str(c["points"])) for c in criteria), Decimal(0))


def bond_cap(lot_budget: Decimal, max_percent: Decimal) -> Decimal:
    """The largest lawful bid bond of a lot, rounded down to the fen."""
    return (lot_budget * max_percent / HUNDRED).quantize(Decimal("0.01"), rounding="ROUND_DOWN")
