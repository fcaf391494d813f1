"""Every write of a contract (政府采购合同): drafting it from the award, completing the draft,
the parties' signatures (second factor, digital signature of the PDF), publishing the contract
notice, the sweeps of the signing and disclosure limits, and supplementary agreements (补充合同).

Each public service is one transaction in the house order: lock, check the policy and the
transition table (models.CONTRACT_TRANSITIONS), change, save(update_fields), audit last; e-mails
go out after commit (accounts.services.notify).

Law (rulebook, DESIGN §4): the contract is signed within contract.signing_days of the award notice
(GPL art. 46; warned contract.signing_warning_days before), published within
contract.notice_working_days working days of signing (Regulations art. 50); the performance bond
is at most performance_bond.max_percent of the amount (Regulations art. 48); an SME is paid within
payment.sme_days of acceptance; all supplementary agreements together stay within
supplementary_contract.max_percent of the amount (GPL art. 49).
"""

import datetime
import hashlib
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Max, Sum
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import User
from accounts.services import notify
from audit import services as audit
from bidding import bonds
from bidding.award.selectors import purchaser_staff, supplier_representatives
from bidding.challenges.selectors import signing_blocked
from credit import services as credit_services
from procurement import services as procurement_services
from procurement.models import Lot, Notice, TenderDocument
from procurement.selectors import regulators_of
from procurement.templating import yuan
from rulebook.selectors import add_working_days, rule_int, rule_value

from . import documents, policies, selectors, signing
from .exceptions import (
    AlreadySigned,
    ContractLotNotFound,
    ContractNotEditable,
    ContractTransitionRefused,
    FixedByAward,
    InvalidContractInput,
    InvalidSigningCode,
    LotNotReadyForContract,
    NotContractParty,
    SecondFactorNotSetUp,
    SigningBlocked,
    SupplementOverCap,
)
from .models import Contract, Party, Signature, SupplementaryAgreement, can_transition_contract
from .performance.models import Milestone

CENT = Decimal("0.01")
# The default milestone's due date, counted from the signing limit: a placeholder the purchaser
# sets to the delivery period of the tender before signing.
DEFAULT_DELIVERY_DAYS = 60

# The fields the award fixes (copied when the draft is made, never editable) and those the
# purchaser completes while the contract is an unsigned draft.
FIXED_FIELDS = frozenset(
    {
        "lot",
        "award",
        "purchaser",
        "supplier",
        "reference",
        "title_zh",
        "title_en",
        "amount",
        "subject",
        "delivery_place",
        "delivery_period",
        "contract_terms",
        "tender_document",
        "supplier_is_sme",
        "award_notice_on",
        "signing_due",
    }
)
TEXT_FIELDS = {
    "payment_terms": 8000,
    "special_terms": 20000,
    "purchaser_contact": 100,
    "purchaser_phone": 40,
    "supplier_contact": 100,
    "supplier_phone": 40,
    "supplier_bank": 200,
    "supplier_account_name": 200,
    "supplier_account_number": 40,
}
EDITABLE_FIELDS = frozenset({*TEXT_FIELDS, "performance_bond_percent", "sme_payment_days", "milestones"})


def _rules_on(contract: Contract) -> datetime.date:
    """The rules of a contract are those in force on the day of its award notice."""
    return contract.award_notice_on


def _lot_title(lot: Lot) -> str:
    return f"{lot.project.reference} / {lot.number}"


def _transition(contract: Contract, target: str) -> None:
    if not can_transition_contract(contract.status, target):
        raise ContractTransitionRefused()
    contract.status = target


def _parties_of(contract: Contract) -> list[User]:
    staff = purchaser_staff(contract.lot.project)
    representatives = supplier_representatives([contract.supplier_id]).get(contract.supplier_id, [])
    return list({user.pk: user for user in [*staff, *representatives]}.values())


# --- Drafting -------------------------------------------------------------------------------------


def _reference(lot: Lot) -> str:
    base = f"{lot.project.reference}-{lot.number}-HT"
    taken = set(Contract.objects.filter(reference__startswith=base).values_list("reference", flat=True))
    if base not in taken:
        return base
    counter = 2
    while f"{base}{counter}" in taken:
        counter += 1
    return f"{base}{counter}"


def _default_payment_terms(sme_days: int | None) -> str:
    if sme_days:
        return (
            f"采购人在每一履约阶段验收合格并收到乙方合法发票之日起{sme_days}日内，"
            "将该阶段款项支付至乙方账户。"
        )
    return "采购人在每一履约阶段验收合格并收到乙方合法发票后，按本合同约定将该阶段款项支付至乙方账户。"


