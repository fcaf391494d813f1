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

from accounts.models import User
from accounts.services import notify
from audit import services as audit
from procurement import services as procurement_services
from procurement.models import Lot, Notice, can_transition_lot
from procurement.selectors import regulators_of
from rulebook.selectors import add_working_days, rule_int

from .. import bonds
from ..evaluation.models import BidAssessment, Evaluation
from . import letters, policies, selectors
from .exceptions import (
    AwardNotFound,
    AwardNotProposable,
    AwardTransitionRefused,
    InvalidCandidate,
    InvalidPassOver,
    NotAwardConfirmer,
    PassOverRequired,
    ReasonRequired,
)
from .models import Award, AwardLetter, can_transition_award
from .selectors import purchaser_staff

GROUNDS = ("withdrawn", "disqualified")


def _rules_date(lot: Lot) -> datetime.date:
    return lot.project.rules_date or timezone.localdate()


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


# --- Confirmation --------------------------------------------------------------------------------


def _transition(award: Award, target: str) -> None:
    if not can_transition_award(award.status, target):
        raise AwardTransitionRefused()
    award.status = target


def _candidate_label(assessment: BidAssessment | None, bid_id: int, position: int) -> str:
    name = assessment.bid.supplier.name if assessment is not None else str(bid_id)
    return f"{position}. {name}"


def _clean_passed_over(award: Award, chosen: int, passed_over, assessments: dict) -> list[dict]:
    """The pass-over entries as recorded: one for each candidate ranked above the chosen one, each
    with a ground and a reason; anything else is refused with a message naming the candidate."""
    above = award.candidates[: award.candidates.index(chosen)]
    entries: dict[int, dict] = {}
    for raw in passed_over or []:
        if not isinstance(raw, dict):
            raise InvalidPassOver()
        try:
            bid_id = int(raw.get("bid"))
        except (TypeError, ValueError):
            raise InvalidPassOver() from None
        if bid_id not in above:
            raise InvalidPassOver(
                _("Only a candidate ranked above the one confirmed can be passed over."),
            )
        ground = raw.get("ground")
        reason = raw.get("reason")
        reason = reason.strip()[:4000] if isinstance(reason, str) else ""
        label = _candidate_label(assessments.get(bid_id), bid_id, award.candidates.index(bid_id) + 1)
        if ground not in GROUNDS:
            raise InvalidPassOver(
                format_lazy(
                    _("Choose whether candidate {candidate} withdrew or was disqualified."), candidate=label
                )
            )
        if not reason:
            raise ReasonRequired(
                format_lazy(
                    _("Give the reason candidate {candidate} withdrew or was disqualified."), candidate=label
                )
            )
        entries[bid_id] = {"bid": bid_id, "ground": ground, "reason": reason}
    for position, bid_id in enumerate(above, start=1):
        if bid_id not in entries:
            raise PassOverRequired(
                format_lazy(
                    _(
                        "Candidate {candidate} is ranked above the one confirmed: record its withdrawal or "
                        "disqualification, with the reason, first."
                    ),
                    candidate=_candidate_label(assessments.get(bid_id), bid_id, position),
                )
            )
    return [entries[bid_id] for bid_id in above]


def _publish_draw(panel) -> None:
    """The draw record becomes public with the result notice (experts.panels.publish_draw)."""
    from experts import panels as expert_panels

    expert_panels.publish_draw(panel)


