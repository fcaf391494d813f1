"""Every write of challenges (质疑) and complaints (投诉): filing, answering and withdrawing a
challenge; filing a complaint; the regulator's suspension and decision; and the sweeps that flag
overdue answers and decisions and move an awarded lot to contracting once its result can no longer
be challenged.

Each public service is one transaction in the house order: lock, check the policy and the
transition tables (models.CHALLENGE_TRANSITIONS, COMPLAINT_TRANSITIONS), change,
save(update_fields), audit last, side effects on commit (accounts.services.notify e-mails after
commit).

Law (rulebook, DESIGN §4; Government Procurement Law arts. 52-57, Implementing Regulations arts.
54-58, MOF Order 94): a supplier challenges within challenge.working_days working days of the
notice (of the end of the result notice's standing period for the result); the purchaser or its
agency answers within challenge.answer_working_days; the challenger complains within
complaint.working_days of the answer (or of the day the answer was due) and only on the matters
challenged; the regulator decides within complaint.decision_working_days and may suspend the
procurement for at most complaint.max_suspension_days days. Deadlines are judged by the database
clock's date.
"""

import datetime

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import notify
from audit import services as audit
from common.exceptions import InvalidInput
from common.uploads import check_upload
from procurement.models import Lot, Notice, can_transition_lot
from procurement.selectors import regulators_of
from procurement.services import publish_notice
from rulebook.selectors import rule_int

from .. import bonds
from ..award.models import Award
from ..evaluation.models import Evaluation, can_transition_evaluation
from . import policies, selectors
from .exceptions import (
    ChallengeLate,
    ChallengeLotNotFound,
    ChallengeNotFound,
    ChallengeRefused,
    ChallengeStateRefused,
    ComplaintLate,
    ComplaintNotFound,
    ComplaintStateRefused,
    ComplaintTooEarly,
    DecisionRefused,
    NotAllowed,
    NotChallenged,
    SecondFactorRequired,
    SuspensionTooLong,
)
from .models import Challenge, Complaint, Subject, can_transition_challenge, can_transition_complaint

PDF_TYPES = {".pdf": frozenset({"application/pdf"})}
TEXT_LIMIT = 20000
OUTCOMES = (
    Complaint.Status.DISMISSED,
    Complaint.Status.UPHELD_REEVALUATION,
    Complaint.Status.UPHELD_RETENDER,
)
DECISION_TEMPLATE = "bidding/notices/complaint_decision.txt"


# --- Helpers -------------------------------------------------------------------------------------


def _text(value) -> str:
    return value.strip()[:TEXT_LIMIT] if isinstance(value, str) else ""


def _lot_title(lot: Lot) -> str:
    return f"{lot.project.reference} / {lot.number}"


def _supplier_name(organisation):
    """The supplier's name in the language the message is rendered in (notify renders both)."""
    return lazy(lambda: organisation.name, str)()


def _require_second_factor(user: User) -> None:
    if policies.second_factor_missing(user):
        raise SecondFactorRequired()


def _evidence(evidence) -> str:
    """The evidence PDF's SHA-256 after the upload checks ("" without evidence)."""
    if evidence is None or evidence == "":
        return ""
    if not isinstance(evidence, UploadedFile):
        raise InvalidInput(_("Upload the evidence as a PDF file."), code="evidence_invalid")
    return check_upload(evidence, types=PDF_TYPES)


def _challenge_link(challenge: Challenge) -> str:
    return reverse("bidding:challenge", args=[challenge.pk])


def _complaint_link(complaint: Complaint) -> str:
    return reverse("bidding:complaint", args=[complaint.pk])


def _notify(users, subject, body, link) -> None:
    users = list({user.pk: user for user in users}.values())
    if users:
        notify(users, subject=subject, body=body, link=link)


def _transition_challenge(challenge: Challenge, target: str) -> None:
    if not can_transition_challenge(challenge.status, target):
        raise ChallengeStateRefused()
    challenge.status = target


def _transition_complaint(complaint: Complaint, target: str) -> None:
    if not can_transition_complaint(complaint.status, target):
        raise ComplaintStateRefused()
    complaint.status = target


