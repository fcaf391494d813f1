"""Avoidance (回避) before a draw: who of the matching experts may not sit on a lot's panel, and
why. Plain functions over plain rows (experts/panel_selectors.py gathers them in a few set-based
queries); Implementing Regulations of the Government Procurement Law, article 9.

An expert is left out, with every reason that applies (experts.models.DrawExclusion.Reason), when:
- worked_for_bidder: a declared employment, board/management seat or controlling interest at a
  bidder that lasted into the three years before the evaluation day, or their employer is a bidder;
- relative_at_bidder / relative_at_purchaser: a declared relative works (within the same three
  years) for a bidder / for the purchaser;
- works_for_purchaser: their employer is the purchaser, or a declared employment there lasted
  into the three years;
- prepared_documents: they prepared a version of the lot's tender documents;
- credit_sanction: an active ban on the evaluation day (credit.eligibility.ineligible_people);
- unavailable: a declared unavailable period covers the evaluation day.

Organisations are matched by their unified social credit code (the bidders' and the purchaser's).
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

from .models import Declaration, DrawExclusion

Reason = DrawExclusion.Reason


@dataclass(frozen=True)
class Candidate:
    """An approved expert of a matching specialty."""

    expert_id: int
    user_id: int
    employer_uscc: str = ""


@dataclass(frozen=True)
class DeclarationRow:
    expert_id: int
    kind: str
    organisation_uscc: str
    organisation_name: str = ""
    started_on: datetime.date | None = None
    ended_on: datetime.date | None = None


@dataclass(frozen=True)
class Parties:
    """Who the lot's experts must not be tied to."""

    bidder_codes: frozenset[str]
    purchaser_code: str
    preparer_user_ids: frozenset[int]
    evaluation_on: datetime.date
    # How far back a tie counts (rulebook panel.avoidance_years: three years, Regulations art. 9).
    avoidance_years: int


def specialty_prefixes(codes: Iterable[str]) -> list[str]:
    """Every prefix of every required classification code (A02010104 → A, A0, A02, …, A02010104):
    an expert matches when one of their specialties is one of these (equal to or a prefix of a
    required code). Sorted, for a stable query."""
    prefixes = set()
    for code in codes:
        code = code.strip().upper()
        prefixes.update(code[:n] for n in range(1, len(code) + 1))
    return sorted(prefixes)


def window_start(evaluation_on: datetime.date, years: int) -> datetime.date:
    """The first day of the `years` before the evaluation day (29 February → 28 February)."""
    try:
        return evaluation_on.replace(year=evaluation_on.year - years)
    except ValueError:
        return evaluation_on.replace(year=evaluation_on.year - years, day=28)


def within_window(row: DeclarationRow, evaluation_on: datetime.date, years: int) -> bool:
    """The declared tie lasted into the `years` before the evaluation day (or still lasts)."""
    if row.started_on is not None and row.started_on > evaluation_on:
        return False
    return row.ended_on is None or row.ended_on >= window_start(evaluation_on, years)


_TIES_TO_BIDDER = frozenset(
    {Declaration.Kind.EMPLOYMENT, Declaration.Kind.DIRECTOR, Declaration.Kind.CONTROLLER}
)


def exclusions(
    candidates: Iterable[Candidate],
    declarations: Iterable[DeclarationRow],
    parties: Parties,
    *,
    unavailable: Iterable[int] = (),
    sanctioned: Iterable[int] = (),
) -> dict[int, list[tuple[str, str]]]:
    """{expert_id: [(reason, detail), ...]} of every candidate who must stand aside, each reason
    once (the first detail). `unavailable` are expert ids; `sanctioned` are user ids."""
    found: dict[int, dict[str, str]] = {}

    def add(expert_id: int, reason: str, detail: str) -> None:
        found.setdefault(expert_id, {}).setdefault(reason, detail)

    candidates = list(candidates)
    candidate_ids = {candidate.expert_id for candidate in candidates}
    bidders, purchaser = parties.bidder_codes, parties.purchaser_code
    for row in declarations:
        if row.expert_id not in candidate_ids or not within_window(
            row, parties.evaluation_on, parties.avoidance_years
        ):
            continue
        at_bidder = row.organisation_uscc in bidders
        at_purchaser = bool(purchaser) and row.organisation_uscc == purchaser
        name = row.organisation_uscc
        if row.organisation_name:
            name = f"{row.organisation_name} ({row.organisation_uscc})"
        if row.kind == Declaration.Kind.RELATIVE:
            if at_bidder:
                add(row.expert_id, Reason.RELATIVE_AT_BIDDER, name)
            if at_purchaser:
                add(row.expert_id, Reason.RELATIVE_AT_PURCHASER, name)
        elif row.kind in _TIES_TO_BIDDER:
            if at_bidder:
                add(row.expert_id, Reason.WORKED_FOR_BIDDER, name)
            if at_purchaser and row.kind == Declaration.Kind.EMPLOYMENT:
                add(row.expert_id, Reason.WORKS_FOR_PURCHASER, name)
    unavailable_ids, sanctioned_users = set(unavailable), set(sanctioned)
    for candidate in candidates:
        employer = candidate.employer_uscc
        if employer and employer in bidders:
            add(candidate.expert_id, Reason.WORKED_FOR_BIDDER, employer)
        if employer and purchaser and employer == purchaser:
            add(candidate.expert_id, Reason.WORKS_FOR_PURCHASER, employer)
        if candidate.user_id in parties.preparer_user_ids:
            add(candidate.expert_id, Reason.PREPARED_DOCUMENTS, "")
        if candidate.user_id in sanctioned_users:
            add(candidate.expert_id, Reason.CREDIT_SANCTION, "")
        if candidate.expert_id in unavailable_ids:
            add(candidate.expert_id, Reason.UNAVAILABLE, parties.evaluation_on.isoformat())
    return {expert_id: sorted(reasons.items()) for expert_id, reasons in found.items()}
