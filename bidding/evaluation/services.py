"""Every write of the evaluation (评审): qualification review, abnormally low prices, scoring,
signing the report, and reading the opened bids' files. One transaction each (STYLE.md, Services).

    start_evaluation ─▶ mark_qualification / submit_qualification (each member) ─▶ majority
      ├─ fewer qualified bids than bids.fewest_valid ─▶ failed (lot failed, notice, bonds refundable)
      ├─ an abnormally low price ─▶ awaiting_explanations ─▶ explain_price / decide_explanation
      ├─ competitive negotiation / consultation ─▶ negotiating (bidding.negotiation)
      │                                           ─▶ after_final_quotations
      ├─ comprehensive scoring ─▶ scoring: score / submit_scores (each member) ─▶ aggregate
      └─ lowest evaluated price (and inquiry) ─▶ ranked by evaluated price
    ─▶ signing: sign_report (each member, second factor) ─▶ reported: the sealed PDF, the lot's
       candidates published, bidding.award.services.propose_award

A member's calls lock the evaluation row first, then their sheet, so the last member's submit
sees every other sheet final.
"""

import datetime
import hashlib
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Membership, Role, User
from accounts.services import notify
from audit import services as audit
from experts.models import Panel, PanelSeat
from procurement import services as procurement_services
from procurement.models import Lot, Method, Notice, TenderDocument
from rulebook.selectors import rule_int, rule_value

from ..models import (
    Bid,
    BidAssessment,
    BidFile,
    Evaluation,
    EvaluationFlag,
    QualificationMark,
    Score,
    ScoreSheet,
)
from . import maths, policies
from .exceptions import (
    EvaluationInvalid,
    EvaluationNotFound,
    EvaluationRefused,
    SecondFactorNeeded,
    WrongRole,
)
from .models import can_transition_evaluation

NEGOTIATED_METHODS = (Method.COMPETITIVE_NEGOTIATION, Method.COMPETITIVE_CONSULTATION)


def pinned_document(lot) -> TenderDocument:
    """The version of the documents the lot's bids answered: the latest published (or since
    superseded) version when its bids were opened (no amendment is published once bidding has
    closed), never a later amendment or a re-tender's documents."""
    opening = getattr(lot, "opening", None)
    opened_at = opening.opened_at if opening is not None and opening.opened_at else timezone.now()
    return (
        lot.project.tender_documents.filter(
            status__in=[TenderDocument.Status.PUBLISHED, TenderDocument.Status.SUPERSEDED],
            published_at__lte=opened_at,
        )
        .order_by("-version")
        .first()
    )


@transaction.atomic
def start_evaluation(panel: Panel) -> Evaluation:
    """Called (inside the caller's transaction) when the lot's panel is seated: the evaluation with
    the pinned documents' criteria, a sheet per seated member and an assessment per opened bid.
    Idempotent: a panel's live evaluation is returned as it is."""
    lot = panel.lot
    live = lot.evaluations.exclude(status=Evaluation.Status.SUPERSEDED).first()
    if live is not None and live.panel_id == panel.pk:
        return live
    document = pinned_document(lot)
    rules_date = lot.project.rules_date
    last_round = lot.evaluations.order_by("-round").values_list("round", flat=True).first() or 0
    if live is not None:
        Evaluation.objects.filter(pk=live.pk).update(status=Evaluation.Status.SUPERSEDED)
    category_key = (
        "sme.works_deduction_min_percent" if lot.project.category == "works" else "sme.deduction_min_percent"
    )
    evaluation = Evaluation.objects.create(
        lot=lot,
        panel=panel,
        document=document,
        round=last_round + 1,
        method=document.evaluation_method,
        price_weight=document.price_weight,
        criteria=document.criteria if document.evaluation_method == "comprehensive" else [],
        qualification_items=document.qualification_items,
        sme_deduction_percent=0 if lot.sme_reserved else rule_value(category_key, on=rules_date),
        deviation_percent=rule_value("evaluation.deviation_percent", on=rules_date),
        abnormal_price_percent=rule_value("evaluation.abnormal_price_percent", on=rules_date),
        started_at=timezone.now(),
    )
    seats = panel.seats.filter(status=PanelSeat.Status.SEATED).order_by("pk")
    ScoreSheet.objects.bulk_create([ScoreSheet(evaluation=evaluation, seat=seat) for seat in seats])
    bids = Bid.objects.filter(lot=lot, status=Bid.Status.OPENED).select_related("supplier__supplier_profile")
    BidAssessment.objects.bulk_create(
        [
            BidAssessment(
                evaluation=evaluation,
                bid=bid,
                price=bid.price,
                is_small_or_micro=_small_or_micro(bid),
            )
            for bid in bids
        ]
    )
    return evaluation


def _small_or_micro(bid: Bid) -> bool:
    profile = getattr(bid.supplier, "supplier_profile", None)
    return bool(profile and profile.is_small_or_micro)


# --- Helpers -------------------------------------------------------------------------------------


def _int(value) -> int | None:
    try:
        number = int(str(value))
    except (TypeError, ValueError):
        return None
    return number if 0 <= number < 2**31 else None


