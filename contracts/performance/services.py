"""Every write of a contract's performance: the supplier's delivery reports, the purchaser's
acceptance (履约验收) with its published result, payment applications (支付申请) and their
decisions and payments, the sweep that flags late payments to small and micro suppliers, and
breaches (违约) recorded with evidence, published and turned into credit events.

Each public service is one transaction in the house order: the contract row locked first (then the
milestone or the application: always contract before its rows, so two services cannot deadlock),
the policy and the transition tables (Milestone: MILESTONE_TRANSITIONS, payment:
PAYMENT_TRANSITIONS, contract: contracts.models.can_transition_contract), the change,
save(update_fields), the audit event last, then notifications (accounts.services.notify e-mails
after commit).

Law (DESIGN §2, §3; GPL art. 41 and Regulations art. 45 on acceptance; the SME Payment
Regulations art. 8 on paying small and micro enterprises within payment.sme_days days of
acceptance): the acceptance result, a breach and a termination are published when recorded;
each breach produces a credit event of the supplier through credit.services.record_event.
"""

import datetime
import hashlib
from decimal import Decimal, InvalidOperation

from django.contrib.contenttypes.models import ContentType
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import notify
from audit import services as audit
from common.exceptions import InvalidInput
from common.uploads import check_upload
from contracts.exceptions import ContractNotFound
from contracts.models import Contract, Party, Signature, can_transition_contract
from contracts.selectors import access_contract
from credit import services as credit
from credit.models import CreditEvent
from procurement.models import Notice
from procurement.selectors import regulators_of
from procurement.services import publish_notice
from procurement.templating import yuan
from rulebook.selectors import rule_int

from . import documents, policies, selectors
from .exceptions import (
    AlreadyAccepted,
    DeliveryNoteRequired,
    InvalidAcceptance,
    InvalidBreach,
    InvalidPayment,
    MilestoneNotFound,
    NotPurchaserStaff,
    NotSupplierRepresentative,
    PaymentAboveAvailable,
    PaymentApplicationNotFound,
    PerformanceStateRefused,
    ReasonRequired,
)
from .models import (
    Acceptance,
    Breach,
    Milestone,
    PaymentApplication,
    can_transition_milestone,
    can_transition_payment,
)

PDF_TYPES = {".pdf": frozenset({"application/pdf"})}
TEXT_LIMIT = 20000
# The acceptance team (验收小组): GPL art. 41 has the acceptance members (验收方成员) sign the
# report, and MOF notice Caiku [2016] 205 asks for a team; no rule fixes its size, so the platform
# asks for two people at least (one person is no team and cannot check the other). Not a rulebook
# row because no law or policy sets the number; change it here with a reason.
MIN_TEAM = 2
MAX_TEAM = 30
MAX_CHECKS = 200
CHECK_CATEGORIES = documents.CATEGORIES

ACCEPTANCE_TEMPLATE = "contracts/performance/notices/acceptance.txt"
BREACH_TEMPLATE = "contracts/performance/notices/breach.txt"

BREACH_RULES = {
    Breach.Kind.LATE_DELIVERY: "supplier.late_delivery",
    Breach.Kind.FAILED_ACCEPTANCE: "supplier.failed_acceptance",
    Breach.Kind.REFUSAL_TO_SIGN: "supplier.refused_to_sign",
    Breach.Kind.TERMINATION: "supplier.breach_termination",
}
# Breaches a purchaser records by hand (a failed acceptance is recorded by record_acceptance).
RECORDABLE_KINDS = (Breach.Kind.LATE_DELIVERY, Breach.Kind.REFUSAL_TO_SIGN, Breach.Kind.TERMINATION)
TERMINATING_KINDS = frozenset({Breach.Kind.REFUSAL_TO_SIGN, Breach.Kind.TERMINATION})


# --- Helpers -------------------------------------------------------------------------------------


def _text(value, limit: int = TEXT_LIMIT) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _contract_title(contract: Contract) -> str:
    return contract.reference


def _link(contract: Contract) -> str:
    return f"/contracts/{contract.pk}/performance/"


def _notify(users, subject, body, link) -> None:
    users = list({user.pk: user for user in users}.values())
    if users:
        notify(users, subject=subject, body=body, link=link)


def _lock_contract(actor: User, contract_id) -> Contract:
    """The contract row locked, if the actor may see it (else ContractNotFound, 404)."""
    return access_contract(actor, contract_id, lock=True)


def _lock_milestone(actor: User, milestone_id) -> tuple[Contract, Milestone]:
    pk = selectors._pk(milestone_id)
    contract_id = (
        Milestone.objects.filter(pk=pk).values_list("contract_id", flat=True).first() if pk else None
    )
    if contract_id is None:
        raise MilestoneNotFound()
    try:
        contract = _lock_contract(actor, contract_id)
    except ContractNotFound as error:
        raise MilestoneNotFound() from error
    milestone = Milestone.objects.select_for_update().get(pk=pk)
    milestone.contract = contract
    return contract, milestone


