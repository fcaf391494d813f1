"""The one eligibility function other apps ask before a party may act.

    answer = check_eligibility(supplier_organisation, Action.SUBMIT_BID)
    if not answer.allowed: ... answer.reasons ...
    require_eligibility(expert_user, Action.BE_DRAWN)   # raises NotEligible (403) with the reason

- A party on the blacklist (an active ban covering the day) may not register for a lot, submit a
  bid, be awarded or apply for contract financing (suppliers), nor be drawn for a panel (experts).
- A supplier with fewer stars than rulebook credit.commitment_min_stars must provide the full
  supporting documents instead of the credit commitment letter (the "commitment + credit" rule).
- The answer carries the score, stars and grade, which banks see on financing applications.

Reads only: one SQL statement (the record, its bans in force, the rulebook rows of the day),
measured by the credit_eligibility benchmark.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, models
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from common.i18n import in_english
from rulebook.selectors import rule_value

from . import scoring, selectors
from .exceptions import NotACreditParty, NotEligible
from .models import GRADES, PartyKind


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
class Ban:
    """A ban in force, as the eligibility answer names it."""

    starts_on: datetime.date
    ends_on: datetime.date
    rule_code: str
    rule_name_zh: str
    rule_name_en: str
    legal_basis_zh: str
    legal_basis_en: str

    @property
    def rule_name(self) -> str:
        return self.rule_name_en if in_english() else self.rule_name_zh

    @property
    def legal_basis(self) -> str:
        return self.legal_basis_en if in_english() else self.legal_basis_zh


@dataclass(frozen=True)
class Eligibility:
    action: str
    allowed: bool
    reasons: list = field(default_factory=list)  # translatable (lazy) strings
    bans: list[Ban] = field(default_factory=list)
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


# The whole answer in one round trip: the ORM's three queries cost more CPU in Django than in
# PostgreSQL (the credit_eligibility benchmark). The rulebook rows are read as of the day, as
# rulebook.selectors.rule does; a missing row comes back NULL and is reported through rule().
_RULE = (
    "(SELECT value FROM rulebook_rule WHERE key = '{key}' AND effective_from <= %(day)s "
    "ORDER BY effective_from DESC LIMIT 1)"
)
_RULE_KEYS = (
    "credit.base_score",
    "credit.stars_5_min_score",
    "credit.stars_4_min_score",
    "credit.stars_3_min_score",
    "credit.stars_2_min_score",
    "credit.commitment_min_stars",
)
_CHECK_SQL_TEMPLATE = """
SELECT r.id, r.score, r.stars, {rules},
       (SELECT json_agg(json_build_array(b.starts_on, b.ends_on, cr.code, cr.name_zh, cr.name_en,
                                         b.legal_basis_zh, b.legal_basis_en) ORDER BY b.ends_on DESC, b.id)
          FROM credit_blacklistentry b
          JOIN credit_creditevent e ON e.id = b.event_id
          JOIN credit_creditrule cr ON cr.id = e.rule_id
         WHERE b.record_id = r.id AND b.status = 'active' AND b.starts_on <= %(day)s AND b.ends_on >= %(day)s)
  FROM (SELECT 1) AS one
  LEFT JOIN credit_creditrecord r ON r.{party_column} = %(party)s