def _move(evaluation: Evaluation, target: str, **fields) -> None:
    """The evaluation to `target`, allowed by EVALUATION_TRANSITIONS (a conditional update whose
    row count is checked: a concurrent change loses visibly)."""
    if not can_transition_evaluation(evaluation.status, target):
        raise EvaluationRefused()
    now = timezone.now()
    changed = Evaluation.objects.filter(pk=evaluation.pk, status=evaluation.status).update(
        status=target, updated_at=now, **fields
    )
    if changed != 1:
        raise EvaluationRefused()
    evaluation.status = target
    for name, value in fields.items():
        setattr(evaluation, name, value)


def _move_lot(lot: Lot, target: str) -> None:
    from procurement.models import can_transition_lot

    if not can_transition_lot(lot.status, target):
        raise EvaluationRefused(_("The lot is not under evaluation."), code="lot_not_evaluating")
    changed = Lot.objects.filter(pk=lot.pk, status=lot.status).update(
        status=target, updated_at=timezone.now()
    )
    if changed != 1:
        raise EvaluationRefused(_("The lot is not under evaluation."), code="lot_not_evaluating")
    lot.status = target


def _evaluation(evaluation_id, *, lock: bool) -> Evaluation | None:
    pk = _int(evaluation_id)
    if pk is None:
        return None
    queryset = Evaluation.objects.select_related("lot__project__purchaser", "lot__project__agency", "panel")
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    return queryset.exclude(status=Evaluation.Status.SUPERSEDED).filter(pk=pk).first()


def member_sheet(evaluation_id, actor: User, *, lock: bool = False) -> tuple[Evaluation, ScoreSheet]:
    """The live evaluation and the actor's own sheet in it: only a seated member of its panel,
    acting in the membership they sit in; anyone else (and a missing id) gets the same 404."""
    evaluation = _evaluation(evaluation_id, lock=lock)
    if evaluation is None or actor is None or not getattr(actor, "is_authenticated", False):
        raise EvaluationNotFound()
    sheets = ScoreSheet.objects.select_related("seat").filter(
        evaluation=evaluation, seat__member=actor, seat__status=PanelSeat.Status.SEATED
    )
    if lock:
        sheets = sheets.select_for_update(of=("self",))
    sheet = sheets.first()
    if sheet is None:
        raise EvaluationNotFound()
    if not policies.acts_in_seat(actor, sheet.seat, evaluation.lot):
        raise WrongRole()
    return evaluation, sheet


def _seated_sheets(evaluation: Evaluation) -> list[ScoreSheet]:
    return list(
        ScoreSheet.objects.select_related("seat")
        .filter(evaluation=evaluation, seat__status=PanelSeat.Status.SEATED)
        .order_by("pk")
    )


def _assessment(evaluation: Evaluation, bid_id, *, qualified_only: bool = False) -> BidAssessment:
    pk = _int(bid_id)
    assessments = BidAssessment.objects.select_related("bid").filter(evaluation=evaluation, bid_id=pk)
    if qualified_only:
        assessments = assessments.filter(qualified=True)
    assessment = assessments.first() if pk is not None else None
    if assessment is None:
        raise EvaluationNotFound(_("No such bid in this evaluation."))
    return assessment


def _rules_date(evaluation: Evaluation) -> datetime.date:
    return evaluation.lot.project.rules_date or timezone.localdate()


def _fewest_valid(evaluation: Evaluation) -> int:
    from ..services import _fewest_valid as fewest

    return fewest(evaluation.lot.project)


def _lot_label(lot: Lot) -> str:
    return f"{lot.project.reference} / {lot.number}"


def _members(evaluation: Evaluation) -> list[User]:
    return [sheet.seat.member for sheet in _seated_sheets(evaluation)]


# --- Qualification review ------------------------------------------------------------------------


@transaction.atomic
def mark_qualification(
    evaluation_id, *, actor: User, bid_id, item, passed: bool, reason: str = ""
) -> QualificationMark:
    """A member marks one qualification item of one bid pass or fail (a fail needs its reason);
    their own draft until they submit the review."""
    evaluation, sheet = member_sheet(evaluation_id, actor, lock=True)
    assessment = _assessment(evaluation, bid_id)
    if evaluation.status != Evaluation.Status.QUALIFICATION or sheet.status != ScoreSheet.Status.QUALIFYING:
        raise EvaluationRefused(
            _("Your qualification review is submitted; it can no longer change."), code="qualification_closed"
        )
    index = _int(item)
    if index is None or index >= len(evaluation.qualification_items):
        raise EvaluationNotFound(_("No such qualification item."))
    reason = (reason or "").strip()
    if not passed and not reason:
        raise EvaluationInvalid(_("A fail needs its reason."), code="reason_missing")
    mark, _created = QualificationMark.objects.update_or_create(
        evaluation=evaluation,
        seat=sheet.seat,
        bid=assessment.bid,
        item=index,
        defaults={"passed": bool(passed), "reason": "" if passed else reason[:4000]},
    )
    audit.record_event(
        "bidding.qualification_marked",
        actor=actor,
        target=evaluation,
        data={"bid": assessment.bid_id, "item": index, "passed": bool(passed)},
    )
    return mark