def _lock_application(actor: User, application_id) -> tuple[Contract, PaymentApplication]:
    pk = selectors._pk(application_id)
    contract_id = (
        PaymentApplication.objects.filter(pk=pk).values_list("contract_id", flat=True).first() if pk else None
    )
    if contract_id is None:
        raise PaymentApplicationNotFound()
    try:
        contract = _lock_contract(actor, contract_id)
    except ContractNotFound as error:
        raise PaymentApplicationNotFound() from error
    application = (
        PaymentApplication.objects.select_related("milestone").select_for_update(of=("self",)).get(pk=pk)
    )
    application.contract = contract
    return contract, application


def _transition_milestone(milestone: Milestone, target: str) -> None:
    if not can_transition_milestone(milestone.status, target):
        raise PerformanceStateRefused(_("The milestone is not in a state that allows this."))
    milestone.status = target


def _transition_payment(application: PaymentApplication, target: str) -> None:
    if not can_transition_payment(application.status, target):
        raise PerformanceStateRefused(_("The payment application is not in a state that allows this."))
    application.status = target


def _transition_contract(contract: Contract, target: str) -> None:
    if not can_transition_contract(contract.status, target):
        raise PerformanceStateRefused()
    contract.status = target


def _evidence_pdf(upload, *, required: bool) -> str:
    """The uploaded PDF's SHA-256 after the upload checks (size, name, sniffed content); "" when
    optional and absent."""
    if upload is None or upload == "":
        if required:
            raise InvalidInput(_("Attach the evidence as a PDF file."), code="evidence_required")
        return ""
    if not isinstance(upload, UploadedFile):
        raise InvalidInput(_("Upload the file as a PDF."), code="file_invalid")
    return check_upload(upload, types=PDF_TYPES)


def _positive_event_recorded(contract: Contract, rule: str) -> bool:
    return CreditEvent.objects.filter(
        rule__code=rule,
        evidence_type=ContentType.objects.get_for_model(Contract),
        evidence_id=str(contract.pk),
    ).exists()


def _clean_record(contract: Contract) -> bool:
    """No milestone delivered late and no breach recorded: the conditions of the positive events."""
    return not contract.milestones.filter(delivered_late=True).exists() and not contract.breaches.exists()


# --- Delivery ------------------------------------------------------------------------------------


@transaction.atomic
def report_delivery(milestone_id, *, actor: User, note: str) -> Milestone:
    """The supplier's representative reports a milestone delivered (pending → delivered) while
    the contract binds the parties; after its due date it is marked delivered late. The
    purchaser's clerks and approvers are told to organise the acceptance."""
    contract, milestone = _lock_milestone(actor, milestone_id)
    if not policies.is_supplier_representative(actor, contract):
        raise NotSupplierRepresentative()
    if contract.status not in policies.DELIVERY_STATUSES:
        raise PerformanceStateRefused()
    note = _text(note)
    if not note:
        raise DeliveryNoteRequired()
    now = timezone.now()
    today = timezone.localdate(now)
    _transition_milestone(milestone, Milestone.Status.DELIVERED)
    milestone.delivered_at = now
    milestone.delivery_note = note
    milestone.delivered_late = today > milestone.due_date
    milestone.save(update_fields=["status", "delivered_at", "delivery_note", "delivered_late", "updated_at"])
    _notify(
        selectors.purchaser_staff(contract),
        subject=format_lazy(
            _("Delivery to accept: contract {contract}, milestone {number}"),
            contract=_contract_title(contract),
            number=milestone.number,
        ),
        body=format_lazy(
            _("{supplier} reports milestone {number} ({title}) delivered. Organise its acceptance."),
            supplier=contract.supplier.name,
            number=milestone.number,
            title=milestone.title,
        ),
        link=f"/contracts/milestones/{milestone.pk}/acceptance/",
    )
    audit.record_event(
        "contracts.delivery_reported",
        actor=actor,
        target=milestone,
        data={
            "contract": contract.pk,
            "number": milestone.number,
            "due_date": milestone.due_date,
            "late": milestone.delivered_late,
            "note": note,
        },
    )
    return milestone


# --- Acceptance ----------------------------------------------------------------------------------