def _create_draft(lot: Lot, award, *, actor: User | None) -> Contract:
    from suppliers.models import SupplierProfile

    project = lot.project
    supplier = award.winner.supplier
    profile = SupplierProfile.objects.filter(organisation=supplier).first()
    document = (
        TenderDocument.objects.filter(project=project, status=TenderDocument.Status.PUBLISHED)
        .order_by("-version")
        .first()
    )
    if document is None:
        raise LotNotReadyForContract(_("The project has no published tender documents to draft from."))
    award_notice_on = timezone.localdate(award.confirmed_at)
    is_sme = bool(profile and profile.is_small_or_micro)
    sme_days = rule_int("payment.sme_days", on=award_notice_on) if is_sme else None
    signing_due = award_notice_on + datetime.timedelta(
        days=rule_int("contract.signing_days", on=award_notice_on)
    )
    contract = Contract.objects.create(
        lot=lot,
        award=award,
        purchaser=project.purchaser,
        supplier=supplier,
        reference=_reference(lot),
        title_zh=f"{project.title_zh}第{lot.number}包（{lot.title_zh}）采购合同",
        title_en=f"Contract for {project.title_en or project.title_zh}, lot {lot.number}"
        + (f" ({lot.title_en})" if lot.title_en else ""),
        amount=award.amount,
        subject=lot.quantity_and_specification,
        delivery_place=lot.delivery_place,
        delivery_period=lot.delivery_period,
        contract_terms=(document.sections or {}).get("contract_terms", "") or "",
        tender_document=document,
        supplier_is_sme=is_sme,
        payment_terms=_default_payment_terms(sme_days),
        sme_payment_days=sme_days,
        purchaser_contact=(actor.get_full_name() or actor.username)[:100] if actor is not None else "",
        supplier_contact=profile.contact_name if profile else "",
        supplier_phone=profile.contact_phone if profile else "",
        supplier_bank=profile.bank_name if profile else "",
        supplier_account_name=profile.bank_account_name if profile else "",
        supplier_account_number=profile.bank_account_number if profile else "",
        award_notice_on=award_notice_on,
        signing_due=signing_due,
        created_by=actor,
    )
    Milestone.objects.create(
        contract=contract,
        number=1,
        kind=Milestone.Kind.DELIVERY,
        title="全部交付并验收",
        description=lot.delivery_period,
        due_date=max(signing_due, timezone.localdate()) + datetime.timedelta(days=DEFAULT_DELIVERY_DAYS),
        amount=contract.amount,
    )
    staff = purchaser_staff(project)
    if staff:
        notify(
            staff,
            subject=format_lazy(_("Contract to complete and sign: {lot}"), lot=_lot_title(lot)),
            body=format_lazy(
                _(
                    "The contract of lot {lot} with {supplier} ({amount} CNY) is drafted from the award. "
                    "Complete it and sign it by {due}."
                ),
                lot=_lot_title(lot),
                supplier=supplier.name_zh,
                amount=yuan(contract.amount),
                due=signing_due.isoformat(),
            ),
            link=contract.get_absolute_url(),
        )
    audit.record_event(
        "contracts.contract_drafted",
        actor=actor,
        organisation=project.purchaser if actor is None else None,
        target=contract,
        data={
            "lot": lot.pk,
            "award": award.pk,
            "reference": contract.reference,
            "supplier": supplier.pk,
            "amount": contract.amount,
            "tender_document": document.pk,
            "tender_document_sha256": document.sha256,
            "award_notice_on": award_notice_on,
            "signing_due": signing_due,
        },
    )
    return contract


def _lock_lot(lot_id) -> Lot:
    try:
        lot_id = int(lot_id)
    except (TypeError, ValueError, OverflowError):
        raise ContractLotNotFound() from None
    lot = (
        Lot.objects.select_related("project__purchaser")
        .select_for_update(of=("self",))
        .filter(pk=lot_id)
        .first()
    )
    if lot is None:
        raise ContractLotNotFound()
    return lot


@transaction.atomic
def draft_contract(lot_id, *, actor: User) -> Contract:
    """The purchaser (a clerk or approver) drafts the contract of a lot in contracting from its
    confirmed award and the published tender documents. Safe to repeat: the lot's live contract is
    returned unchanged."""
    lot = _lock_lot(lot_id)
    if not policies.is_purchaser_staff_of_lot(actor, lot):
        raise ContractLotNotFound()
    existing = selectors.live_contract_of(lot.pk)
    if existing is not None:
        return existing
    award = selectors.confirmed_award(lot.pk)
    if lot.status != Lot.Status.CONTRACTING or award is None:
        raise LotNotReadyForContract()
    return _create_draft(lot, award, actor=actor)