@transaction.atomic
def submit_qualification(evaluation_id, *, actor: User) -> ScoreSheet:
    """A member submits their whole qualification review (every item of every bid marked). When
    the last member submits, the panel's result is the majority per item."""
    evaluation, sheet = member_sheet(evaluation_id, actor, lock=True)
    if evaluation.status != Evaluation.Status.QUALIFICATION or sheet.status != ScoreSheet.Status.QUALIFYING:
        raise EvaluationRefused(
            _("Your qualification review is submitted already."), code="qualification_closed"
        )
    bids = BidAssessment.objects.filter(evaluation=evaluation).count()
    needed = bids * len(evaluation.qualification_items)
    marked = QualificationMark.objects.filter(evaluation=evaluation, seat=sheet.seat).count()
    if marked < needed:
        raise EvaluationInvalid(
            _("Mark every qualification item of every bid: %(missing)s of %(needed)s are not marked.")
            % {"missing": needed - marked, "needed": needed},
            code="qualification_incomplete",
        )
    now = timezone.now()
    sheet.status = ScoreSheet.Status.QUALIFIED
    sheet.qualified_at = now
    sheet.save(update_fields=["status", "qualified_at", "updated_at"])
    audit.record_event(
        "bidding.qualification_submitted", actor=actor, target=evaluation, data={"seat": sheet.seat_id}
    )
    sheets = _seated_sheets(evaluation)
    if all(s.status == ScoreSheet.Status.QUALIFIED for s in sheets):
        _conclude_qualification(evaluation, sheets)
    return sheet


def _conclude_qualification(evaluation: Evaluation, sheets: list[ScoreSheet]) -> None:
    items = evaluation.qualification_items
    seats = {s.seat_id for s in sheets}
    votes: dict[tuple[int, int], list[QualificationMark]] = {}
    for mark in QualificationMark.objects.filter(evaluation=evaluation, seat_id__in=seats).order_by(
        "seat_id"
    ):
        votes.setdefault((mark.bid_id, mark.item), []).append(mark)
    assessments = list(BidAssessment.objects.filter(evaluation=evaluation).order_by("pk"))
    for assessment in assessments:
        reasons = []
        for index, text in enumerate(items):
            marks = votes.get((assessment.bid_id, index), [])
            if not maths.majority(m.passed for m in marks):
                reasons.append(
                    {"item": index, "text": text, "reasons": [m.reason for m in marks if not m.passed]}
                )
        assessment.qualified = not reasons
        assessment.fail_reasons = reasons
    BidAssessment.objects.bulk_update(assessments, ["qualified", "fail_reasons", "updated_at"])
    qualified = [a for a in assessments if a.qualified]
    audit.record_event(
        "bidding.qualification_concluded",
        actor=None,
        organisation=evaluation.lot.project.agency,
        target=evaluation,
        data={
            "qualified": [a.bid_id for a in qualified],
            "failed": {str(a.bid_id): a.fail_reasons for a in assessments if not a.qualified},
        },
    )
    if len(qualified) < _fewest_valid(evaluation):
        _fail(evaluation, qualified=len(qualified))
        return
    if evaluation.lot.project.method not in NEGOTIATED_METHODS:
        low = maths.abnormally_low({a.pk: a.price for a in qualified}, evaluation.abnormal_price_percent)
        if low:
            _request_explanations(evaluation, [a for a in qualified if a.pk in low])
            return
    _route(evaluation)


def _fail(evaluation: Evaluation, *, qualified: int) -> None:
    """Too few qualified bids: the evaluation and the lot fail, the failed-procurement notice is
    published and every bond held for the lot becomes refundable."""
    from .. import bonds

    lot = Lot.objects.select_for_update(of=("self",)).select_related("project").get(pk=evaluation.lot_id)
    needed = _fewest_valid(evaluation)
    _move(evaluation, Evaluation.Status.FAILED)
    _move_lot(lot, Lot.Status.FAILED)
    procurement_services.publish_notice(
        lot.project,
        Notice.Kind.FAILED,
        "bidding/evaluation/failed_notice.txt",
        {"project": lot.project, "lot": lot, "qualified": qualified, "needed": needed},
        lot=lot,
    )
    bonds.make_refundable(lot.pk, event=bonds.LOT_FAILED, on=timezone.localdate())
    audit.record_event(
        "bidding.evaluation_failed",
        actor=None,
        organisation=lot.project.agency,
        target=evaluation,
        data={"lot": lot.pk, "qualified": qualified, "needed": needed},
    )


def _route(evaluation: Evaluation) -> None:
    """After the review (and any explanations): negotiation and consultation negotiate; the
    comprehensive method scores; the lowest evaluated price method (and inquiry) ranks at once."""
    if evaluation.lot.project.method in NEGOTIATED_METHODS:
        _move(evaluation, Evaluation.Status.NEGOTIATING)
        audit.record_event("bidding.evaluation_negotiating", actor=None, target=evaluation, data={})
        return
    _start_scoring(evaluation)


def _start_scoring(evaluation: Evaluation) -> None:
    """Comprehensive scoring opens the members' score sheets; the lowest evaluated price method
    (and inquiry, and negotiation after its final quotations) ranks at once and goes to signing."""
    if evaluation.method == TenderDocument.EvaluationMethod.COMPREHENSIVE and evaluation.criteria:
        _move(evaluation, Evaluation.Status.SCORING)
        ScoreSheet.objects.filter(evaluation=evaluation, status=ScoreSheet.Status.QUALIFIED).update(
            status=ScoreSheet.Status.DRAFT, updated_at=timezone.now()
        )
        audit.record_event("bidding.scoring_started", actor=None, target=evaluation, data={})
        return
    aggregate(evaluation)