def _clean_team(team) -> list[dict]:
    if not isinstance(team, list | tuple):
        raise InvalidAcceptance(_("List the acceptance team: a name and a role for each member."))
    members = []
    for raw in team:
        if not isinstance(raw, dict):
            raise InvalidAcceptance(_("List the acceptance team: a name and a role for each member."))
        name, role = _text(raw.get("name"), 100), _text(raw.get("role"), 100)
        if not name and not role:
            continue
        if not name or not role:
            raise InvalidAcceptance(_("Give every member of the acceptance team a name and a role."))
        members.append({"name": name, "role": role})
    if len(members) < MIN_TEAM:
        raise InvalidAcceptance(
            format_lazy(_("The acceptance team needs at least {count} members."), count=MIN_TEAM),
            code="team_too_small",
        )
    if len(members) > MAX_TEAM:
        raise InvalidAcceptance(
            format_lazy(_("The acceptance team has at most {count} members."), count=MAX_TEAM)
        )
    return members


def _clean_checks(checks) -> list[dict]:
    if not isinstance(checks, list | tuple) or len(checks) > MAX_CHECKS:
        raise InvalidAcceptance(_("List each requirement checked with its category and result."))
    rows = []
    for raw in checks:
        if not isinstance(raw, dict):
            raise InvalidAcceptance(_("List each requirement checked with its category and result."))
        requirement = _text(raw.get("requirement"), 500)
        category = raw.get("category")
        passed = raw.get("passed")
        if not requirement:
            continue
        if category not in CHECK_CATEGORIES or not isinstance(passed, bool):
            raise InvalidAcceptance(
                format_lazy(
                    _("Give requirement “{requirement}” its category and whether it passed."),
                    requirement=requirement,
                )
            )
        rows.append(
            {
                "category": category,
                "requirement": requirement,
                "passed": passed,
                "remark": _text(raw.get("remark"), 2000),
            }
        )
    missing = [c for c in CHECK_CATEGORIES if not any(row["category"] == c for row in rows)]
    if missing:
        raise InvalidAcceptance(
            _("Check at least one technical, one service and one safety requirement."),
            code="checks_missing_category",
        )
    return rows


