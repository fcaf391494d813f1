"""Every write of the award (定标): proposing it from the sealed evaluation report, the purchaser's
confirmation (which publishes the result notice, produces the letters and releases the losers'
bonds), the sweep that escalates an overdue confirmation to the regulator, and cancelling an award
when a complaint is upheld.

Each public service is one transaction in the house order: lock, check policy and transition
table (models.AWARD_TRANSITIONS), change, save(update_fields), audit last, side effects on commit
(accounts.services.notify e-mails after commit).

Law (rulebook, DESIGN §4): the purchaser confirms within award.confirmation_working_days working
days of the report; the result notice goes out within result_notice.working_days of the
confirmation (here: at the confirmation itself) and stands for result_notice.standing_working_days.
"""

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Role, User
from accounts.services import notify
from audit import services as audit
from common.exceptions import Conflict
from procurement.models import Lot
from rulebook.selectors import add_working_days, rule_int

from ..evaluation.models import BidAssessment, Evaluation
from .models import Award

PURCHASER_ROLES = (Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER)


class AwardNotProposable(Conflict):
    code = "award_not_proposable"
    default_message = _("The evaluation report is not sealed, or the lot does not await its award.")


def _rules_date(lot: Lot) -> datetime.date:
    return lot.project.rules_date or timezone.localdate()


def purchaser_staff(project) -> list[User]:
    """The active clerks and approvers of the project's purchaser."""
    memberships = Membership.objects.filter(
        organisation_id=project.purchaser_id,
        role__in=PURCHASER_ROLES,
        is_active=True,
        user__is_active=True,
    ).select_related("user")
    users = {m.user_id: m.user for m in memberships}
    return list(users.values())


def _lot_title(lot: Lot) -> str:
    return f"{lot.project.reference} / {lot.number}"


def confirmation_due(on: datetime.date, *, rules_on: datetime.date) -> datetime.date:
    """The last day to confirm: award.confirmation_working_days working days after `on`."""
    return add_working_days(on, rule_int("award.confirmation_working_days", on=rules_on))


@transaction.atomic
def propose_award(evaluation: Evaluation) -> Award:
    """The award the sealed report recommends: the qualified bids in rank order, to be confirmed
    by the purchaser within the rulebook's working days. Called by bidding.evaluation when the
    report is sealed (evaluation reported, lot candidates_published), inside its transaction. The
    purchaser's clerks and approvers are told. Safe to repeat: the live award of the evaluation is
    returned unchanged."""
    evaluation = Evaluation.objects.select_related("lot__project").get(pk=evaluation.pk)
    existing = Award.objects.filter(evaluation=evaluation).first()
    if existing is not None:
        return existing
    lot = Lot.objects.select_related("project").select_for_update(of=("self",)).get(pk=evaluation.lot_id)
    if evaluation.status != Evaluation.Status.REPORTED or lot.status != Lot.Status.CANDIDATES_PUBLISHED:
        raise AwardNotProposable()
    candidates = list(
        BidAssessment.objects.filter(evaluation=evaluation, qualified=True, rank__isnull=False)
        .order_by("rank", "pk")
        .values_list("bid_id", flat=True)
    )
    if not candidates:
        raise AwardNotProposable(_("The evaluation report ranks no qualified bid."))
    today = timezone.localdate()
    award = Award.objects.create(
        lot=lot,
        evaluation=evaluation,
        candidates=candidates,
        confirm_by=confirmation_due(today, rules_on=_rules_date(lot)),
    )
    staff = purchaser_staff(lot.project)
    if staff:
        notify(
            staff,
            subject=format_lazy(_("Award to confirm: {lot}"), lot=_lot_title(lot)),
            body=format_lazy(
                _(
                    "The evaluation report of lot {lot} recommends {count} ranked candidates. Confirm "
                    "the first-ranked by {due}."
                ),
                lot=_lot_title(lot),
                count=len(candidates),
                due=award.confirm_by.isoformat(),
            ),
            link=f"/bidding/awards/{award.pk}/",
        )
    audit.record_event(
        "bidding.award_proposed",
        actor=None,
        organisation=lot.project.purchaser,
        target=award,
        data={
            "lot": lot.pk,
            "evaluation": evaluation.pk,
            "candidates": candidates,
            "confirm_by": award.confirm_by,
            "report_sha256": evaluation.report_sha256,
        },
    )
    return award