# --- Challenges ----------------------------------------------------------------------------------


@transaction.atomic
def file_challenge(
    lot_id, *, actor: User, subject: str, notice_id, grounds: str, evidence: UploadedFile | None = None
) -> Challenge:
    """A representative of a supplier that bid for the lot (or, for the documents, obtained them)
    challenges a notice of the lot's project: the tender or a correction notice about the
    documents, any notice about the process, the result notice about the result. Refused after
    the last day, with the day named. The purchaser's staff and the agency's officers are told;
    the answer is due challenge.answer_working_days working days later."""
    supplier = policies.supplier_of(actor)
    if supplier is None:
        raise ChallengeLotNotFound()
    pk = selectors._pk(lot_id)
    lot = (
        Lot.objects.select_related("project__purchaser", "project__agency")
        .select_for_update(of=("self",))
        .filter(pk=pk)
        .first()
        if pk is not None
        else None
    )
    if lot is None:
        raise ChallengeLotNotFound()
    subjects = selectors.subjects_open_to(supplier.pk, lot)
    if not subjects:
        raise ChallengeLotNotFound()
    if subject not in Subject.values:
        raise ChallengeRefused(_("Say what is challenged: the documents, the process or the result."))
    if subject not in subjects:
        raise ChallengeRefused(
            _("Only a supplier that bid for the lot may challenge its process or result."),
            code="not_a_bidder",
        )
    notice_pk = selectors._pk(notice_id)
    notice = (
        Notice.objects.filter(
            pk=notice_pk, project_id=lot.project_id, published_at__lte=timezone.now()
        ).first()
        if notice_pk is not None
        else None
    )
    if notice is None or subject not in selectors.SUBJECTS_OF_KIND.get(notice.kind, ()):
        raise ChallengeRefused(
            _(
                "Choose a notice of this procurement that fits what is challenged: the tender or a "
                "correction notice for the documents, the result notice for the result."
            ),
            code="notice_mismatch",
        )
    result_of = Award.objects.filter(result_notice=notice).values_list("lot_id", flat=True).first()
    if result_of is not None and result_of != lot.pk:
        raise ChallengeRefused(_("This result notice is about another lot."), code="notice_mismatch")
    grounds = _text(grounds)
    if not grounds:
        raise ChallengeRefused(_("State the grounds of the challenge."), code="grounds_required")
    rules_on = selectors.rules_date(lot)
    today = selectors.today()
    deadline = selectors.challenge_deadline(notice, subject, rules_on=rules_on)
    if today > deadline:
        raise ChallengeLate(
            format_lazy(
                _(
                    "The time to challenge this notice ended on {deadline}: "
                    "no challenge can be filed after it."
                ),
                deadline=deadline.isoformat(),
            )
        )
    if (
        Challenge.objects.filter(lot=lot, supplier=supplier, notice=notice, subject=subject)
        .exclude(status=Challenge.Status.WITHDRAWN)
        .exists()
    ):
        raise ChallengeRefused(
            _(
                "Your organisation has already challenged this notice on this matter: a challenge "
                "states all its grounds at once."
            ),
            code="challenge_exists",
        )
    sha256 = _evidence(evidence)
    challenge = Challenge(
        lot=lot,
        supplier=supplier,
        filed_by=actor,
        subject=subject,
        notice=notice,
        deadline=deadline,
        grounds=grounds,
        evidence_sha256=sha256,
        answer_due=selectors.answer_due(today, rules_on=rules_on),
    )
    challenge.save()
    if sha256:
        challenge.evidence.save(f"challenge-{challenge.pk}-{sha256[:16]}.pdf", evidence, save=False)
        challenge.save(update_fields=["evidence", "updated_at"])
    project = lot.project
    _notify(
        selectors.purchaser_staff(project) + selectors.agency_officers(project),
        format_lazy(_("Challenge to answer: {lot}"), lot=_lot_title(lot)),
        format_lazy(
            _("{supplier} challenges {subject} of lot {lot} ({notice}). Answer it by {due}."),
            supplier=_supplier_name(supplier),
            subject=Subject(challenge.subject).label,
            lot=_lot_title(lot),
            notice=Notice.Kind(notice.kind).label,
            due=challenge.answer_due.isoformat(),
        ),
        _challenge_link(challenge),
    )
    audit.record_event(
        "bidding.challenge_filed",
        actor=actor,
        target=challenge,
        data={
            "lot": lot.pk,
            "supplier": supplier.pk,
            "subject": subject,
            "notice": notice.pk,
            "deadline": deadline,
            "answer_due": challenge.answer_due,
            "evidence_sha256": sha256,
        },
    )
    return challenge