@transaction.atomic
def record_acceptance(
    milestone_id,
    *,
    actor: User,
    outcome: str,
    team,
    checks,
    remarks: str = "",
    reasons: str = "",
    inspection_report: UploadedFile | None = None,
) -> Acceptance:
    """A clerk or approver of the purchaser records the acceptance of a delivered milestone: the
    team (at least MIN_TEAM members, each with a role), every technical, service and safety
    requirement checked (at least one of each) with pass or fail and a remark, the outcome (passed;
    passed with remarks, which are required; failed, with the reasons) and, for large projects, a
    third-party inspection report (PDF, checked, its SHA-256 kept).

    In the same transaction the result is published (Notice ACCEPTANCE with the acceptance report
    PDF) and the supplier told. Passed: the milestone is accepted; when it is the contract's last,
    the contract is accepted, the performance bond released and, with no late delivery and no
    breach, the supplier's positive credit event recorded. Failed: the milestone is pending again
    (the supplier delivers again) and a failed-acceptance breach is recorded with the report as
    evidence. A milestone is accepted once (also the constraint acceptance_one_pass_per_milestone)."""
    contract, milestone = _lock_milestone(actor, milestone_id)
    if not policies.is_purchaser_staff(actor, contract):
        raise NotPurchaserStaff()
    if milestone.status == Milestone.Status.ACCEPTED:
        raise AlreadyAccepted()
    if contract.status not in policies.DELIVERY_STATUSES:
        raise PerformanceStateRefused()
    if milestone.status != Milestone.Status.DELIVERED:
        raise PerformanceStateRefused(_("The supplier has not reported this milestone delivered."))
    if outcome not in Acceptance.Outcome.values:
        raise InvalidAcceptance(_("Choose the outcome: passed, passed with remarks, or failed."))
    members = _clean_team(team)
    rows = _clean_checks(checks)
    remarks, reasons = _text(remarks), _text(reasons)
    if outcome == Acceptance.Outcome.PASSED and not all(row["passed"] for row in rows):
        raise InvalidAcceptance(
            _("A requirement failed: record the outcome as passed with remarks, or failed."),
            code="outcome_contradicts_checks",
        )
    if outcome == Acceptance.Outcome.PASSED_WITH_REMARKS and not remarks:
        raise InvalidAcceptance(
            _("Write the remarks of an acceptance passed with remarks."), code="remarks_required"
        )
    if outcome == Acceptance.Outcome.FAILED and not reasons:
        raise ReasonRequired(_("Give the reasons the acceptance failed."))
    last = outcome != Acceptance.Outcome.FAILED and not (
        Milestone.objects.filter(contract=contract)
        .exclude(pk=milestone.pk)
        .exclude(status=Milestone.Status.ACCEPTED)
        .exists()
    )
    if last and not can_transition_contract(contract.status, Contract.Status.ACCEPTED):
        raise PerformanceStateRefused(
            _("The contract notice is not published yet: the last milestone is accepted after it.")
        )
    inspection_sha256 = _evidence_pdf(inspection_report, required=False)

    now = timezone.now()
    acceptance = Acceptance(
        milestone=milestone,
        outcome=outcome,
        team=members,
        checks=rows,
        remarks=remarks,
        reasons=reasons if outcome == Acceptance.Outcome.FAILED else "",
        inspection_sha256=inspection_sha256,
        recorded_by=actor,
        recorded_at=now,
    )
    try:
        with transaction.atomic():
            acceptance.save()
    except IntegrityError as error:
        raise AlreadyAccepted() from error
    if inspection_sha256:
        acceptance.inspection_report.save(
            f"inspection-{acceptance.pk}-{inspection_sha256[:16]}.pdf", inspection_report, save=False
        )
    if outcome == Acceptance.Outcome.FAILED:
        _transition_milestone(milestone, Milestone.Status.PENDING)
    else:
        _transition_milestone(milestone, Milestone.Status.ACCEPTED)
        milestone.accepted_at = now
    milestone.save(update_fields=["status", "accepted_at", "updated_at"])

    context = documents.acceptance_context(acceptance)
    pdf = documents.render_acceptance_pdf(context)
    pdf_sha256 = hashlib.sha256(pdf).hexdigest()
    acceptance.notice = publish_notice(
        contract.lot.project,
        Notice.Kind.ACCEPTANCE,
        ACCEPTANCE_TEMPLATE,
        context,
        lot=contract.lot,
        attachment=(f"acceptance-{contract.reference}-{milestone.number}-{acceptance.pk}.pdf", pdf),
    )
    acceptance.save(update_fields=["inspection_report", "notice", "updated_at"])

    breach = None
    if outcome == Acceptance.Outcome.FAILED:
        breach = _record_breach(
            contract,
            actor=actor,
            kind=Breach.Kind.FAILED_ACCEPTANCE,
            description=reasons,
            evidence=(f"acceptance-{acceptance.pk}.pdf", pdf),
            evidence_sha256=pdf_sha256,
            milestone=milestone,
            data={"acceptance": acceptance.pk},
        )
    _notify(
        selectors.supplier_representatives(contract),
        subject=format_lazy(
            _("Acceptance of milestone {number} of contract {contract}: {outcome}"),
            number=milestone.number,
            contract=_contract_title(contract),
            outcome=Acceptance.Outcome(outcome).label,
        ),
        body=(
            format_lazy(_("The acceptance failed: {reasons} Deliver the milestone again."), reasons=reasons)
            if outcome == Acceptance.Outcome.FAILED
            else _("The milestone is accepted: you can apply for its payment.")
        ),
        link=_link(contract),
    )
    audit.record_event(
        "contracts.acceptance_recorded",
        actor=actor,
        target=acceptance,
        data={
            "contract": contract.pk,
            "milestone": milestone.pk,
            "outcome": outcome,
            "team": members,
            "checks": len(rows),
            "failed_checks": sum(1 for row in rows if not row["passed"]),
            "inspection_sha256": inspection_sha256,
            "notice": acceptance.notice_id,
            "report_sha256": pdf_sha256,
            "breach": breach.pk if breach else None,
        },
    )
    if last:
        _accept_contract(contract, actor=actor, now=now)
    return acceptance


def _accept_contract(contract: Contract, *, actor: User, now: datetime.datetime) -> None:
    """Every milestone accepted: the contract is accepted, the performance bond released, and the
    supplier's positive event recorded once per contract when every acceptance passed without
    remarks, no delivery was late and no breach recorded."""
    _transition_contract(contract, Contract.Status.ACCEPTED)
    contract.accepted_at = now
    update = ["status", "accepted_at", "updated_at"]
    release = contract.performance_bond_amount > 0 and contract.performance_bond_released_at is None
    if release:
        contract.performance_bond_released_at = now
        update.append("performance_bond_released_at")
    contract.save(update_fields=update)
    audit.record_event(
        "contracts.contract_accepted",
        actor=actor,
        target=contract,
        data={"milestones": contract.milestones.count(), "amount": contract.amount},
    )
    representatives = selectors.supplier_representatives(contract)
    if release:
        audit.record_event(
            "contracts.performance_bond_released",
            actor=actor,
            target=contract,
            data={"amount": contract.performance_bond_amount},
        )
        _notify(
            representatives,
            subject=format_lazy(
                _("Performance bond released: contract {contract}"), contract=_contract_title(contract)
            ),
            body=format_lazy(
                _("Every milestone is accepted. Your performance bond of {amount} CNY is released."),
                amount=yuan(contract.performance_bond_amount),
            ),
            link=_link(contract),
        )
    without_remarks = (
        not Acceptance.objects.filter(milestone__contract=contract)
        .exclude(outcome=Acceptance.Outcome.PASSED)
        .exists()
    )
    rule = "supplier.acceptance_without_remarks"
    if without_remarks and _clean_record(contract) and not _positive_event_recorded(contract, rule):
        credit.record_event(contract.supplier, rule, evidence=contract, actor=actor)