# --- Abnormally low prices -----------------------------------------------------------------------


def _supplier_staff(supplier_id: int) -> list[User]:
    memberships = Membership.objects.filter(
        organisation_id=supplier_id, role=Role.SUPPLIER_REPRESENTATIVE, is_active=True, user__is_active=True
    ).select_related("user")
    return list({m.user_id: m.user for m in memberships}.values())


def _request_explanations(evaluation: Evaluation, low: list[BidAssessment]) -> None:
    hours = rule_int("evaluation.explanation_hours", on=_rules_date(evaluation))
    due = timezone.now() + datetime.timedelta(hours=hours)
    _move(evaluation, Evaluation.Status.AWAITING_EXPLANATIONS)
    lot = evaluation.lot
    for assessment in low:
        assessment.explanation_status = BidAssessment.Explanation.REQUESTED
        assessment.explanation_due = due
        assessment.save(update_fields=["explanation_status", "explanation_due", "updated_at"])
        bid = Bid.objects.only("public_id", "supplier_id").get(pk=assessment.bid_id)
        staff = _supplier_staff(bid.supplier_id)
        if staff:
            notify(
                staff,
                subject=format_lazy(_("Explain your price: {lot}"), lot=_lot_label(lot)),
                body=format_lazy(
                    _(
                        "The evaluation panel of lot {lot} finds your price abnormally low. Explain it, "
                        "with evidence, by {due}; without an accepted explanation the bid is rejected."
                    ),
                    lot=_lot_label(lot),
                    due=timezone.localtime(due).strftime("%Y-%m-%d %H:%M"),
                ),
                link=f"/bidding/bids/{bid.public_id}/explanation/",
            )
    audit.record_event(
        "bidding.price_explanation_requested",
        actor=None,
        organisation=lot.project.agency,
        target=evaluation,
        data={"bids": [a.bid_id for a in low], "due": due},
    )


def bidder_assessment(bid_public_id, actor: User, *, lock: bool = False) -> BidAssessment:
    """The live evaluation's assessment of the actor's own bid, if an explanation was asked of it
    (the bidder sees nothing else of the evaluation); else 404."""
    from ..services import supplier_of

    supplier = supplier_of(actor)
    assessments = (
        BidAssessment.objects.select_related("bid__lot__project", "evaluation")
        .filter(bid__public_id=bid_public_id, bid__supplier=supplier)
        .exclude(evaluation__status=Evaluation.Status.SUPERSEDED)
        .exclude(explanation_status=BidAssessment.Explanation.NOT_NEEDED)
    )
    if lock:
        assessments = assessments.select_for_update(of=("self",))
    try:
        assessment = assessments.first()
    except (ValidationError, ValueError):  # a malformed id
        assessment = None
    if assessment is None:
        raise EvaluationNotFound(_("No explanation is asked of this bid."))
    return assessment


@transaction.atomic
def explain_price(bid_public_id, *, actor: User, explanation: str, file=None) -> BidAssessment:
    """The bidder explains its abnormally low price before the deadline (a text and, optionally, a
    supporting PDF); the panel then accepts or rejects it."""
    assessment = bidder_assessment(bid_public_id, actor)
    evaluation = Evaluation.objects.select_for_update(of=("self",)).get(pk=assessment.evaluation_id)
    assessment = (
        BidAssessment.objects.select_for_update(of=("self",)).select_related("bid").get(pk=assessment.pk)
    )
    if (
        evaluation.status != Evaluation.Status.AWAITING_EXPLANATIONS
        or assessment.explanation_status != BidAssessment.Explanation.REQUESTED
    ):
        raise EvaluationRefused(_("No explanation is awaited from this bid."), code="explanation_closed")
    if assessment.explanation_due and timezone.now() > assessment.explanation_due:
        raise EvaluationRefused(
            _("The explanation was due by %(due)s.")
            % {"due": timezone.localtime(assessment.explanation_due).strftime("%Y-%m-%d %H:%M")},
            code="explanation_late",
        )
    text = (explanation or "").strip()
    if len(text) < 10:
        raise EvaluationInvalid(_("Explain the price in a few sentences."), code="explanation_missing")
    assessment.explanation = text[:20000]
    assessment.explanation_status = BidAssessment.Explanation.GIVEN
    fields = ["explanation", "explanation_status", "updated_at"]
    if file is not None:
        assessment.explanation_file.save(f"explanation-{assessment.bid.public_id}.pdf", file, save=False)
        fields.append("explanation_file")
    assessment.save(update_fields=fields)
    lot = Lot.objects.select_related("project").get(pk=evaluation.lot_id)
    notify(
        _members(evaluation),
        subject=format_lazy(_("A price explanation to decide: {lot}"), lot=_lot_label(lot)),
        body=_("A bidder has explained its abnormally low price; the panel accepts or rejects it."),
        link=f"/bidding/evaluations/{evaluation.pk}/",
    )
    audit.record_event(
        "bidding.price_explained", actor=actor, target=evaluation, data={"bid": assessment.bid_id}
    )
    return assessment