@transaction.atomic
def answer_challenge(challenge_id, *, actor: User, answer: str, upheld: bool) -> Challenge:
    """The purchaser (a clerk or approver) or an officer of the agency running the tender answers
    in writing, upholding the challenge or not; the challenger is told. Approvers and officers act
    with their second factor."""
    challenge = selectors.lock_challenge(challenge_id)
    if not policies.is_answerer(actor, challenge.lot.project):
        if not policies.can_view_challenge(actor, challenge):
            raise ChallengeNotFound()
        raise NotAllowed(_("Only the purchaser or its agency answers a challenge."))
    _require_second_factor(actor)
    answer = _text(answer)
    if not answer:
        raise ChallengeRefused(_("Write the answer; the challenger reads it."), code="answer_required")
    if not isinstance(upheld, bool):
        raise ChallengeRefused(_("Say whether the challenge is upheld."), code="upheld_required")
    _transition_challenge(challenge, Challenge.Status.ANSWERED)
    now = timezone.now()
    challenge.answer = answer
    challenge.upheld = upheld
    challenge.answered_by = actor
    challenge.answered_at = now
    challenge.save(update_fields=["status", "answer", "upheld", "answered_by", "answered_at", "updated_at"])
    lot = challenge.lot
    _notify(
        selectors.supplier_representatives(challenge.supplier_id),
        format_lazy(_("Your challenge about {lot} is answered"), lot=_lot_title(lot)),
        answer,
        _challenge_link(challenge),
    )
    late = timezone.localdate(now) > challenge.answer_due
    audit.record_event(
        "bidding.challenge_answered",
        actor=actor,
        target=challenge,
        data={"lot": lot.pk, "upheld": upheld, "answer_due": challenge.answer_due, "late": late},
    )
    return challenge


@transaction.atomic
def withdraw_challenge(challenge_id, *, actor: User) -> Challenge:
    """The challenger withdraws its challenge while it awaits the answer."""
    challenge = selectors.lock_challenge(challenge_id)
    if not policies.is_challenger(actor, challenge):
        raise ChallengeNotFound()
    _transition_challenge(challenge, Challenge.Status.WITHDRAWN)
    challenge.save(update_fields=["status", "updated_at"])
    lot = challenge.lot
    _notify(
        selectors.purchaser_staff(lot.project) + selectors.agency_officers(lot.project),
        format_lazy(_("Challenge withdrawn: {lot}"), lot=_lot_title(lot)),
        "",
        _challenge_link(challenge),
    )
    audit.record_event("bidding.challenge_withdrawn", actor=actor, target=challenge, data={"lot": lot.pk})
    return challenge


# --- Complaints ----------------------------------------------------------------------------------