@transaction.atomic
def prepare_drafts() -> int:
    """The system drafts the contract of every lot in contracting with a confirmed award and no
    live contract (the beat's contracts.prepare_drafts). Idempotent; lots another run holds are
    skipped."""
    made = 0
    for lot_id in list(selectors.lots_awaiting_contract().values_list("pk", flat=True)):
        lot = (
            Lot.objects.select_related("project__purchaser")
            .select_for_update(of=("self",), skip_locked=True)
            .filter(pk=lot_id, status=Lot.Status.CONTRACTING)
            .first()
        )
        if lot is None or selectors.live_contract_of(lot.pk) is not None:
            continue
        award = selectors.confirmed_award(lot.pk)
        if award is None:
            continue
        try:
            with transaction.atomic():
                _create_draft(lot, award, actor=None)
        except LotNotReadyForContract:
            continue
        made += 1
    return made


# --- Completing the draft -------------------------------------------------------------------------


def _decimal(value, field: str) -> Decimal:
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError, TypeError):
        raise InvalidContractInput(_("Enter a number."), code=f"invalid_{field}") from None
    if not number.is_finite():
        raise InvalidContractInput(_("Enter a number."), code=f"invalid_{field}")
    return number


def _date(value, field: str) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return timezone.localdate(value)
    if isinstance(value, datetime.date):
        return value
    try:
        return datetime.date.fromisoformat(str(value).strip())
    except (TypeError, ValueError):
        raise InvalidContractInput(_("Enter a date (YYYY-MM-DD)."), code=f"invalid_{field}") from None


def _clean_milestones(contract: Contract, raw) -> list[dict]:
    if not isinstance(raw, list | tuple) or not raw:
        raise InvalidContractInput(
            _("The contract needs at least one milestone."), code="milestones_required"
        )
    if len(raw) > 200:
        raise InvalidContractInput(_("At most 200 milestones."), code="too_many_milestones")
    today = timezone.localdate()
    cleaned, total = [], Decimal(0)
    for number, row in enumerate(raw, start=1):
        if not isinstance(row, dict):
            raise InvalidContractInput(_("Each milestone needs a title, a due date and an amount."))
        title = str(row.get("title") or "").strip()[:200]
        if not title:
            raise InvalidContractInput(
                format_lazy(_("Give milestone {number} a title."), number=number), code="milestone_title"
            )
        kind = row.get("kind") or Milestone.Kind.DELIVERY
        if kind not in Milestone.Kind.values:
            raise InvalidContractInput(
                format_lazy(_("Milestone {number}: choose delivery or service period."), number=number),
                code="milestone_kind",
            )
        due_date = _date(row.get("due_date"), "milestone_due_date")
        if due_date < today:
            raise InvalidContractInput(
                format_lazy(_("Milestone {number} is due in the past."), number=number),
                code="milestone_due_date",
            )
        amount = _decimal(row.get("amount"), "milestone_amount")
        if amount <= 0 or amount != amount.quantize(CENT):
            raise InvalidContractInput(
                format_lazy(_("Milestone {number}: enter a positive amount in yuan and fen."), number=number),
                code="milestone_amount",
            )
        total += amount
        cleaned.append(
            {
                "number": number,
                "title": title,
                "kind": kind,
                "description": str(row.get("description") or "").strip()[:4000],
                "due_date": due_date,
                "amount": amount,
            }
        )
    if total != contract.amount:
        raise InvalidContractInput(
            format_lazy(
                _(
                    "The milestones add up to {total} CNY; they must add up to the contract amount, "
                    "{amount} CNY."
                ),
                total=yuan(total),
                amount=yuan(contract.amount),
            ),
            code="milestones_total",
        )
    return cleaned