@transaction.atomic
def confirm_award(award_id, *, actor: User, bid_id, passed_over=None) -> Award:
    """The purchaser (a clerk or approver with the second factor) confirms a candidate: the
    first-ranked, or a lower one when every candidate ranked above it is passed over with its
    ground (withdrawn or disqualified) and reason, recorded on the award and in the audit chain.

    In the same transaction: the award is confirmed (the winner, the amount at the winner's
    price), the lot awarded, the result notice published with its PDF (winner, amount, main items,
    panel, draw record, every other bidder's score and rank or why it failed), the draw record
    made public, the award notice and result letters sealed, the losers' bonds made refundable
    from today, and every bidder told.

    The rulebook's result_notice.working_days (the notice within that many working days of the
    confirmation) is met by construction: the notice is published by this very transaction. It
    stands result_notice.standing_working_days working days (notice_stands_until), from which
    challenges to the result count."""
    award = selectors.lock_award(award_id)
    if not policies.can_view_award(actor, award):
        raise AwardNotFound()
    if not policies.can_confirm_award(actor, award):
        raise NotAwardConfirmer()
    lot = (
        Lot.objects.select_related("project__purchaser", "project__agency")
        .select_for_update(of=("self",))
        .get(pk=award.lot_id)
    )
    if (
        award.status != Award.Status.AWAITING_CONFIRMATION
        or award.evaluation.status != Evaluation.Status.REPORTED
    ):
        raise AwardTransitionRefused()
    if (
        not can_transition_lot(lot.status, Lot.Status.AWARDED)
        or lot.status != Lot.Status.CANDIDATES_PUBLISHED
    ):
        raise AwardTransitionRefused(_("The lot does not await its award."))
    try:
        chosen = int(bid_id)
    except (TypeError, ValueError):
        raise InvalidCandidate() from None
    if chosen not in award.candidates:
        raise InvalidCandidate()
    assessments = {
        a.bid_id: a
        for a in BidAssessment.objects.filter(evaluation_id=award.evaluation_id).select_related(
            "bid__supplier"
        )
    }
    recorded = _clean_passed_over(award, chosen, passed_over, assessments)
    winner = assessments[chosen]

    now = timezone.now()
    today = timezone.localdate(now)
    rules_on = _rules_date(lot)
    _transition(award, Award.Status.CONFIRMED)
    award.winner = winner.bid
    award.amount = winner.price
    award.passed_over = recorded
    award.confirmed_by = actor
    award.confirmed_at = now
    award.notice_stands_until = add_working_days(
        today, rule_int("result_notice.standing_working_days", on=rules_on)
    )
    lot.status = Lot.Status.AWARDED
    lot.save(update_fields=["status", "updated_at"])
    award.lot = lot

    context = letters.result_context(award)
    pdf = letters.render_result_pdf(context)
    name = f"result-{lot.project.reference}-{lot.number}.pdf"
    award.result_notice = procurement_services.publish_notice(
        lot.project,
        Notice.Kind.RESULT,
        "bidding/award/notices/result.txt",
        context,
        lot=lot,
        attachment=(name, pdf),
    )
    award.save(
        update_fields=[
            "status",
            "winner",
            "amount",
            "passed_over",
            "confirmed_by",
            "confirmed_at",
            "notice_stands_until",
            "result_notice",
            "updated_at",
        ]
    )
    _publish_draw(award.evaluation.panel)
    written = letters.write_letters(award, context)
    bonds.make_refundable(
        lot.pk, winner_supplier_id=winner.bid.supplier_id, event=bonds.AWARD_NOTICE, on=today
    )
    _notify_bidders(award, written)
    for entry in recorded:
        audit.record_event(
            "bidding.award_passed_over",
            actor=actor,
            target=award,
            data={"lot": lot.pk, **entry},
        )
    audit.record_event(
        "bidding.award_confirmed",
        actor=actor,
        target=award,
        data={
            "lot": lot.pk,
            "winner": winner.bid_id,
            "supplier": winner.bid.supplier_id,
            "amount": award.amount,
            "rank": award.candidates.index(chosen) + 1,
            "result_notice": award.result_notice_id,
            "notice_sha256": award.result_notice.attachment_sha256,
            "notice_stands_until": award.notice_stands_until,
            "letters": {str(letter.bid_id): letter.sha256 for letter in written},
        },
    )
    return award