@transaction.atomic
def decide_explanation(
    evaluation_id, *, actor: User, bid_id, accepted: bool, reason: str = ""
) -> BidAssessment:
    """The panel (a seated member, for it) accepts or rejects a bidder's explanation; a rejection
    needs its reason and puts the bid out. When no explanation is awaited any more, the evaluation
    goes on."""
    evaluation, _sheet = member_sheet(evaluation_id, actor, lock=True)
    if evaluation.status != Evaluation.Status.AWAITING_EXPLANATIONS:
        raise EvaluationRefused(_("No explanation is awaited."), code="explanation_closed")
    assessment = _assessment(evaluation, bid_id)
    if assessment.explanation_status != BidAssessment.Explanation.GIVEN:
        raise EvaluationRefused(
            _("This bid has given no explanation to decide."), code="explanation_not_given"
        )
    reason = (reason or "").strip()
    if not accepted and not reason:
        raise EvaluationInvalid(_("A rejection needs its reason."), code="reason_missing")
    assessment.explanation_decision = reason[:4000]
    if accepted:
        assessment.explanation_status = BidAssessment.Explanation.ACCEPTED
    else:
        assessment.explanation_status = BidAssessment.Explanation.REJECTED
        assessment.qualified = False
        assessment.fail_reasons = [
            *assessment.fail_reasons,
            {
                "item": None,
                "text": "报价明显低于其他通过资格审查投标人的报价，其说明未被评审小组接受",
                "reasons": [reason],
            },
        ]
    assessment.save(
        update_fields=[
            "explanation_decision",
            "explanation_status",
            "qualified",
            "fail_reasons",
            "updated_at",
        ]
    )
    audit.record_event(
        "bidding.price_explanation_decided",
        actor=actor,
        target=evaluation,
        data={"bid": assessment.bid_id, "accepted": bool(accepted), "reason": reason},
    )
    _settle_explanations(evaluation)
    return assessment


def _settle_explanations(evaluation: Evaluation) -> None:
    pending = BidAssessment.objects.filter(
        evaluation=evaluation,
        explanation_status__in=[BidAssessment.Explanation.REQUESTED, BidAssessment.Explanation.GIVEN],
    ).exists()
    if pending:
        return
    qualified = BidAssessment.objects.filter(evaluation=evaluation, qualified=True).count()
    if qualified < _fewest_valid(evaluation):
        _fail(evaluation, qualified=qualified)
        return
    _start_scoring(evaluation)


@transaction.atomic
def expire_explanation(evaluation_id) -> int:
    """The deadline job and sweep (system): an explanation not given in time puts the bid out.
    Idempotent: returns how many bids it put out."""
    evaluation = _evaluation(evaluation_id, lock=True)
    if evaluation is None or evaluation.status != Evaluation.Status.AWAITING_EXPLANATIONS:
        return 0
    late = list(
        BidAssessment.objects.select_for_update(of=("self",)).filter(
            evaluation=evaluation,
            explanation_status=BidAssessment.Explanation.REQUESTED,
            explanation_due__lt=timezone.now(),
        )
    )
    for assessment in late:
        assessment.explanation_status = BidAssessment.Explanation.NOT_GIVEN
        assessment.qualified = False
        assessment.fail_reasons = [
            *assessment.fail_reasons,
            {
                "item": None,
                "text": "报价明显低于其他通过资格审查投标人的报价，且未在规定时间内作出说明",
                "reasons": [],
            },
        ]
        assessment.save(update_fields=["explanation_status", "qualified", "fail_reasons", "updated_at"])
    if late:
        audit.record_event(
            "bidding.price_explanation_missing",
            actor=None,
            target=evaluation,
            data={"bids": [a.bid_id for a in late]},
        )
        _settle_explanations(evaluation)
    return len(late)


def overdue_explanations() -> list[int]:
    return list(
        Evaluation.objects.filter(
            status=Evaluation.Status.AWAITING_EXPLANATIONS,
            assessments__explanation_status=BidAssessment.Explanation.REQUESTED,
            assessments__explanation_due__lt=timezone.now(),
        )
        .values_list("pk", flat=True)
        .distinct()
    )


# --- Negotiation and consultation (bidding.negotiation calls this) -------------------------------


def after_final_quotations(evaluation: Evaluation) -> None:
    """Inside the negotiation's transaction, once the final quotations are opened and written to
    BidAssessment.price: consultation scores with the final prices; negotiation ranks by the lowest
    final price and goes to signing."""
    evaluation = (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("lot__project")
        .get(pk=evaluation.pk)
    )
    if evaluation.status != Evaluation.Status.NEGOTIATING:
        raise EvaluationRefused(_("The evaluation is not negotiating."), code="not_negotiating")
    qualified = BidAssessment.objects.filter(evaluation=evaluation, qualified=True).count()
    if qualified == 0:
        _fail(evaluation, qualified=0)
        return
    audit.record_event(
        "bidding.final_quotations_evaluated", actor=None, target=evaluation, data={"qualified": qualified}
    )
    if evaluation.lot.project.method == Method.COMPETITIVE_CONSULTATION and evaluation.criteria:
        _start_scoring(evaluation)
        return
    aggregate(evaluation)


# --- Scoring -------------------------------------------------------------------------------------