@transaction.atomic
def save_draft(contract_id, *, actor: User, **fields) -> Contract:
    """The purchaser completes the unsigned draft: payment terms, performance bond (percent, at
    most performance_bond.max_percent; the amount is computed), SME payment days (at most
    payment.sme_days), special terms, contacts, the supplier's account, and the milestones
    (replacing the draft's; their amounts add up to the contract amount, none due in the past).
    A field the award fixes is refused (code fixed_by_award)."""
    contract = selectors.access_contract(actor, contract_id, lock=True)
    if not policies.is_purchaser_staff(actor, contract):
        raise NotContractParty(_("Only the purchaser's clerks and approvers complete the contract."))
    fixed = sorted(set(fields) & FIXED_FIELDS)
    if fixed:
        raise FixedByAward(params={"fields": fixed})
    unknown = sorted(set(fields) - EDITABLE_FIELDS)
    if unknown:
        raise InvalidContractInput(
            format_lazy(_("Unknown contract fields: {fields}."), fields=", ".join(unknown)),
            code="unknown_field",
        )
    if not contract.is_editable:
        raise ContractNotEditable()
    rules_on = _rules_on(contract)
    changed = []
    for name, limit in TEXT_FIELDS.items():
        if name in fields:
            value = str(fields[name] or "").strip()
            if len(value) > limit:
                raise InvalidContractInput(
                    format_lazy(_("Too long: at most {limit} characters."), limit=limit),
                    code=f"too_long_{name}",
                )
            setattr(contract, name, value)
            changed.append(name)
    if "performance_bond_percent" in fields:
        percent = _decimal(fields["performance_bond_percent"] or 0, "performance_bond_percent")
        maximum = rule_value("performance_bond.max_percent", on=rules_on)
        if percent < 0 or percent > maximum:
            raise InvalidContractInput(
                format_lazy(
                    _("The performance bond is at most {maximum} percent of the contract amount."),
                    maximum=f"{maximum:g}",
                ),
                code="performance_bond_over_cap",
            )
        percent = percent.quantize(CENT, rounding=ROUND_HALF_UP)
        contract.performance_bond_percent = percent
        contract.performance_bond_amount = (contract.amount * percent / 100).quantize(
            CENT, rounding=ROUND_HALF_UP
        )
        changed += ["performance_bond_percent", "performance_bond_amount"]
    if "sme_payment_days" in fields:
        raw = fields["sme_payment_days"]
        if raw in (None, ""):
            if contract.supplier_is_sme:
                raise InvalidContractInput(
                    _("The supplier is a small or micro enterprise: give the days to pay after acceptance."),
                    code="sme_payment_days_required",
                )
            days = None
        else:
            try:
                days = int(raw)
            except (TypeError, ValueError):
                raise InvalidContractInput(
                    _("Enter a whole number of days."), code="invalid_sme_payment_days"
                ) from None
            maximum = rule_int("payment.sme_days", on=rules_on)
            if days < 1 or (contract.supplier_is_sme and days > maximum):
                raise InvalidContractInput(
                    format_lazy(
                        _("A small or micro enterprise is paid within {maximum} days of acceptance at most."),
                        maximum=maximum,
                    ),
                    code="sme_payment_days_over_limit",
                )
        contract.sme_payment_days = days
        changed.append("sme_payment_days")
    milestones = None
    if "milestones" in fields:
        milestones = _clean_milestones(contract, fields["milestones"])
        Milestone.objects.filter(contract=contract, supplement__isnull=True).delete()
        Milestone.objects.bulk_create([Milestone(contract=contract, **row) for row in milestones])
    if changed:
        contract.save(update_fields=[*changed, "updated_at"])
    data = {name: getattr(contract, name) for name in changed}
    if milestones is not None:
        data["milestones"] = [
            {"number": m["number"], "title": m["title"], "due_date": m["due_date"], "amount": m["amount"]}
            for m in milestones
        ]
    audit.record_event("contracts.contract_draft_saved", actor=actor, target=contract, data=data)
    return contract


# --- Signing --------------------------------------------------------------------------------------


def _check_code(actor: User, otp_token) -> None:
    """The actor's code from a confirmed TOTP device (a code already used is refused)."""
    devices = list(TOTPDevice.objects.select_for_update().filter(user=actor, confirmed=True).order_by("pk"))
    if not devices:
        raise SecondFactorNotSetUp()
    token = str(otp_token or "").strip()
    if not token.isdigit():
        raise InvalidSigningCode()
    for device in devices:
        if device.verify_token(token):
            return
    raise InvalidSigningCode()


def _check_complete(contract: Contract) -> None:
    total = Milestone.objects.filter(contract=contract, supplement__isnull=True).aggregate(
        total=Sum("amount")
    )["total"]
    if total != contract.amount:
        raise InvalidContractInput(
            _("Complete the milestones first: they must add up to the contract amount."),
            code="milestones_total",
        )
    if contract.supplier_is_sme and not contract.sme_payment_days:
        raise InvalidContractInput(
            _("The supplier is a small or micro enterprise: give the days to pay after acceptance."),
            code="sme_payment_days_required",
        )


def _sign_document(document, *, contract: Contract, supplement, party: str, actor: User, render, reason: str):
    """One party's signature of the contract (supplement None) or of a supplementary agreement
    (`document` is the one or the other): the first signature freezes the rendered PDF
    (draft_sha256), each signs the PDF as it stands with the party's certificate (an incremental
    update), the Signature row is written and the signed PDF stored. Returns the signature, the
    applied signature, the new PDF's SHA-256, whether both parties have now signed, and the
    document's fields changed (to save)."""
    update = ["pdf", "updated_at"]
    if not document.draft_sha256:
        base = render(document)
        document.draft_sha256 = hashlib.sha256(base).hexdigest()
        update.append("draft_sha256")
    else:
        with document.pdf.open("rb") as handle:
            base = handle.read()
    organisation = contract.purchaser if party == Party.PURCHASER else contract.supplier
    applied = signing.sign_pdf(
        base,
        organisation=organisation,
        field_name=party,
        reason=reason,
        location=contract.lot.delivery_place[:100],
    )
    pdf_sha256 = hashlib.sha256(applied.pdf).hexdigest()
    signature = Signature.objects.create(
        contract=contract,
        supplement=supplement,
        party=party,
        organisation=organisation,
        signer=actor,
        signed_at=timezone.now(),
        certificate_serial=applied.certificate_serial,
        certificate_subject=applied.certificate_subject,
        pdf_sha256=pdf_sha256,
    )
    name = f"supplement-{supplement}.pdf" if supplement is not None else f"contract-{contract.reference}.pdf"
    document.pdf.save(name, ContentFile(applied.pdf), save=False)
    both = Signature.objects.filter(contract=contract, supplement=supplement).count() == 2
    return signature, applied, pdf_sha256, both, update