@transaction.atomic
def file_complaint(
    challenge_id,
    *,
    actor: User,
    grounds: str,
    evidence: UploadedFile | None = None,
    subject: str | None = None,
) -> Complaint:
    """The challenger, unsatisfied, complains to the regulators of the purchaser's region about
    the matter it challenged (the complaint names the challenge; `subject`, when given, must be
    the challenged one): once the challenge is answered, or once its answer is overdue, within
    complaint.working_days working days. A challenge that is not the complainant's is a matter
    never challenged (404). The decision is due complaint.decision_working_days later."""
    supplier = policies.supplier_of(actor)
    try:
        challenge = selectors.lock_challenge(challenge_id)
    except ChallengeNotFound:
        raise NotChallenged() from None
    if supplier is None or challenge.supplier_id != supplier.pk:
        raise NotChallenged()
    if challenge.status == Challenge.Status.WITHDRAWN:
        raise ComplaintStateRefused(
            _("The challenge was withdrawn: a complaint may only concern a matter still challenged."),
            code="not_challenged",
        )
    if subject not in (None, "") and subject != challenge.subject:
        raise ChallengeRefused(
            format_lazy(
                _(
                    "A complaint may only concern the matter challenged: this challenge is about "
                    "{subject}, nothing else was challenged."
                ),
                subject=Subject(challenge.subject).label,  # lazy: the reader's language
            ),
            code="not_challenged",
        )
    today = selectors.today()
    if not policies.complaint_opens(challenge, today=today):
        raise ComplaintTooEarly(
            format_lazy(
                _(
                    "A complaint may be filed once the challenge is answered, or from the day after "
                    "its answer was due ({due})."
                ),
                due=challenge.answer_due.isoformat(),
            )
        )
    lot = challenge.lot
    rules_on = selectors.rules_date(lot)
    deadline = selectors.complaint_deadline(challenge, rules_on=rules_on)
    if today > deadline:
        raise ComplaintLate(
            format_lazy(
                _("The time to complain about this challenge ended on {deadline}."),
                deadline=deadline.isoformat(),
            )
        )
    if challenge.complaints.exclude(status=Complaint.Status.WITHDRAWN).exists():
        raise ComplaintStateRefused(
            _("Your organisation has already complained about this challenge."), code="complaint_exists"
        )
    grounds = _text(grounds)
    if not grounds:
        raise ChallengeRefused(_("State the grounds of the complaint."), code="grounds_required")
    sha256 = _evidence(evidence)
    complaint = Complaint(
        challenge=challenge,
        lot=lot,
        supplier=supplier,
        filed_by=actor,
        deadline=deadline,
        grounds=grounds,
        evidence_sha256=sha256,
        decision_due=selectors.decision_due(today, rules_on=rules_on),
    )
    complaint.save()
    if sha256:
        complaint.evidence.save(f"complaint-{complaint.pk}-{sha256[:16]}.pdf", evidence, save=False)
        complaint.save(update_fields=["evidence", "updated_at"])
    project = lot.project
    _notify(
        regulators_of(project),
        format_lazy(_("Complaint filed: {lot}"), lot=_lot_title(lot)),
        format_lazy(
            _("{supplier} complains about {subject} of lot {lot} after its challenge. Decide by {due}."),
            supplier=_supplier_name(supplier),
            subject=Subject(challenge.subject).label,
            lot=_lot_title(lot),
            due=complaint.decision_due.isoformat(),
        ),
        _complaint_link(complaint),
    )
    _notify(
        selectors.purchaser_staff(project) + selectors.agency_officers(project),
        format_lazy(_("A complaint about {lot} is filed with the regulator"), lot=_lot_title(lot)),
        "",
        _complaint_link(complaint),
    )
    audit.record_event(
        "bidding.complaint_filed",
        actor=actor,
        target=complaint,
        data={
            "lot": lot.pk,
            "challenge": challenge.pk,
            "subject": challenge.subject,
            "deadline": deadline,
            "decision_due": complaint.decision_due,
            "evidence_sha256": sha256,
        },
    )
    return complaint


def _regulated_complaint(complaint_id, actor: User) -> Complaint:
    complaint = selectors.lock_complaint(complaint_id)
    if not policies.is_regulator(actor, complaint.lot.project):
        raise ComplaintNotFound()
    _require_second_factor(actor)
    return complaint