# --- Payment -------------------------------------------------------------------------------------


def _amount(value, *, error: str) -> Decimal:
    try:
        amount = Decimal(str(value).strip().replace(",", "")) if value is not None else None
    except (InvalidOperation, ValueError):
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0 or amount != amount.quantize(Decimal("0.01")):
        raise InvalidPayment(error, code="amount_invalid")
    if amount >= Decimal("1e16"):
        raise InvalidPayment(error, code="amount_invalid")
    return amount


def _pay_by(contract: Contract, milestone: Milestone) -> datetime.date | None:
    """The last day to pay a small or micro supplier: the acceptance date plus the contract's days
    (else the rulebook's payment.sme_days)."""
    if not contract.supplier_is_sme or milestone.accepted_at is None:
        return None
    accepted_on = timezone.localdate(milestone.accepted_at)
    days = contract.sme_payment_days or rule_int("payment.sme_days", on=accepted_on)
    return accepted_on + datetime.timedelta(days=days)


@transaction.atomic
def apply_for_payment(
    contract_id, *, actor: User, milestone_id, amount, invoice_number: str, note: str = ""
) -> PaymentApplication:
    """The supplier's representative applies for payment against an accepted milestone, for at
    most what is still unpaid of it (its amount less the applications open or paid, paid ones at
    the amount paid). The contract row is locked, so a double submission cannot apply twice for
    the same money. For a small or micro supplier the application carries its last day to pay.
    The purchaser's clerks and approvers are told."""
    contract = _lock_contract(actor, contract_id)
    if not policies.is_supplier_representative(actor, contract):
        raise NotSupplierRepresentative()
    if contract.status not in policies.PAYABLE_STATUSES:
        raise PerformanceStateRefused()
    pk = selectors._pk(milestone_id)
    milestone = Milestone.objects.filter(pk=pk, contract=contract).first() if pk else None
    if milestone is None:
        raise MilestoneNotFound()
    if milestone.status != Milestone.Status.ACCEPTED:
        raise PerformanceStateRefused(_("Payment is applied for against an accepted milestone only."))
    amount = _amount(amount, error=_("Give the amount applied for in CNY, above zero."))
    invoice_number = _text(invoice_number, 40)
    if not invoice_number:
        raise InvalidPayment(_("Give the invoice number."), code="invoice_required")
    available = selectors.available_for(milestone, selectors.committed_by_milestone(contract))
    if amount > available:
        raise PaymentAboveAvailable(
            format_lazy(
                _(
                    "A payment application above the unpaid accepted amount: {available} CNY of milestone "
                    "{number} can still be applied for."
                ),
                available=yuan(available),
                number=milestone.number,
            )
        )
    application = PaymentApplication.objects.create(
        contract=contract,
        milestone=milestone,
        amount=amount,
        invoice_number=invoice_number,
        note=_text(note),
        applied_by=actor,
        pay_by=_pay_by(contract, milestone),
    )
    _notify(
        selectors.purchaser_staff(contract),
        subject=format_lazy(
            _("Payment application: contract {contract}"), contract=_contract_title(contract)
        ),
        body=format_lazy(
            _("{supplier} applies for {amount} CNY for milestone {number} (invoice {invoice})."),
            supplier=contract.supplier.name,
            amount=yuan(amount),
            number=milestone.number,
            invoice=invoice_number,
        ),
        link=_link(contract),
    )
    audit.record_event(
        "contracts.payment_applied",
        actor=actor,
        target=application,
        data={
            "contract": contract.pk,
            "milestone": milestone.pk,
            "amount": amount,
            "invoice_number": invoice_number,
            "pay_by": application.pay_by,
            "available_before": available,
        },
    )
    return application


def _decide(application_id, actor: User, target: str) -> tuple[Contract, PaymentApplication]:
    contract, application = _lock_application(actor, application_id)
    if not policies.is_purchaser_staff(actor, contract):
        raise NotPurchaserStaff()
    _transition_payment(application, target)
    return contract, application