@transaction.atomic
def sign_contract(contract_id, *, actor: User, otp_token) -> Contract:
    """A party signs the contract (the purchaser's clerk or approver, or the supplier's
    representative), confirming with the code of their second factor. The first signature freezes
    the document (draft_sha256) and signs it; the second signs on top (incremental update, both
    signatures valid). When both have signed: the contract is signed, its SHA-256 goes into the
    audit chain, the contract notice is due within contract.notice_working_days working days, the
    winner's bid bond becomes refundable and both parties are told. Refused while a challenge or
    complaint about the lot is open (bidding.challenges.selectors.signing_blocked)."""
    contract = selectors.access_contract(actor, contract_id, lock=True)
    party = policies.signing_party(actor, contract)
    if party is None:
        raise NotContractParty()
    if contract.status != Contract.Status.DRAFT:
        raise ContractTransitionRefused(_("Only a draft contract can be signed."))
    if Signature.objects.filter(contract=contract, supplement__isnull=True, party=party).exists():
        raise AlreadySigned()
    reasons = signing_blocked(contract.lot)
    if reasons:
        raise SigningBlocked(
            format_lazy(
                _("The contract cannot be signed now: {reasons}"),
                reasons=" ".join(str(reason) for reason in reasons),
            )
        )
    _check_complete(contract)
    _check_code(actor, otp_token)

    now = timezone.now()
    today = timezone.localdate(now)
    organisation = contract.purchaser if party == Party.PURCHASER else contract.supplier
    signature, applied, pdf_sha256, both, update = _sign_document(
        contract,
        contract=contract,
        supplement=None,
        party=party,
        actor=actor,
        render=documents.render_contract_pdf,
        reason=f"{'采购人' if party == Party.PURCHASER else '供应商'}签订政府采购合同 {contract.reference}",
    )
    if both:
        _transition(contract, Contract.Status.SIGNED)
        contract.signed_at = now
        contract.sha256 = pdf_sha256
        contract.notice_due = add_working_days(
            today, rule_int("contract.notice_working_days", on=_rules_on(contract))
        )
        update += ["status", "signed_at", "sha256", "notice_due"]
    contract.save(update_fields=update)
    if both:
        bonds.make_refundable(
            contract.lot_id, winner_supplier_id=contract.supplier_id, event=bonds.CONTRACT_SIGNED, on=today
        )
        notify(
            _parties_of(contract),
            subject=format_lazy(_("Contract signed: {reference}"), reference=contract.reference),
            body=format_lazy(
                _(
                    "Both parties have signed contract {reference} ({amount} CNY). The purchaser publishes "
                    "the contract notice by {due}."
                ),
                reference=contract.reference,
                amount=yuan(contract.amount),
                due=contract.notice_due.isoformat(),
            ),
            link=contract.get_absolute_url(),
        )
    else:
        other = (
            supplier_representatives([contract.supplier_id]).get(contract.supplier_id, [])
            if party == Party.PURCHASER
            else purchaser_staff(contract.lot.project)
        )
        if other:
            notify(
                other,
                subject=format_lazy(_("Contract to sign: {reference}"), reference=contract.reference),
                body=format_lazy(
                    _("{organisation} has signed contract {reference}. Sign it by {due}."),
                    organisation=organisation.name_zh,
                    reference=contract.reference,
                    due=contract.signing_due.isoformat(),
                ),
                link=contract.get_absolute_url(),
            )
    audit.record_event(
        "contracts.contract_signature",
        actor=actor,
        target=contract,
        data={
            "party": party,
            "signature": signature.pk,
            "certificate_serial": applied.certificate_serial,
            "draft_sha256": contract.draft_sha256,
            "pdf_sha256": pdf_sha256,
        },
    )
    if both:
        audit.record_event(
            "contracts.contract_signed",
            actor=actor,
            target=contract,
            data={
                "sha256": contract.sha256,
                "draft_sha256": contract.draft_sha256,
                "signed_at": now,
                "notice_due": contract.notice_due,
            },
        )
    return contract


# --- Publication ----------------------------------------------------------------------------------