@transaction.atomic
def suspend_lot(complaint_id, *, actor: User, until, reason: str) -> Complaint:
    """A regulator of the region suspends the procurement of the complained-of lot while it
    decides, up to and including `until`: at most complaint.max_suspension_days days from today
    (the error names the latest day); one suspension per complaint."""
    complaint = _regulated_complaint(complaint_id, actor)
    if complaint.status != Complaint.Status.FILED:
        raise ComplaintStateRefused(_("The complaint is decided: there is nothing to suspend."))
    if complaint.suspended_until is not None:
        raise ComplaintStateRefused(
            format_lazy(
                _("The procurement is already suspended until {until}."),
                until=complaint.suspended_until.isoformat(),
            ),
            code="already_suspended",
        )
    if isinstance(until, datetime.datetime) or not isinstance(until, datetime.date):
        raise InvalidInput(_("Give the last day of the suspension."), code="invalid_date")
    reason = _text(reason)
    if not reason:
        raise InvalidInput(
            _("Give the reason for the suspension; the parties read it."), code="reason_required"
        )
    today = selectors.today()
    latest = today + datetime.timedelta(
        days=rule_int("complaint.max_suspension_days", on=selectors.rules_date(complaint.lot))
    )
    if until < today:
        raise InvalidInput(_("The suspension cannot end before today."), code="invalid_date")
    if until > latest:
        raise SuspensionTooLong(
            format_lazy(
                _("A procurement may be suspended for at most {days} days: the latest last day is {latest}."),
                days=(latest - today).days,
                latest=latest.isoformat(),
            )
        )
    complaint.suspended_until = until
    complaint.save(update_fields=["suspended_until", "updated_at"])
    lot = complaint.lot
    body = format_lazy(
        _("The regulator suspends the procurement of lot {lot} until {until}: {reason}"),
        lot=_lot_title(lot),
        until=until.isoformat(),
        reason=reason,
    )
    _notify(
        selectors.purchaser_staff(lot.project)
        + selectors.agency_officers(lot.project)
        + selectors.supplier_representatives(complaint.supplier_id),
        format_lazy(_("Procurement suspended: {lot}"), lot=_lot_title(lot)),
        body,
        _complaint_link(complaint),
    )
    audit.record_event(
        "bidding.lot_suspended",
        actor=actor,
        target=complaint,
        data={"lot": lot.pk, "from": today, "until": until, "reason": reason},
    )
    return complaint


def _cancel_live_award(lot: Lot, actor: User, reason: str) -> Award | None:
    award = Award.objects.filter(lot=lot).exclude(status=Award.Status.CANCELLED).first()
    if award is None:
        return None
    from ..award import services as award_services

    return award_services.cancel_award(award, reason=reason, actor=actor)


def _move_lot(lot: Lot, target: str) -> None:
    if lot.status == target:
        return
    if not can_transition_lot(lot.status, target):
        raise DecisionRefused(
            format_lazy(
                _("The lot is {status}: this decision cannot be carried out on it."),
                status=Lot.Status(lot.status).label,
            )
        )
    lot.status = target
    lot.save(update_fields=["status", "updated_at"])


def _reevaluate(lot: Lot) -> Evaluation:
    """The live evaluation is superseded and the same panel starts the next round."""
    from ..evaluation.services import start_evaluation

    live = (
        Evaluation.objects.select_for_update(of=("self",))
        .select_related("panel__lot__project")
        .filter(lot=lot)
        .exclude(status=Evaluation.Status.SUPERSEDED)
        .first()
    )
    if live is None:
        raise DecisionRefused(
            _("The lot has no evaluation to do again: decide for a new procurement instead."),
            code="nothing_to_reevaluate",
        )
    if not can_transition_evaluation(live.status, Evaluation.Status.SUPERSEDED):
        raise DecisionRefused(_("The lot's evaluation cannot be superseded."), code="nothing_to_reevaluate")
    live.status = Evaluation.Status.SUPERSEDED
    live.save(update_fields=["status", "updated_at"])
    return start_evaluation(live.panel)