"""
_CHECK_SQL = {
    column: _CHECK_SQL_TEMPLATE.format(
        rules=", ".join(_RULE.format(key=key) for key in _RULE_KEYS), party_column=column
    )
    for column in ("organisation_id", "person_id")
}


def _ban_reason(ban: Ban):
    return format_lazy(
        _("On the blacklist until {until}: {rule}."),
        until=ban.ends_on.isoformat(),
        rule=lazy(lambda: ban.rule_name, str)(),
    )


def check_eligibility(party, action: str, *, on: datetime.date | None = None) -> Eligibility:
    """May `party` (a supplier Organisation, or an expert User) do `action` on the day `on`? One query."""
    kind = _party_kind(party)
    if action not in ACTIONS_OF_KIND.get(kind, frozenset()):
        raise ValueError(f"a {kind} is never asked about {action}")
    day = on or selectors.today()
    column = "person_id" if kind == PartyKind.EXPERT else "organisation_id"
    with connection.cursor() as cursor:
        cursor.execute(_CHECK_SQL[column], {"day": day, "party": party.pk})
        record_id, score, stars, *rules, ban_rows = cursor.fetchone()
    for key, value in zip(_RULE_KEYS, rules, strict=True):
        if value is None:
            rule_value(key, on=day)  # raises RuleNotFound naming the key and the day
    base, s5, s4, s3, s2, min_stars = rules
    if record_id is None:
        score = Decimal(base).quantize(scoring.CENT, ROUND_HALF_UP)
        stars = scoring.stars_for(score, scoring.Bands(stars_5=s5, stars_4=s4, stars_3=s3, stars_2=s2))
    bans = [
        Ban(
            starts_on=datetime.date.fromisoformat(row[0]),
            ends_on=datetime.date.fromisoformat(row[1]),
            rule_code=row[2],
            rule_name_zh=row[3],
            rule_name_en=row[4],
            legal_basis_zh=row[5],
            legal_basis_en=row[6],
        )
        for row in ban_rows or []
    ]
    label = Action(action).label
    reasons = (
        [format_lazy(_("Cannot {action}."), action=label)] + [_ban_reason(b) for b in bans] if bans else []
    )
    return Eligibility(
        action=action,
        allowed=not bans,
        reasons=reasons,
        bans=bans,
        score=score,
        stars=stars,
        grade=GRADES[stars],
        requires_full_documents=kind == PartyKind.SUPPLIER and stars < int(min_stars),
    )


def require_eligibility(party, action: str, *, on: datetime.date | None = None) -> Eligibility:
    """check_eligibility, raising NotEligible (403, code "not_eligible") with the reasons if refused."""
    answer = check_eligibility(party, action, on=on)
    if not answer.allowed:
        # Lazy, like every domain error's message: rendered in the language of whoever reads it.
        raise NotEligible(lazy(lambda: answer.reason, str)())
    return answer


_PEOPLE_SQL = """
SELECT r.person_id,
       json_agg(json_build_array(b.starts_on, b.ends_on, cr.code, cr.name_zh, cr.name_en,
                                 b.legal_basis_zh, b.legal_basis_en) ORDER BY b.ends_on DESC, b.id)
  FROM credit_creditrecord r
  JOIN credit_blacklistentry b ON b.record_id = r.id
  JOIN credit_creditevent e ON e.id = b.event_id
  JOIN credit_creditrule cr ON cr.id = e.rule_id
 WHERE r.person_id = ANY(%(people)s) AND b.status = 'active'
   AND b.starts_on <= %(day)s AND b.ends_on >= %(day)s
 GROUP BY r.person_id
"""


def ineligible_people(person_ids, action: str, *, on: datetime.date | None = None) -> dict[int, list]:
    """The experts (user ids) of `person_ids` who may not `action` on the day `on`, with the same
    reasons check_eligibility gives each of them: {user_id: [reason, ...]}; the others are absent.
    One SQL statement, whatever the number of people (the draw asks about thousands at once)."""
    if action not in ACTIONS_OF_KIND[PartyKind.EXPERT]:
        raise ValueError(f"an expert is never asked about {action}")
    people = sorted({int(pk) for pk in person_ids})
    if not people:
        return {}
    day = on or selectors.today()
    with connection.cursor() as cursor:
        cursor.execute(_PEOPLE_SQL, {"people": people, "day": day})
        rows = cursor.fetchall()
    label = Action(action).label
    answer = {}
    for person_id, ban_rows in rows:
        bans = [
            Ban(
                starts_on=datetime.date.fromisoformat(row[0]),
                ends_on=datetime.date.fromisoformat(row[1]),
                rule_code=row[2],
                rule_name_zh=row[3],
                rule_name_en=row[4],
                legal_basis_zh=row[5],
                legal_basis_en=row[6],
            )
            for row in ban_rows
        ]
        refused = format_lazy(_("Cannot {action}."), action=label)
        answer[person_id] = [refused] + [_ban_reason(b) for b in bans]
    return answer