def _notice_context(contract: Contract, *, redacted: bool) -> dict:
    milestones = list(Milestone.objects.filter(contract=contract, supplement__isnull=True).order_by("number"))
    return {
        "contract": contract,
        "project": contract.lot.project,
        "lot": contract.lot,
        "purchaser": contract.purchaser,
        "supplier": contract.supplier,
        "amount": yuan(contract.amount),
        "amount_capitals": documents.chinese_capital_amount(contract.amount),
        "signed_on": timezone.localdate(contract.signed_at),
        "award_notice_on": contract.award_notice_on,
        "milestones": milestones,
        "redacted": redacted,
    }


@transaction.atomic
def publish_contract(contract_id, *, actor: User) -> Contract:
    """The purchaser publishes the contract notice of a signed contract (with the contract PDF:
    a copy with contact persons, telephones and account numbers masked when
    contract.notice_redacts_personal_data is 1, the signed PDF otherwise); the contract moves to
    performance."""
    contract = selectors.access_contract(actor, contract_id, lock=True)
    if not policies.is_purchaser_staff(actor, contract):
        raise NotContractParty(_("Only the purchaser's clerks and approvers publish the contract."))
    if contract.status != Contract.Status.SIGNED or contract.notice_id:
        raise ContractTransitionRefused(_("Only a signed contract not yet published can be published."))
    _transition(contract, Contract.Status.IN_PERFORMANCE)
    redacted = rule_int("contract.notice_redacts_personal_data", on=_rules_on(contract)) == 1
    if redacted:
        pdf = documents.render_contract_pdf(contract, redacted=True)
    else:
        with contract.pdf.open("rb") as handle:
            pdf = handle.read()
    lot = contract.lot
    notice = procurement_services.publish_notice(
        lot.project,
        Notice.Kind.CONTRACT,
        "contracts/notices/contract.txt",
        _notice_context(contract, redacted=redacted),
        lot=lot,
        attachment=(f"contract-{contract.reference}.pdf", pdf),
    )
    contract.notice = notice
    contract.save(update_fields=["status", "notice", "updated_at"])
    audit.record_event(
        "contracts.contract_published",
        actor=actor,
        target=contract,
        data={
            "notice": notice.pk,
            "attachment_sha256": notice.attachment_sha256,
            "sha256": contract.sha256,
            "redacted": redacted,
            "notice_due": contract.notice_due,
            "late": bool(contract.notice_due and timezone.localdate() > contract.notice_due),
        },
    )
    return contract


# --- Sweeps ---------------------------------------------------------------------------------------


@transaction.atomic
def sweep_signing_limits(on: datetime.date | None = None) -> dict:
    """Drafts within contract.signing_warning_days of their signing limit: both parties warned
    once (signing_warned_at). Drafts past the limit: the regulators of the purchaser's region told
    once (signing_escalated_at) and a credit event purchaser.late_contract_signing recorded.
    Contracts another run holds are skipped; safe to repeat."""
    on = on or timezone.localdate()
    now = timezone.now()
    warned, escalated = [], []
    for contract in (
        selectors.drafts_due_for_warning()
        .filter(signing_due__gte=on)
        .select_for_update(of=("self",), skip_locked=True)
    ):
        days = rule_int("contract.signing_warning_days", on=_rules_on(contract))
        if contract.signing_due - datetime.timedelta(days=days) > on:
            continue
        if not Contract.objects.filter(
            pk=contract.pk, status=Contract.Status.DRAFT, signing_warned_at__isnull=True
        ).update(signing_warned_at=now, updated_at=now):
            continue
        recipients = _parties_of(contract)
        if recipients:
            notify(
                recipients,
                subject=format_lazy(
                    _("Contract to be signed by {due}: {reference}"),
                    due=contract.signing_due.isoformat(),
                    reference=contract.reference,
                ),
                body=format_lazy(
                    _(
                        "Contract {reference} of lot {lot} must be signed by both parties by {due} (the "
                        "rulebook's limit after the award notice). Unsigned past that day, it is reported "
                        "to the regulator."
                    ),
                    reference=contract.reference,
                    lot=_lot_title(contract.lot),
                    due=contract.signing_due.isoformat(),
                ),
                link=contract.get_absolute_url(),
            )
        warned.append(contract)
    for contract in selectors.drafts_overdue(on).select_for_update(of=("self",), skip_locked=True):
        if not Contract.objects.filter(
            pk=contract.pk, status=Contract.Status.DRAFT, signing_escalated_at__isnull=True
        ).update(signing_escalated_at=now, updated_at=now):
            continue
        contract.signing_escalated_at = now
        regulators = regulators_of(contract.lot.project)
        if regulators:
            notify(
                regulators,
                subject=format_lazy(_("Contract signing overdue: {reference}"), reference=contract.reference),
                body=format_lazy(
                    _(
                        "{purchaser} and {supplier} were to sign contract {reference} of lot {lot} by {due} "
                        "and have not."
                    ),
                    purchaser=contract.purchaser.name_zh,
                    supplier=contract.supplier.name_zh,
                    reference=contract.reference,
                    lot=_lot_title(contract.lot),
                    due=contract.signing_due.isoformat(),
                ),
                link=contract.get_absolute_url(),
            )
        credit_services.record_event(
            contract.purchaser,
            "purchaser.late_contract_signing",
            evidence=contract,
            actor=None,
            occurred_on=on,
        )
        escalated.append(contract)
    for contract in warned:
        audit.record_event(
            "contracts.signing_warned",
            actor=None,
            organisation=contract.purchaser,
            target=contract,
            data={"signing_due": contract.signing_due, "on": on},
        )
    for contract in escalated:
        audit.record_event(
            "contracts.signing_escalated",
            actor=None,
            organisation=contract.purchaser,
            target=contract,
            data={"signing_due": contract.signing_due, "on": on},
        )
    return {"warned": len(warned), "escalated": len(escalated)}


