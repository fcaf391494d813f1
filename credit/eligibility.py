"""The one eligibility function other apps ask before a party may act.

    answer = check_eligibility(supplier_organisation, Action.SUBMIT_BID)
    if not answer.allowed: ... answer.reasons ...
    require_eligibility(expert_user, Action.BE_DRAWN)   # raises NotEligible (403) with the reason

- A party on the blacklist (an active ban covering the day) may not register for a lot, submit a
  bid, be awarded or apply for contract financing (suppliers), nor be drawn for a panel (experts).
- A supplier with fewer stars than rulebook credit.commitment_min_stars must provide the full
  supporting documents instead of the credit commitment letter (the "commitment + credit" rule).
- The answer carries the score, stars and grade, which banks see on financing applications.

Reads only: at most three small indexed queries (the record, its active bans, the rulebook row),
measured by the credit_eligibility benchmark.
"""

import datetime
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import models
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from rulebook.selectors import rule_int

from . import scoring, selectors
from .exceptions import NotACreditParty, NotEligible
from .models import GRADES, BlacklistEntry, CreditRecord, PartyKind


class Action(models.TextChoices):
    REGISTER_FOR_LOT = "register_for_lot", _("register for a lot")
    SUBMIT_BID = "submit_bid", _("submit a bid")
    BE_AWARDED = "be_awarded", _("be awarded a contract")
    APPLY_FOR_FINANCING = "apply_for_financing", _("apply for contract financing")
    BE_DRAWN = "be_drawn", _("be drawn for an evaluation panel")


ACTIONS_OF_KIND: dict[str, frozenset[str]] = {
    PartyKind.SUPPLIER: frozenset(
        {Action.REGISTER_FOR_LOT, Action.SUBMIT_BID, Action.BE_AWARDED, Action.APPLY_FOR_FINANCING}
    ),
    PartyKind.EXPERT: frozenset({Action.BE_DRAWN}),
}


@dataclass(frozen=True)
class Eligibility:
    action: str
    allowed: bool
    reasons: list = field(default_factory=list)  # translatable (lazy) strings
    bans: list[BlacklistEntry] = field(default_factory=list)
    score: Decimal = Decimal("0")
    stars: int = 0
    grade: str = ""
    requires_full_documents: bool = False

    @property
    def reason(self) -> str:
        return " ".join(str(reason) for reason in self.reasons)


def _party_kind(party) -> str:
    if isinstance(party, Organisation):
        kind = selectors.ORGANISATION_PARTY_KINDS.get(party.kind)
        if kind is None:
            raise NotACreditParty()
        return kind
    if isinstance(party, User):
        return PartyKind.EXPERT
    raise NotACreditParty()


def _record_and_bans(party, day: datetime.date) -> tuple[CreditRecord | None, list[BlacklistEntry]]:
    if isinstance(party, Organisation):
        record = CreditRecord.objects.filter(organisation_id=party.pk).first()
    else:
        record = CreditRecord.objects.filter(person_id=party.pk).first()
    if record is None:
        return None, []
    bans = list(selectors.active_bans(on=day).filter(record=record).select_related("event__rule"))
    return record, bans


def _ban_reason(entry: BlacklistEntry):
    return format_lazy(
        _("On the blacklist until {until}: {rule}."),
        until=entry.ends_on.isoformat(),
        rule=entry.event.rule.lazy_name,
    )


def check_eligibility(party, action: str, *, on: datetime.date | None = None) -> Eligibility:
    """May `party` (a supplier Organisation, or an expert User) do `action` on the day `on`?"""
    kind = _party_kind(party)
    if action not in ACTIONS_OF_KIND.get(kind, frozenset()):
        raise ValueError(f"a {kind} is never asked about {action}")
    day = on or selectors.today()
    record, bans = _record_and_bans(party, day)
    if record is None:
        value = selectors.base_score(on=day)
        stars = scoring.stars_for(value, selectors.score_bands(on=day))
    else:
        value, stars = record.score, record.stars
    requires_full_documents = kind == PartyKind.SUPPLIER and stars < rule_int(
        "credit.commitment_min_stars", on=day
    )
    label = Action(action).label
    reasons = (
        [format_lazy(_("Cannot {action}."), action=label)] + [_ban_reason(b) for b in bans] if bans else []
    )
    return Eligibility(
        action=action,
        allowed=not bans,
        reasons=reasons,
        bans=bans,
        score=value,
        stars=stars,
        grade=GRADES[stars],
        requires_full_documents=requires_full_documents,
    )


def require_eligibility(party, action: str, *, on: datetime.date | None = None) -> Eligibility:
    """check_eligibility, raising NotEligible (403, code "not_eligible") with the reasons if refused."""
    answer = check_eligibility(party, action, on=on)
    if not answer.allowed:
        # Lazy, like every domain error's message: rendered in the language of whoever reads it.
        raise NotEligible(lazy(lambda: answer.reason, str)())
    return answer