@transaction.atomic
def decide_complaint(complaint_id, *, actor: User, outcome: str, decision: str) -> Complaint:
    """A regulator of the region decides the complaint and the decision is published as a notice:
    dismissed (the procurement goes on); upheld with re-evaluation (the live award, if any, is
    cancelled, the live evaluation superseded and the same panel evaluates again in a new round;
    the lot is under evaluation); upheld with a new procurement (the award cancelled, the lot
    failed, the bonds refundable; the agency re-tenders it with procurement.services.retender_lot).
    A suspension ends with the decision."""
    complaint = _regulated_complaint(complaint_id, actor)
    if outcome not in OUTCOMES:
        raise InvalidInput(
            _("Choose the decision: dismissed, upheld with re-evaluation, or upheld with a new procurement."),
            code="invalid_outcome",
        )
    decision = _text(decision)
    if not decision:
        raise InvalidInput(
            _("Write the decision and its reasons; it is published."), code="decision_required"
        )
    _transition_complaint(complaint, outcome)
    lot = (
        Lot.objects.select_related("project__purchaser", "project__agency")
        .select_for_update(of=("self",))
        .get(pk=complaint.lot_id)
    )
    today = selectors.today()
    reason = format_lazy(_("Complaint {number} upheld by the regulator."), number=complaint.pk)
    cancelled = None
    evaluation = None
    if outcome == Complaint.Status.UPHELD_REEVALUATION:
        cancelled = _cancel_live_award(lot, actor, str(reason))
        lot.refresh_from_db(fields=["status"])
        _move_lot(lot, Lot.Status.EVALUATING)
        evaluation = _reevaluate(lot)
    elif outcome == Complaint.Status.UPHELD_RETENDER:
        cancelled = _cancel_live_award(lot, actor, str(reason))
        lot.refresh_from_db(fields=["status"])
        _move_lot(lot, Lot.Status.FAILED)
    now = timezone.now()
    complaint.decision = decision
    complaint.decided_by = actor
    complaint.decided_at = now
    if complaint.suspended_until is not None and complaint.suspended_until >= today:
        complaint.suspended_until = today
    complaint.notice = publish_notice(
        lot.project,
        Notice.Kind.COMPLAINT_DECISION,
        DECISION_TEMPLATE,
        {
            "project": lot.project,
            "lot": lot,
            "complaint": complaint,
            "challenge": complaint.challenge,
            "supplier": complaint.supplier,
            "outcome": outcome,
            "decision": decision,
            "decided_on": timezone.localdate(now),
        },
        lot=lot,
    )
    complaint.save(
        update_fields=[
            "status",
            "decision",
            "decided_by",
            "decided_at",
            "suspended_until",
            "notice",
            "updated_at",
        ]
    )
    if outcome == Complaint.Status.UPHELD_RETENDER:
        bonds.make_refundable(lot.pk, event=bonds.LOT_FAILED, on=today)
    _notify(
        selectors.supplier_representatives(complaint.supplier_id)
        + selectors.purchaser_staff(lot.project)
        + selectors.agency_officers(lot.project),
        format_lazy(_("Complaint decided: {lot}"), lot=_lot_title(lot)),
        format_lazy(
            _("{outcome}. {decision}"), outcome=Complaint.Status(complaint.status).label, decision=decision
        ),
        reverse("notices:detail", args=[complaint.notice.pk]),
    )
    audit.record_event(
        "bidding.complaint_decided",
        actor=actor,
        target=complaint,
        data={
            "lot": lot.pk,
            "outcome": outcome,
            "notice": complaint.notice.pk,
            "award_cancelled": cancelled.pk if cancelled is not None else None,
            "evaluation": evaluation.pk if evaluation is not None else None,
            "round": evaluation.round if evaluation is not None else None,
            "lot_status": lot.status,
        },
    )
    return complaint


# --- Sweeps --------------------------------------------------------------------------------------