@transaction.atomic
def flag_late_contract_notices(on: datetime.date | None = None) -> int:
    """Signed contracts whose notice is not published after notice_due: the regulators told once
    (disclosure_escalated_at) and a credit event purchaser.late_contract_disclosure recorded."""
    on = on or timezone.localdate()
    now = timezone.now()
    flagged = []
    for contract in selectors.notices_overdue(on).select_for_update(of=("self",), skip_locked=True):
        if not Contract.objects.filter(
            pk=contract.pk, status=Contract.Status.SIGNED, disclosure_escalated_at__isnull=True
        ).update(disclosure_escalated_at=now, updated_at=now):
            continue
        contract.disclosure_escalated_at = now
        regulators = regulators_of(contract.lot.project)
        if regulators:
            notify(
                regulators,
                subject=format_lazy(_("Contract notice overdue: {reference}"), reference=contract.reference),
                body=format_lazy(
                    _("{purchaser} was to publish the notice of contract {reference} by {due} and has not."),
                    purchaser=contract.purchaser.name_zh,
                    reference=contract.reference,
                    due=contract.notice_due.isoformat(),
                ),
                link=contract.get_absolute_url(),
            )
        credit_services.record_event(
            contract.purchaser,
            "purchaser.late_contract_disclosure",
            evidence=contract,
            actor=None,
            occurred_on=on,
        )
        flagged.append(contract)
    for contract in flagged:
        audit.record_event(
            "contracts.disclosure_escalated",
            actor=None,
            organisation=contract.purchaser,
            target=contract,
            data={"notice_due": contract.notice_due, "on": on},
        )
    return len(flagged)


# --- Supplementary agreements ---------------------------------------------------------------------


def supplement_headroom(contract: Contract, *, exclude_pk=None) -> tuple[Decimal, Decimal]:
    """(the cap of all supplementary amounts, what remains of it)."""
    cap = (
        contract.amount * rule_value("supplementary_contract.max_percent", on=_rules_on(contract)) / 100
    ).quantize(CENT, rounding=ROUND_HALF_UP)
    used = SupplementaryAgreement.objects.filter(contract=contract).exclude(pk=exclude_pk).aggregate(
        total=Sum("amount")
    )["total"] or Decimal(0)
    return cap, max(cap - used, Decimal(0))


@transaction.atomic
def draft_supplement(
    contract_id, *, actor: User, amount, subject: str, reason: str, due_date
) -> SupplementaryAgreement:
    """The purchaser drafts a supplementary agreement to a signed contract or one in performance:
    more of the same subject, within the cap (all supplementary amounts together at most
    supplementary_contract.max_percent of the contract amount)."""
    contract = selectors.access_contract(actor, contract_id, lock=True)
    if not policies.is_purchaser_staff(actor, contract):
        raise NotContractParty(_("Only the purchaser's clerks and approvers draft supplementary agreements."))
    if contract.status not in policies.SUPPLEMENT_STATUSES:
        raise ContractTransitionRefused(
            _("A supplementary agreement is made to a signed contract that is still being performed.")
        )
    value = _decimal(amount, "amount")
    if value <= 0 or value != value.quantize(CENT):
        raise InvalidContractInput(_("Enter a positive amount in yuan and fen."), code="invalid_amount")
    subject = str(subject or "").strip()[:8000]
    reason = str(reason or "").strip()[:8000]
    if not subject:
        raise InvalidContractInput(
            _("Say what is added (the same subject as the contract)."), code="subject_required"
        )
    if not reason:
        raise InvalidContractInput(_("Give the reason the addition is needed."), code="reason_required")
    due = _date(due_date, "due_date")
    if due < timezone.localdate():
        raise InvalidContractInput(_("The due date is in the past."), code="due_date_past")
    cap, headroom = supplement_headroom(contract)
    if value > headroom:
        raise SupplementOverCap(
            format_lazy(
                _(
                    "Over the cap: all supplementary agreements together may add at most {cap} CNY "
                    "({percent} percent of the contract amount); {headroom} CNY remain."
                ),
                cap=yuan(cap),
                percent=f"{rule_value('supplementary_contract.max_percent', on=_rules_on(contract)):g}",
                headroom=yuan(headroom),
            ),
            params={"headroom": str(headroom)},
        )
    number = (
        SupplementaryAgreement.objects.filter(contract=contract).aggregate(n=Max("number"))["n"] or 0
    ) + 1
    supplement = SupplementaryAgreement.objects.create(
        contract=contract,
        number=number,
        amount=value,
        subject=subject,
        reason=reason,
        due_date=due,
        created_by=actor,
    )
    audit.record_event(
        "contracts.supplement_drafted",
        actor=actor,
        target=supplement,
        data={
            "contract": contract.pk,
            "number": number,
            "amount": value,
            "due_date": due,
            "headroom": headroom - value,
        },
    )
    return supplement