@transaction.atomic
def approve_payment(application_id, *, actor: User) -> PaymentApplication:
    """A clerk or approver of the purchaser approves a submitted application; the supplier is told."""
    contract, application = _decide(application_id, actor, PaymentApplication.Status.APPROVED)
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save(update_fields=["status", "decided_by", "decided_at", "updated_at"])
    _notify(
        selectors.supplier_representatives(contract),
        subject=format_lazy(
            _("Payment application approved: contract {contract}"), contract=_contract_title(contract)
        ),
        body=format_lazy(
            _("Your application for {amount} CNY (invoice {invoice}) is approved for payment."),
            amount=yuan(application.amount),
            invoice=application.invoice_number,
        ),
        link=_link(contract),
    )
    audit.record_event(
        "contracts.payment_approved",
        actor=actor,
        target=application,
        data={"contract": contract.pk, "amount": application.amount},
    )
    return application


@transaction.atomic
def reject_payment(application_id, *, actor: User, reason: str) -> PaymentApplication:
    """A clerk or approver of the purchaser rejects a submitted application with the reason; the
    amount becomes available to apply for again and the supplier is told."""
    contract, application = _decide(application_id, actor, PaymentApplication.Status.REJECTED)
    reason = _text(reason)
    if not reason:
        raise ReasonRequired(_("Give the reason the payment application is rejected."))
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.rejection_reason = reason
    application.save(update_fields=["status", "decided_by", "decided_at", "rejection_reason", "updated_at"])
    _notify(
        selectors.supplier_representatives(contract),
        subject=format_lazy(
            _("Payment application rejected: contract {contract}"), contract=_contract_title(contract)
        ),
        body=format_lazy(
            _("Your application for {amount} CNY (invoice {invoice}) is rejected: {reason}"),
            amount=yuan(application.amount),
            invoice=application.invoice_number,
            reason=reason,
        ),
        link=_link(contract),
    )
    audit.record_event(
        "contracts.payment_rejected",
        actor=actor,
        target=application,
        data={"contract": contract.pk, "amount": application.amount, "reason": reason},
    )
    return application


def _date(value, *, error) -> datetime.date:
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value.strip())
        except ValueError:
            value = None
    if not isinstance(value, datetime.date):
        raise InvalidPayment(error, code="date_invalid")
    return value


@transaction.atomic
def record_payment(
    application_id, *, actor: User, paid_amount, paid_on, reference: str
) -> PaymentApplication:
    """A clerk or approver of the purchaser records the payment of an approved application (at
    most the amount approved, on a day not in the future, with the bank's reference). A payment to
    a small or micro supplier after its last day is a credit event of the purchaser, once per
    application (not again when the sweep flagged it). When the contract is accepted and its
    amount with the signed supplementary agreements is paid, the contract is closed and, with no
    late delivery and no breach, the supplier's completed-on-time event recorded."""
    contract, application = _lock_application(actor, application_id)
    if not policies.is_purchaser_staff(actor, contract):
        raise NotPurchaserStaff()
    if application.status != PaymentApplication.Status.APPROVED:
        raise PerformanceStateRefused(_("The payment application is not in a state that allows this."))
    paid_amount = _amount(paid_amount, error=_("Give the amount paid in CNY, above zero."))
    if paid_amount > application.amount:
        raise InvalidPayment(
            format_lazy(
                _("The amount paid is above the amount approved ({amount} CNY)."),
                amount=yuan(application.amount),
            ),
            code="paid_above_approved",
        )
    today = timezone.localdate()
    paid_on = _date(paid_on, error=_("Give the day of the payment."))
    if paid_on > today:
        raise InvalidPayment(_("The day of the payment cannot be in the future."), code="date_future")
    reference = _text(reference, 60)
    if not reference:
        raise InvalidPayment(_("Give the payment's bank reference."), code="reference_required")
    now = timezone.now()
    _transition_payment(application, PaymentApplication.Status.PAID)
    application.paid_amount = paid_amount
    application.paid_on = paid_on
    application.payment_reference = reference
    late = application.pay_by is not None and paid_on > application.pay_by
    update = ["status", "paid_amount", "paid_on", "payment_reference", "updated_at"]
    flag = late and application.late_flagged_at is None
    if flag:
        application.late_flagged_at = now
        update.append("late_flagged_at")
    application.save(update_fields=update)
    _notify(
        selectors.supplier_representatives(contract),
        subject=format_lazy(_("Payment made: contract {contract}"), contract=_contract_title(contract)),
        body=format_lazy(
            _("{amount} CNY paid on {day} (reference {reference}) for invoice {invoice}."),
            amount=yuan(paid_amount),
            day=paid_on.isoformat(),
            reference=reference,
            invoice=application.invoice_number,
        ),
        link=_link(contract),
    )
    audit.record_event(
        "contracts.payment_recorded",
        actor=actor,
        target=application,
        data={
            "contract": contract.pk,
            "paid_amount": paid_amount,
            "paid_on": paid_on,
            "reference": reference,
            "pay_by": application.pay_by,
            "late": late,
        },
    )
    if flag:
        credit.record_event(
            contract.purchaser, "purchaser.late_sme_payment", evidence=application, actor=actor
        )
    if contract.status == Contract.Status.ACCEPTED and selectors.paid_total(
        contract
    ) >= selectors.contract_total(contract):
        _close_contract(contract, actor=actor, now=now)
    return application