def _notify_bidders(award: Award, written: list[AwardLetter]) -> None:
    lot = award.lot
    title = _lot_title(lot)
    representatives = selectors.supplier_representatives(letter.bid.supplier_id for letter in written)
    for letter in written:
        recipients = representatives.get(letter.bid.supplier_id, [])
        if not recipients:
            continue
        if letter.kind == AwardLetter.Kind.AWARD_NOTICE:
            subject = format_lazy(_("You won lot {lot}"), lot=title)
            body = format_lazy(
                _(
                    "The purchaser confirmed your bid for lot {lot}, {amount} CNY. Your award notice is "
                    "ready."
                ),
                lot=title,
                amount=f"{award.amount:,.2f}",
            )
        else:
            subject = format_lazy(_("Result of lot {lot}"), lot=title)
            body = format_lazy(
                _("The purchaser confirmed the result of lot {lot}. Your result letter is ready."), lot=title
            )
        notify(recipients, subject=subject, body=body, link=f"/bidding/award-letters/{letter.pk}.pdf")


# --- Escalation ----------------------------------------------------------------------------------


@transaction.atomic
def flag_overdue_awards(on: datetime.date | None = None) -> int:
    """Awards still awaiting the purchaser's confirmation after their last day (confirm_by) are
    escalated once: the regulators of the purchaser's region are told, and the chain records it.
    Awards another run is flagging are skipped (skip_locked); an escalated award is never
    escalated again."""
    on = on or timezone.localdate()
    awards = list(
        selectors.due_for_escalation(on)
        .select_related("lot__project__purchaser")
        .select_for_update(of=("self",), skip_locked=True)
    )
    now = timezone.now()
    flagged = []
    for award in awards:
        if not Award.objects.filter(
            pk=award.pk, status=Award.Status.AWAITING_CONFIRMATION, escalated_at__isnull=True
        ).update(escalated_at=now, updated_at=now):
            continue
        award.escalated_at = now
        flagged.append(award)
        project = award.lot.project
        regulators = regulators_of(project)
        if regulators:
            notify(
                regulators,
                subject=format_lazy(_("Award confirmation overdue: {lot}"), lot=_lot_title(award.lot)),
                body=format_lazy(
                    _(
                        "{purchaser} was to confirm the award of lot {lot} by {due} and has not. The "
                        "evaluation report recommends {count} candidates."
                    ),
                    purchaser=project.purchaser.name,
                    lot=_lot_title(award.lot),
                    due=award.confirm_by.isoformat(),
                    count=len(award.candidates),
                ),
                link="/bidding/awards/overdue/",
            )
    for award in flagged:
        audit.record_event(
            "bidding.award_escalated",
            actor=None,
            organisation=award.lot.project.purchaser,
            target=award,
            data={"lot": award.lot_id, "confirm_by": award.confirm_by, "on": on},
        )
    return len(flagged)


# --- Cancellation --------------------------------------------------------------------------------


@transaction.atomic
def cancel_award(award: Award, *, reason: str, actor: User | None) -> Award:
    """The award is cancelled (a complaint upheld, bidding.challenges): it stays as history and a
    new award of the lot may follow a re-evaluation (award_one_live_per_lot counts live awards
    only). The caller checks who may do this and moves the lot itself; this records the
    cancellation and its reason."""
    award = selectors.lock_award(award.pk)
    reason = reason.strip()[:4000] if isinstance(reason, str) else ""
    if not reason:
        raise ReasonRequired(_("Give the reason the award is cancelled."))
    previous = award.status
    _transition(award, Award.Status.CANCELLED)
    award.cancellation_reason = reason
    award.save(update_fields=["status", "cancellation_reason", "updated_at"])
    audit.record_event(
        "bidding.award_cancelled",
        actor=actor,
        organisation=award.lot.project.purchaser if actor is None else None,
        target=award,
        data={"lot": award.lot_id, "previous": previous, "reason": reason},
    )
    return award


__all__ = ["cancel_award", "confirm_award", "flag_overdue_awards", "propose_award"]