@transaction.atomic
def sign_supplement(supplement_id, *, actor: User, otp_token) -> SupplementaryAgreement:
    """A party signs a supplementary agreement like the contract. The second signature makes it
    signed: a milestone is added for its delivery (its amount and due date, to be accepted and
    paid) and its notice is published with the signed PDF."""
    supplement = selectors.access_supplement(actor, supplement_id, lock=True)
    contract = selectors.lock_contract(supplement.contract_id)
    supplement.contract = contract
    party = policies.signing_party(actor, contract)
    if party is None:
        raise NotContractParty()
    if supplement.status != SupplementaryAgreement.Status.DRAFT:
        raise ContractTransitionRefused(_("The supplementary agreement is already signed."))
    if contract.status not in policies.SUPPLEMENT_STATUSES:
        raise ContractTransitionRefused(
            _("A supplementary agreement is made to a signed contract that is still being performed.")
        )
    if Signature.objects.filter(contract=contract, supplement=supplement, party=party).exists():
        raise AlreadySigned()
    _check_code(actor, otp_token)
    now = timezone.now()
    signature, applied, pdf_sha256, both, update = _sign_document(
        supplement,
        contract=contract,
        supplement=supplement,
        party=party,
        actor=actor,
        render=documents.render_supplement_pdf,
        reason=f"签订补充合同 {supplement}",
    )
    milestone = None
    if both:
        supplement.status = SupplementaryAgreement.Status.SIGNED
        supplement.signed_at = now
        supplement.sha256 = pdf_sha256
        number = (Milestone.objects.filter(contract=contract).aggregate(n=Max("number"))["n"] or 0) + 1
        milestone = Milestone.objects.create(
            contract=contract,
            supplement=supplement,
            number=number,
            kind=Milestone.Kind.DELIVERY,
            title=f"补充合同{supplement.number}交付",
            description=supplement.subject[:4000],
            due_date=supplement.due_date or timezone.localdate(now),
            amount=supplement.amount,
        )
        lot = contract.lot
        supplement.notice = procurement_services.publish_notice(
            lot.project,
            Notice.Kind.SUPPLEMENT,
            "contracts/notices/supplement.txt",
            {
                "supplement": supplement,
                "contract": contract,
                "project": lot.project,
                "lot": lot,
                "amount": yuan(supplement.amount),
                "contract_amount": yuan(contract.amount),
                "signed_on": timezone.localdate(now),
                "sha256": pdf_sha256,
            },
            lot=lot,
            attachment=(f"supplement-{supplement}.pdf", applied.pdf),
        )
        update += ["status", "signed_at", "sha256", "notice"]
    supplement.save(update_fields=update)
    if both:
        notify(
            _parties_of(contract),
            subject=format_lazy(_("Supplementary agreement signed: {reference}"), reference=str(supplement)),
            body=format_lazy(
                _(
                    "Both parties have signed supplementary agreement {reference} ({amount} CNY); it is "
                    "published."
                ),
                reference=str(supplement),
                amount=yuan(supplement.amount),
            ),
            link=contract.get_absolute_url(),
        )
    audit.record_event(
        "contracts.supplement_signature",
        actor=actor,
        target=supplement,
        data={
            "contract": contract.pk,
            "party": party,
            "signature": signature.pk,
            "certificate_serial": applied.certificate_serial,
            "draft_sha256": supplement.draft_sha256,
            "pdf_sha256": pdf_sha256,
        },
    )
    if both:
        audit.record_event(
            "contracts.supplement_signed",
            actor=actor,
            target=supplement,
            data={
                "contract": contract.pk,
                "sha256": supplement.sha256,
                "milestone": milestone.pk,
                "notice": supplement.notice_id,
                "amount": supplement.amount,
            },
        )
    return supplement


__all__ = [
    "draft_contract",
    "draft_supplement",
    "flag_late_contract_notices",
    "prepare_drafts",
    "publish_contract",
    "save_draft",
    "sign_contract",
    "sign_supplement",
    "supplement_headroom",
    "sweep_signing_limits",
]