def _close_contract(contract: Contract, *, actor: User, now: datetime.datetime) -> None:
    _transition_contract(contract, Contract.Status.CLOSED)
    contract.closed_at = now
    contract.save(update_fields=["status", "closed_at", "updated_at"])
    audit.record_event(
        "contracts.contract_closed",
        actor=actor,
        target=contract,
        data={"paid": selectors.paid_total(contract), "total": selectors.contract_total(contract)},
    )
    _notify(
        selectors.supplier_representatives(contract),
        subject=format_lazy(_("Contract {contract} is closed"), contract=_contract_title(contract)),
        body=_("Every milestone is accepted and the contract is fully paid."),
        link=_link(contract),
    )
    rule = "supplier.completed_on_time"
    if _clean_record(contract) and not _positive_event_recorded(contract, rule):
        credit.record_event(contract.supplier, rule, evidence=contract, actor=actor)


# --- The late-payment sweep ----------------------------------------------------------------------


@transaction.atomic
def flag_late_sme_payments(on: datetime.date | None = None) -> int:
    """Applications of small or micro suppliers still unpaid after their last day (pay_by) are
    flagged once: the regulators of the purchaser's region and its clerks and approvers are told,
    and the purchaser gets the late-SME-payment credit event. Rows another run is flagging are
    skipped (skip_locked); a flagged application is never flagged again."""
    on = on or timezone.localdate()
    applications = list(selectors.late_sme_payments(on).select_for_update(of=("self",), skip_locked=True))
    now = timezone.now()
    flagged = []
    for application in applications:
        if not PaymentApplication.objects.filter(
            pk=application.pk,
            status__in=(PaymentApplication.Status.SUBMITTED, PaymentApplication.Status.APPROVED),
            late_flagged_at__isnull=True,
        ).update(late_flagged_at=now, updated_at=now):
            continue
        application.late_flagged_at = now
        flagged.append(application)
        contract = application.contract
        project = contract.lot.project
        _notify(
            [*regulators_of(project), *selectors.purchaser_staff(contract)],
            subject=format_lazy(
                _("Payment to a small or micro supplier overdue: contract {contract}"),
                contract=_contract_title(contract),
            ),
            body=format_lazy(
                _(
                    "{purchaser} was to pay {amount} CNY to {supplier} by {due} (invoice {invoice}) and "
                    "has not."
                ),
                purchaser=contract.purchaser.name,
                amount=yuan(application.amount),
                supplier=contract.supplier.name,
                due=application.pay_by.isoformat(),
                invoice=application.invoice_number,
            ),
            link=_link(contract),
        )
    for application in flagged:
        contract = application.contract
        audit.record_event(
            "contracts.late_sme_payment_flagged",
            actor=None,
            organisation=contract.purchaser,
            target=application,
            data={
                "contract": contract.pk,
                "pay_by": application.pay_by,
                "on": on,
                "amount": application.amount,
            },
        )
        credit.record_event(
            contract.purchaser, "purchaser.late_sme_payment", evidence=application, actor=None
        )
    return len(flagged)


# --- Breaches ------------------------------------------------------------------------------------


def _record_breach(
    contract: Contract,
    *,
    actor: User,
    kind: str,
    description: str,
    evidence,
    evidence_sha256: str,
    milestone: Milestone | None,
    data: dict | None = None,
) -> Breach:
    """Record, publish and credit one breach of the supplier (the contract row locked by the caller)."""
    breach = Breach(
        contract=contract,
        kind=kind,
        responsible=contract.supplier,
        milestone=milestone,
        description=description,
        evidence_sha256=evidence_sha256,
        recorded_by=actor,
    )
    if isinstance(evidence, tuple):
        name, content = evidence
        breach.evidence.save(name, ContentFile(content), save=False)
    else:
        breach.evidence.save(f"breach-{contract.pk}-{evidence_sha256[:16]}.pdf", evidence, save=False)
    breach.save()
    terminated = contract.status == Contract.Status.TERMINATED
    breach.notice = publish_notice(
        contract.lot.project,
        Notice.Kind.BREACH,
        BREACH_TEMPLATE,
        {
            "contract": contract,
            "breach": breach,
            "kind_label": Breach.Kind(kind).label,
            "responsible": contract.supplier,
            "milestone": milestone,
            "description": description,
            "terminated": terminated,
            "evidence_sha256": evidence_sha256,
        },
        lot=contract.lot,
    )
    breach.credit_event = credit.record_event(
        contract.supplier, BREACH_RULES[kind], evidence=breach, actor=actor, description=description[:500]
    )
    breach.save(update_fields=["notice", "credit_event", "updated_at"])
    audit.record_event(
        "contracts.breach_recorded",
        actor=actor,
        target=breach,
        data={
            "contract": contract.pk,
            "kind": kind,
            "responsible": contract.supplier_id,
            "milestone": milestone.pk if milestone else None,
            "evidence_sha256": evidence_sha256,
            "notice": breach.notice_id,
            "credit_event": breach.credit_event_id,
            "terminated": terminated,
            **(data or {}),
        },
    )
    return breach