@transaction.atomic
def flag_overdue_answers(on: datetime.date | None = None) -> int:
    """Challenges whose answer is past due are flagged once: the regulators of the region, the
    purchaser's staff and the challenger are told, the chain records it. Rows another run is
    flagging are skipped; a flagged challenge is never flagged again."""
    on = on or selectors.today()
    challenges = list(
        selectors.overdue_answers(on)
        .select_related("lot__project__purchaser", "supplier")
        .select_for_update(of=("self",), skip_locked=True)
    )
    now = timezone.now()
    flagged = []
    for challenge in challenges:
        if not Challenge.objects.filter(pk=challenge.pk, overdue_flagged_at__isnull=True).update(
            overdue_flagged_at=now, updated_at=now
        ):
            continue
        flagged.append(challenge)
        lot = challenge.lot
        subject = format_lazy(_("Challenge answer overdue: {lot}"), lot=_lot_title(lot))
        body = format_lazy(
            _("The challenge of {supplier} about lot {lot} was to be answered by {due} and is not answered."),
            supplier=_supplier_name(challenge.supplier),
            lot=_lot_title(lot),
            due=challenge.answer_due.isoformat(),
        )
        _notify(regulators_of(lot.project), subject, body, _challenge_link(challenge))
        _notify(
            selectors.purchaser_staff(lot.project)
            + selectors.supplier_representatives(challenge.supplier_id),
            subject,
            body,
            _challenge_link(challenge),
        )
    for challenge in flagged:
        audit.record_event(
            "bidding.challenge_answer_overdue",
            actor=None,
            organisation=challenge.lot.project.purchaser,
            target=challenge,
            data={"lot": challenge.lot_id, "answer_due": challenge.answer_due, "on": on},
        )
    return len(flagged)


@transaction.atomic
def flag_overdue_decisions(on: datetime.date | None = None) -> int:
    """Complaints whose decision is past due are flagged once to the regulators of the region
    (and the complainant is told); the chain records it."""
    on = on or selectors.today()
    complaints = list(
        selectors.overdue_decisions(on)
        .select_related("lot__project__purchaser", "supplier")
        .select_for_update(of=("self",), skip_locked=True)
    )
    now = timezone.now()
    flagged = []
    for complaint in complaints:
        if not Complaint.objects.filter(pk=complaint.pk, overdue_flagged_at__isnull=True).update(
            overdue_flagged_at=now, updated_at=now
        ):
            continue
        flagged.append(complaint)
        lot = complaint.lot
        subject = format_lazy(_("Complaint decision overdue: {lot}"), lot=_lot_title(lot))
        body = format_lazy(
            _("The complaint of {supplier} about lot {lot} was to be decided by {due} and is not decided."),
            supplier=_supplier_name(complaint.supplier),
            lot=_lot_title(lot),
            due=complaint.decision_due.isoformat(),
        )
        _notify(regulators_of(lot.project), subject, body, _complaint_link(complaint))
        _notify(
            selectors.supplier_representatives(complaint.supplier_id),
            subject,
            body,
            _complaint_link(complaint),
        )
    for complaint in flagged:
        audit.record_event(
            "bidding.complaint_decision_overdue",
            actor=None,
            organisation=complaint.lot.project.purchaser,
            target=complaint,
            data={"lot": complaint.lot_id, "decision_due": complaint.decision_due, "on": on},
        )
    return len(flagged)


@transaction.atomic
def start_contracting(on: datetime.date | None = None) -> int:
    """Awarded lots whose result notice can no longer be challenged (the last day to challenge it
    has passed) and which nothing blocks (selectors.signing_blocked) move to contracting. Safe to
    run twice: a lot moved is no longer awarded; a blocked lot waits for the next run."""
    on = on or selectors.today()
    lots = list(
        selectors.awarded_lots()
        .select_related("project__purchaser")
        .select_for_update(of=("self",), skip_locked=True)
    )
    moved = []
    for lot in lots:
        award = (
            Award.objects.select_related("result_notice")
            .filter(lot=lot, status=Award.Status.CONFIRMED)
            .order_by("-pk")
            .first()
        )
        window_end = (
            selectors.contracting_window_end(award, rules_on=selectors.rules_date(lot)) if award else None
        )
        if window_end is None or on <= window_end or selectors.signing_blocked(lot, on=on):
            continue
        if not Lot.objects.filter(pk=lot.pk, status=Lot.Status.AWARDED).update(
            status=Lot.Status.CONTRACTING, updated_at=timezone.now()
        ):
            continue
        moved.append((lot, award, window_end))
    for lot, award, window_end in moved:
        audit.record_event(
            "bidding.contracting_started",
            actor=None,
            organisation=lot.project.purchaser,
            target=lot,
            data={"lot": lot.pk, "award": award.pk, "challenge_window_ended": window_end, "on": on},
        )
    return len(moved)