def _criterion(evaluation: Evaluation, criterion) -> tuple[int, dict]:
    index = _int(criterion)
    if index is None or index >= len(evaluation.criteria):
        raise EvaluationNotFound(_("No such criterion in this evaluation."))
    return index, evaluation.criteria[index]


def _points(value, maximum: Decimal) -> Decimal:
    try:
        points = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        points = None
    if (
        points is None
        or not points.is_finite()
        or points < 0
        or points > maximum
        or points != points.quantize(maths.CENT)
    ):
        raise EvaluationInvalid(
            _("Points must be a number from 0 to %(max)s (two decimals at most).") % {"max": maximum},
            code="points_out_of_range",
        )
    return points


@transaction.atomic
def score(
    evaluation_id,
    *,
    actor: User,
    bid_id,
    criterion,
    points,
    comment: str = "",
    deviation_reason: str | None = None,
) -> Score:
    """A member scores one qualified bid on one criterion of the pinned evaluation, within the
    criterion's points; their draft until they submit."""
    evaluation, sheet = member_sheet(evaluation_id, actor, lock=True)
    if evaluation.status != Evaluation.Status.SCORING or sheet.status != ScoreSheet.Status.DRAFT:
        raise EvaluationRefused(
            _("Scores can no longer change: the sheet is submitted, or scoring has not begun."),
            code="scoring_closed",
        )
    assessment = _assessment(evaluation, bid_id, qualified_only=True)
    index, row = _criterion(evaluation, criterion)
    value = _points(points, Decimal(str(row["points"])))
    defaults = {"points": value, "comment": (comment or "").strip()[:4000]}
    if deviation_reason is not None:
        defaults["deviation_reason"] = deviation_reason.strip()[:4000]
    result, _created = Score.objects.update_or_create(
        sheet=sheet, bid_id=assessment.bid_id, criterion=index, defaults=defaults
    )
    audit.record_event(
        "bidding.bid_scored",
        actor=actor,
        target=evaluation,
        data={"bid": assessment.bid_id, "criterion": index, "points": value},
    )
    return result


def pending_deviations(evaluation: Evaluation, sheet: ScoreSheet) -> list[dict]:
    """The member's scores that stray from the panel's median (every sheet's current points) by
    more than the evaluation's share of the criterion's points, without a written reason."""
    own = {(s.bid_id, s.criterion): s for s in sheet.scores.order_by("pk")}
    panel: dict[tuple[int, int], list[Decimal]] = {}
    for bid_id, criterion, points in (
        Score.objects.filter(sheet__evaluation=evaluation, sheet__seat__status=PanelSeat.Status.SEATED)
        .values_list("bid_id", "criterion", "points")
        .order_by()
    ):
        panel.setdefault((bid_id, criterion), []).append(points)
    missing = []
    for key, row in sorted(own.items()):
        if row.deviation_reason.strip():
            continue
        points = Decimal(str(evaluation.criteria[key[1]]["points"]))
        middle = maths.median(panel.get(key, [row.points]))
        if maths.deviates(row.points, middle, points, evaluation.deviation_percent):
            missing.append({"bid": key[0], "criterion": key[1]})
    return missing


@transaction.atomic
def submit_scores(evaluation_id, *, actor: User) -> ScoreSheet:
    """A member submits their sheet: every criterion of every qualified bid scored, and a written
    reason for each score far from the panel's median. The last member's submit aggregates."""
    evaluation, sheet = member_sheet(evaluation_id, actor, lock=True)
    if evaluation.status != Evaluation.Status.SCORING or sheet.status != ScoreSheet.Status.DRAFT:
        raise EvaluationRefused(
            _("Your sheet is submitted already, or scoring has not begun."), code="scoring_closed"
        )
    bids = BidAssessment.objects.filter(evaluation=evaluation, qualified=True).count()
    needed = bids * len(evaluation.criteria)
    scored = Score.objects.filter(
        sheet=sheet,
        bid__in=BidAssessment.objects.filter(evaluation=evaluation, qualified=True).values("bid_id"),
    ).count()
    if scored < needed:
        raise EvaluationInvalid(
            _("Score every criterion of every bid: %(missing)s of %(needed)s scores are missing.")
            % {"missing": needed - scored, "needed": needed},
            code="scores_incomplete",
        )
    missing = pending_deviations(evaluation, sheet)
    if missing:
        names = {
            a.bid_id: a.bid.supplier.name_zh
            for a in BidAssessment.objects.select_related("bid__supplier").filter(evaluation=evaluation)
        }
        listed = "; ".join(
            f"{names.get(m['bid'], m['bid'])} / {evaluation.criteria[m['criterion']]['name_zh']}"
            for m in missing
        )
        raise EvaluationInvalid(
            _("These scores are far from the panel's median and need a written reason: %(scores)s.")
            % {"scores": listed},
            code="deviation_reason_missing",
            params={"deviations": missing},
        )
    sheet.status = ScoreSheet.Status.SUBMITTED
    sheet.submitted_at = timezone.now()
    sheet.save(update_fields=["status", "submitted_at", "updated_at"])
    audit.record_event(
        "bidding.scores_submitted", actor=actor, target=evaluation, data={"seat": sheet.seat_id}
    )
    if all(s.status == ScoreSheet.Status.SUBMITTED for s in _seated_sheets(evaluation)):
        aggregate(evaluation)
    return sheet