@transaction.atomic
def record_breach(
    contract_id, *, actor: User, kind: str, description: str, evidence: UploadedFile, milestone_id=None
) -> Breach:
    """A clerk or approver of the purchaser records a breach of the supplier with its evidence
    (PDF, checked, its SHA-256 kept); it is published (Notice BREACH) and produces the supplier's
    credit event:

    - late_delivery: a milestone past its due date not yet delivered, or delivered late (once per
      milestone);
    - refusal_to_sign: the supplier does not sign the draft contract: the contract is terminated;
    - termination: a signed contract is terminated for the supplier's breach.

    A failed acceptance is recorded by record_acceptance itself."""
    contract = _lock_contract(actor, contract_id)
    if not policies.is_purchaser_staff(actor, contract):
        raise NotPurchaserStaff()
    if kind not in RECORDABLE_KINDS:
        raise InvalidBreach(
            _("Choose the kind of breach: late delivery, refusal to sign, or termination."),
            code="kind_invalid",
        )
    description = _text(description)
    if not description:
        raise InvalidBreach(_("Describe what happened."), code="description_required")
    milestone = None
    if kind == Breach.Kind.LATE_DELIVERY:
        if contract.status not in policies.DELIVERY_STATUSES:
            raise PerformanceStateRefused()
        pk = selectors._pk(milestone_id)
        milestone = (
            Milestone.objects.select_for_update().filter(pk=pk, contract=contract).first() if pk else None
        )
        if milestone is None:
            raise InvalidBreach(_("Choose the milestone delivered late."), code="milestone_required")
        today = timezone.localdate()
        overdue = milestone.status == Milestone.Status.PENDING and today > milestone.due_date
        if not (overdue or milestone.delivered_late):
            raise InvalidBreach(
                _("This milestone is not late: it is not past its due date, or it was delivered in time."),
                code="not_late",
            )
        if Breach.objects.filter(contract=contract, milestone=milestone, kind=kind).exists():
            raise PerformanceStateRefused(
                _("The late delivery of this milestone is already recorded."), code="breach_exists"
            )
    elif kind == Breach.Kind.REFUSAL_TO_SIGN:
        if contract.status != Contract.Status.DRAFT:
            raise PerformanceStateRefused(_("A refusal to sign is recorded while the contract is a draft."))
        if Signature.objects.filter(contract=contract, supplement=None, party=Party.SUPPLIER).exists():
            raise PerformanceStateRefused(_("The supplier has signed this contract."))
    elif kind == Breach.Kind.TERMINATION and contract.status not in (
        Contract.Status.SIGNED,
        Contract.Status.IN_PERFORMANCE,
        Contract.Status.ACCEPTED,
    ):
        raise PerformanceStateRefused()
    evidence_sha256 = _evidence_pdf(evidence, required=True)

    now = timezone.now()
    previous = contract.status
    if kind in TERMINATING_KINDS:
        _transition_contract(contract, Contract.Status.TERMINATED)
        contract.terminated_at = now
        contract.termination_reason = description
        contract.save(update_fields=["status", "terminated_at", "termination_reason", "updated_at"])
    breach = _record_breach(
        contract,
        actor=actor,
        kind=kind,
        description=description,
        evidence=evidence,
        evidence_sha256=evidence_sha256,
        milestone=milestone,
    )
    representatives = selectors.supplier_representatives(contract)
    subject = format_lazy(
        _("Breach recorded: contract {contract} ({kind})"),
        contract=_contract_title(contract),
        kind=Breach.Kind(kind).label,
    )
    _notify(representatives, subject=subject, body=description, link=_link(contract))
    if kind in TERMINATING_KINDS:
        _notify(regulators_of(contract.lot.project), subject=subject, body=description, link=_link(contract))
        audit.record_event(
            "contracts.contract_terminated",
            actor=actor,
            target=contract,
            data={"previous": previous, "breach": breach.pk, "kind": kind, "reason": description},
        )
    return breach


__all__ = [
    "apply_for_payment",
    "approve_payment",
    "flag_late_sme_payments",
    "record_acceptance",
    "record_breach",
    "record_payment",
    "reject_payment",
    "report_delivery",
]