def aggregate(evaluation: Evaluation) -> list[BidAssessment]:
    """Inside the caller's transaction (the evaluation locked): every qualified bid's evaluated
    price, price score, mean scores, total and rank; deviations and identical sheets flagged;
    the evaluation to signing. Set-based: one read of the scores, one UPDATE of the assessments."""
    comprehensive = evaluation.method == TenderDocument.EvaluationMethod.COMPREHENSIVE and bool(
        evaluation.criteria
    )
    assessments = list(BidAssessment.objects.filter(evaluation=evaluation).order_by("pk"))
    qualified = {a.bid_id: a for a in assessments if a.qualified}
    points: dict[int, dict[int, list[Decimal]]] = {}
    marks: dict[tuple[int, int], list[tuple[int, Decimal, str]]] = {}
    by_seat: dict[int, dict[tuple[int, int], Decimal]] = {}
    if comprehensive:
        rows = (
            Score.objects.filter(
                sheet__evaluation=evaluation,
                sheet__seat__status=PanelSeat.Status.SEATED,
                bid_id__in=list(qualified),
            )
            .order_by()
            .values_list("sheet__seat_id", "bid_id", "criterion", "points", "deviation_reason")
        )
        for seat_id, bid_id, criterion, value, reason in rows:
            points.setdefault(bid_id, {}).setdefault(criterion, []).append(value)
            marks.setdefault((bid_id, criterion), []).append((seat_id, value, reason))
            by_seat.setdefault(seat_id, {})[(bid_id, criterion)] = value
    kinds = {i: c.get("kind", "") for i, c in enumerate(evaluation.criteria)}
    results, order = maths.score_bids(
        {bid_id: (a.price, a.is_small_or_micro) for bid_id, a in qualified.items()},
        points,
        kinds=kinds,
        deduction_percent=evaluation.sme_deduction_percent,
        price_weight=evaluation.price_weight,
        comprehensive=comprehensive,
    )
    ranks = {bid_id: n for n, bid_id in enumerate(order, start=1)}
    for assessment in assessments:
        result = results.get(assessment.bid_id)
        if result is None:
            assessment.rank = None
            continue
        assessment.evaluated_price = result.evaluated_price
        assessment.deduction_percent = result.deduction_percent
        assessment.price_score = result.price_score
        assessment.technical_score = result.technical
        assessment.commercial_score = result.commercial
        assessment.total_score = result.total
        assessment.rank = ranks[assessment.bid_id]
    _write_assessments(assessments)
    if comprehensive:
        _flag(evaluation, marks, by_seat)
    _move(evaluation, Evaluation.Status.SIGNING, scored_at=timezone.now())
    audit.record_event(
        "bidding.evaluation_aggregated",
        actor=None,
        target=evaluation,
        data={"ranking": order, "totals": {str(k): r.total for k, r in results.items()}},
    )
    return assessments


_RESULT_COLUMNS = (
    "evaluated_price",
    "deduction_percent",
    "price_score",
    "technical_score",
    "commercial_score",
    "total_score",
)


def _write_assessments(assessments: list[BidAssessment]) -> None:
    """One UPDATE … FROM (VALUES …) for all the assessments (bulk_update's CASE per row and
    column costs about a second for 200 bids)."""
    if not assessments:
        return
    table = connection.ops.quote_name(BidAssessment._meta.db_table)
    now = timezone.now()
    rows, params = [], []
    for a in assessments:
        rows.append("(%s::bigint, " + ", ".join(["%s::numeric"] * len(_RESULT_COLUMNS)) + ", %s::integer)")
        params.extend([a.pk, *(getattr(a, c) for c in _RESULT_COLUMNS), a.rank])
    sets = ", ".join(f"{c} = v.{c}" for c in (*_RESULT_COLUMNS, "rank"))
    names = ", ".join(("id", *_RESULT_COLUMNS, "rank"))
    sql = (
        f"UPDATE {table} AS a SET {sets}, updated_at = %s "  # noqa: S608 - our own column names
        f"FROM (VALUES {', '.join(rows)}) AS v({names}) WHERE a.id = v.id"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [now, *params])


def _flag(evaluation, marks, by_seat) -> None:
    flags, seat_sets = [], []
    percent = evaluation.deviation_percent
    limits = [Decimal(str(c["points"])) * percent / maths.HUNDRED for c in evaluation.criteria]
    for (bid_id, criterion), entries in marks.items():
        middle = maths.median([value for _seat, value, _reason in entries])
        limit = limits[criterion]
        for seat, value, reason in entries:
            if abs(value - middle) <= limit:
                continue
            flags.append(
                EvaluationFlag(
                    evaluation=evaluation,
                    kind=EvaluationFlag.Kind.DEVIATION,
                    evidence={
                        "seat": seat,
                        "bid": bid_id,
                        "criterion": criterion,
                        "points": str(value),
                        "median": str(middle),
                        "reason": reason,
                    },
                )
            )
            seat_sets.append([seat])
    for group in maths.identical_sheets(by_seat):
        flags.append(
            EvaluationFlag(
                evaluation=evaluation, kind=EvaluationFlag.Kind.IDENTICAL_SHEETS, evidence={"seats": group}
            )
        )
        seat_sets.append(group)
    created = EvaluationFlag.objects.bulk_create(flags)
    through = EvaluationFlag.seats.through
    through.objects.bulk_create(
        [
            through(evaluationflag_id=flag.pk, panelseat_id=seat)
            for flag, seats in zip(created, seat_sets, strict=True)
            for seat in seats
        ]
    )


# --- Signing -------------------------------------------------------------------------------------


@transaction.atomic
def sign_report(evaluation_id, *, actor: User) -> ScoreSheet:
    """A member signs the evaluation report with the second factor. The last signature seals the
    report (PDF with its SHA-256), publishes the lot's candidates and proposes the award."""
    evaluation, sheet = member_sheet(evaluation_id, actor, lock=True)
    if not policies.can_sign(actor):
        raise SecondFactorNeeded()
    if evaluation.status != Evaluation.Status.SIGNING or sheet.status == ScoreSheet.Status.SIGNED:
        raise EvaluationRefused(_("There is no report for you to sign."), code="signing_closed")
    sheet.status = ScoreSheet.Status.SIGNED
    sheet.signed_at = timezone.now()
    sheet.save(update_fields=["status", "signed_at", "updated_at"])
    audit.record_event("bidding.report_signed", actor=actor, target=evaluation, data={"seat": sheet.seat_id})
    if all(s.status == ScoreSheet.Status.SIGNED for s in _seated_sheets(evaluation)):
        _seal_report(evaluation)
    return sheet


def _seal_report(evaluation: Evaluation) -> None:
    from ..award.services import propose_award
    from . import report

    lot = Lot.objects.select_for_update(of=("self",)).select_related("project").get(pk=evaluation.lot_id)
    pdf = report.render_report(evaluation)
    digest = hashlib.sha256(pdf).hexdigest()
    now = timezone.now()
    evaluation.report_pdf.save(
        f"evaluation-{lot.project.reference}-{lot.number}-{evaluation.round}.pdf",
        ContentFile(pdf),
        save=False,
    )
    Evaluation.objects.filter(pk=evaluation.pk).update(report_pdf=evaluation.report_pdf.name)
    _move(evaluation, Evaluation.Status.REPORTED, report_sha256=digest, reported_at=now)
    _move_lot(lot, Lot.Status.CANDIDATES_PUBLISHED)
    audit.record_event(
        "bidding.report_sealed",
        actor=None,
        organisation=lot.project.agency,
        target=evaluation,
        data={"lot": lot.pk, "report_sha256": digest},
    )
    propose_award(evaluation)


# --- Reading the opened bids ---------------------------------------------------------------------


def _data_key(bid: Bid) -> bytes:
    from .. import sealing
    from ..models import LotKey

    key = LotKey.objects.get(lot_id=bid.lot_id)
    private = sealing.unwrap_lot_key(bid.lot_id, key.wrapped_private_key, sealing.key_encryption_key())
    return sealing.open_from_lot(private, bid.sealed_key, sealing.bid_key_aad(bid.public_id))


@transaction.atomic
def read_bid_file(evaluation_id, *, actor: User, bid_id, file_id):
    """A seated member opens one file of an opened bid of the lot (audited: who read what, when).
    Returns the file row and an iterator of its decrypted segments, for streaming."""
    from ..services import _stored_segment

    evaluation, sheet = member_sheet(evaluation_id, actor)
    assessment = _assessment(evaluation, bid_id)
    bid_file = (
        BidFile.objects.filter(
            bid_id=assessment.bid_id, pk=_int(file_id), status=BidFile.Status.COMPLETE
        ).first()
        if _int(file_id) is not None
        else None
    )
    if bid_file is None or assessment.bid.status != Bid.Status.OPENED:
        raise EvaluationNotFound(_("No such file."))
    data_key = _data_key(assessment.bid)
    audit.record_event(
        "bidding.bid_file_read",
        actor=actor,
        target=evaluation,
        data={
            "bid": assessment.bid_id,
            "file": bid_file.pk,
            "document": bid_file.document_key,
            "seat": sheet.seat_id,
        },
    )

    def segments():
        for index in range(bid_file.segments):
            yield _stored_segment(bid_file, data_key, index)

    return bid_file, segments()


# --- Whole forms (one transaction: a sheet is saved whole or not at all) ----------------------------


@transaction.atomic
def mark_qualification_sheet(evaluation_id, *, actor: User, marks: list[dict], submit: bool = False) -> int:
    """Several marks of the member's qualification sheet at once (and, if asked, the submission)."""
    for mark in marks:
        mark_qualification(
            evaluation_id,
            actor=actor,
            bid_id=mark["bid_id"],
            item=mark["item"],
            passed=mark["passed"],
            reason=mark.get("reason", ""),
        )
    if submit:
        submit_qualification(evaluation_id, actor=actor)
    return len(marks)


@transaction.atomic
def score_bid(evaluation_id, *, actor: User, bid_id, entries: list[dict]) -> int:
    """The member's points for one bid on several criteria at once."""
    for entry in entries:
        score(
            evaluation_id,
            actor=actor,
            bid_id=bid_id,
            criterion=entry["criterion"],
            points=entry["points"],
            comment=entry.get("comment", ""),
            deviation_reason=entry.get("deviation_reason"),
        )
    return len(entries)
