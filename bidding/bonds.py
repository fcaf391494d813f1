"""Every write of bid bonds (投标保证金): requiring, lodging, the agency's verification, refunds,
forfeiture, and the sweep that flags late refunds to the regulator.

Each public service is one transaction, in the house order: lock the row, check the policy and
the transition table (models.BOND_TRANSITIONS), change, save(update_fields), audit last
(audit.services.record_event holds the chain lock until commit), side effects on commit
(accounts.services.notify e-mails after commit).

Law (rulebook, DESIGN §4): a bond is at most bond.max_percent_of_lot_budget per cent of the lot's
budget; it is refunded within bond.refund_working_days working days of the award notice (losers)
or of the contract signing (winner), counted on the Chinese working-day calendar.
"""

import datetime
import re
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.functions import Now
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation, User
from accounts.services import notify
from audit import services as audit
from common.exceptions import Conflict, InvalidInput, PermissionDenied
from common.uploads import check_upload
from procurement import tender_rules
from procurement.models import Lot
from procurement.selectors import regulators_of
from rulebook.selectors import add_working_days, rule_int, rule_value

from . import bond_policies as policies
from . import bond_selectors as selectors
from .bond_selectors import BondLotNotFound, BondNotFound
from .models import Bond, can_transition_bond

PDF_TYPES = {".pdf": frozenset({"application/pdf"})}
GUARANTEE_FORMS = frozenset({Bond.Form.BANK_GUARANTEE, Bond.Form.INSURANCE_GUARANTEE})
ACCOUNT_NUMBER = re.compile(r"^[0-9][0-9 -]{4,38}[0-9]$")

# What makes a bond refundable, and when (make_refundable's `event`).
AWARD_NOTICE = "award_notice"  # the losers' bonds, from the award notice
CONTRACT_SIGNED = "contract_signed"  # the winner's bond, from the contract signing
LOT_FAILED = "lot_failed"  # every bond of a failed lot (流标)
LOT_CANCELLED = "lot_cancelled"  # every bond of a cancelled lot
REFUND_EVENTS = frozenset({AWARD_NOTICE, CONTRACT_SIGNED, LOT_FAILED, LOT_CANCELLED})
# Bonds whose money (or guarantee) the agency holds: these are refunded.
HELD = (Bond.Status.LODGED, Bond.Status.VERIFIED)


# --- Errors --------------------------------------------------------------------------------------


class BondTransitionRefused(Conflict):
    code = "bond_invalid_transition"
    default_message = _("The bid bond is not in a state that allows this.")


class BondAboveCap(InvalidInput):
    code = "bond_above_cap"
    default_message = _("The bid bond is more than the rulebook allows for this lot.")


class NotBondSupplier(PermissionDenied):
    code = "not_bond_supplier"
    default_message = _("Only a representative of a supplier lodges a bid bond.")


class BondsClosed(Conflict):
    code = "bonds_closed"
    default_message = _("The lot no longer takes bid bonds: its bid deadline has passed or it is closed.")


class NoBondRequired(Conflict):
    code = "no_bond_required"
    default_message = _("The tender documents ask no bid bond for this lot.")


class BondInvalid(InvalidInput):
    """One or more fields of a lodged bond are wrong; `errors` maps field -> messages."""

    code = "bond_invalid"
    default_message = _("The bid bond's details are incomplete; see the messages by each field.")

    def __init__(self, errors: dict, message=None):
        self.errors = errors
        first = next(iter(errors.values()))[0] if errors and message is None else message
        super().__init__(first)


class ReasonRequired(InvalidInput):
    code = "reason_required"
    default_message = _("Give the reason.")


class InvalidRefundEvent(InvalidInput):
    code = "invalid_refund_event"
    default_message = _(
        "A bond becomes refundable on the award notice, the contract signing, or a failed or cancelled lot."
    )


# --- Helpers -------------------------------------------------------------------------------------


def bond_cap_of(lot: Lot, *, on: datetime.date) -> Decimal:
    """The lot's cap: the rulebook's percentage (as of `on`) of its budget, rounded down to the fen."""
    return tender_rules.bond_cap(lot.budget, rule_value("bond.max_percent_of_lot_budget", on=on))


def _rules_date(lot: Lot) -> datetime.date:
    return lot.project.rules_date or timezone.localdate()


def _transition(bond: Bond, target: str) -> None:
    if not can_transition_bond(bond.status, target):
        raise BondTransitionRefused()
    bond.status = target


def _text(value, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _notify_supplier(bond: Bond, subject, body="") -> None:
    recipients = selectors.supplier_representatives(bond.supplier_id)
    if recipients:
        notify(recipients, subject=subject, body=body, link=f"/bidding/lots/{bond.lot_id}/bond/")


def _supplier_name(bond: Bond):
    """The supplier's name in the language the message is rendered in (notify renders both)."""
    return lazy(lambda: bond.supplier.name, str)()


def _lot_title(bond: Bond) -> str:
    return f"{bond.lot.project.reference} / {bond.lot.number}"


# --- Requiring and lodging -----------------------------------------------------------------------


@transaction.atomic
def require_bond(lot: Lot, supplier: Organisation, *, actor: User | None = None) -> Bond | None:
    """The supplier's bond for the lot: the existing row, or a new REQUIRED one with the amount of
    the published tender documents (None when they ask none). Refused (400 bond_above_cap) when
    the amount is above the lot's cap, which the database refuses as well."""
    existing = Bond.objects.filter(lot_id=lot.pk, supplier_id=supplier.pk).first()
    if existing is not None:
        return existing
    if supplier.kind != Organisation.Kind.SUPPLIER or not supplier.is_active:
        raise NotBondSupplier()
    lot = Lot.objects.select_related("project").get(pk=lot.pk)
    if not policies.lot_takes_bonds(lot):
        raise BondsClosed()
    amount = selectors.bond_amount_in(selectors.published_document(lot.project), lot)
    if amount <= 0:
        return None
    cap = bond_cap_of(lot, on=_rules_date(lot))
    if amount > cap:
        raise BondAboveCap(
            format_lazy(
                _("The tender documents ask {amount} CNY, more than the lot's cap of {cap} CNY."),
                amount=f"{amount:,.2f}",
                cap=f"{cap:,.2f}",
            )
        )
    bond, created = Bond.objects.get_or_create(
        lot=lot, supplier=supplier, defaults={"amount": amount, "cap": cap}
    )
    if created:
        audit.record_event(
            "bidding.bond_required",
            actor=actor,
            organisation=supplier,
            target=bond,
            data={"lot": lot.pk, "supplier": supplier.pk, "amount": amount, "cap": cap},
        )
    return bond


def _lodging_errors(form, fields: dict, document) -> dict[str, list]:
    errors: dict[str, list] = {}
    if form not in Bond.Form.values:
        errors["form"] = [_("Choose a bank transfer, a bank guarantee or an insurance e-guarantee.")]
        return errors
    if form == Bond.Form.CASH_TRANSFER:
        if not fields["payer_bank"]:
            errors["payer_bank"] = [_("Name the bank the transfer was paid from.")]
        if not fields["payer_account_name"]:
            errors["payer_account_name"] = [_("Give the name of the paying account (your company).")]
        if not ACCOUNT_NUMBER.match(fields["payer_account_number"]):
            errors["payer_account_number"] = [_("Give the paying account's number (digits, 6 to 40).")]
    else:
        if not fields["guarantee_number"]:
            errors["guarantee_number"] = [_("Give the guarantee's number.")]
        if not fields["guarantor"]:
            errors["guarantor"] = [_("Name the bank or insurer that issued the guarantee.")]
        if not isinstance(document, UploadedFile):
            errors["document"] = [_("Upload the guarantee as a PDF.")]
    return errors


@transaction.atomic
def lodge_bond(
    bond_id,
    *,
    actor: User,
    form,
    payer_bank="",
    payer_account_name="",
    payer_account_number="",
    guarantee_number="",
    guarantor="",
    document: UploadedFile | None = None,
) -> Bond:
    """The supplier lodges its bond: a bank transfer (recorded with the paying account) or a bank
    or insurance guarantee (its number, issuer and PDF). Only before the bid deadline (by the
    database clock); the agency then verifies it."""
    bond = selectors.access_own_bond(actor, bond_id, lock=True)
    if bond.status != Bond.Status.REQUIRED:
        raise BondTransitionRefused(_("The bid bond is already lodged."))
    lot_open = Lot.objects.filter(
        pk=bond.lot_id, status=Lot.Status.OPEN_FOR_BIDS, project__bid_deadline__gt=Now()
    ).exists()
    if not lot_open:
        raise BondsClosed()
    fields = {
        "payer_bank": _text(payer_bank, 200),
        "payer_account_name": _text(payer_account_name, 200),
        "payer_account_number": _text(payer_account_number, 40),
        "guarantee_number": _text(guarantee_number, 100),
        "guarantor": _text(guarantor, 200),
    }
    errors = _lodging_errors(form, fields, document)
    if errors:
        raise BondInvalid(errors)
    sha256 = ""
    if form in GUARANTEE_FORMS:
        sha256 = check_upload(document, types=PDF_TYPES)
        for key in ("payer_bank", "payer_account_name", "payer_account_number"):
            fields[key] = ""
    else:
        fields["guarantee_number"] = fields["guarantor"] = ""
    _transition(bond, Bond.Status.LODGED)
    bond.form = form
    for key, value in fields.items():
        setattr(bond, key, value)
    bond.document_sha256 = sha256
    if sha256:
        bond.document.save(f"bond-{bond.pk}-{sha256[:16]}.pdf", document, save=False)
    else:
        bond.document = ""
    bond.lodged_at = timezone.now()
    bond.rejection_reason = ""
    bond.save(
        update_fields=[
            "status",
            "form",
            *fields,
            "document",
            "document_sha256",
            "lodged_at",
            "rejection_reason",
            "updated_at",
        ]
    )
    # No account numbers in the chain: the form, the amount and the document's hash suffice.
    audit.record_event(
        "bidding.bond_lodged",
        actor=actor,
        target=bond,
        data={"lot": bond.lot_id, "form": form, "amount": bond.amount, "document_sha256": sha256},
    )
    return bond


@transaction.atomic
def lodge_bond_for_lot(lot_id, *, actor: User, **lodging) -> Bond:
    """The lot's bond page in one step: require the supplier's bond, then lodge it (one
    transaction: a refused lodging leaves no row behind)."""
    supplier = policies.supplier_of(actor)
    if supplier is None:
        raise BondLotNotFound()
    lot = selectors.access_supplier_lot(actor, lot_id)
    bond = require_bond(lot, supplier, actor=actor)
    if bond is None:
        raise NoBondRequired()
    return lodge_bond(bond.pk, actor=actor, **lodging)


# --- The agency's checks -------------------------------------------------------------------------


@transaction.atomic
def verify_bond(bond_id, *, actor: User) -> Bond:
    """An officer of the agency confirms the transfer arrived or the guarantee is genuine."""
    bond = selectors.access_officer_bond(actor, bond_id, lock=True)
    _transition(bond, Bond.Status.VERIFIED)
    bond.verified_by = actor
    bond.verified_at = timezone.now()
    bond.save(update_fields=["status", "verified_by", "verified_at", "updated_at"])
    audit.record_event(
        "bidding.bond_verified", actor=actor, target=bond, data={"lot": bond.lot_id, "amount": bond.amount}
    )
    return bond


@transaction.atomic
def reject_bond(bond_id, *, actor: User, reason: str) -> Bond:
    """An officer of the agency does not accept a lodged bond (the money did not arrive, the
    guarantee does not check out): it is required again, and the supplier is told why."""
    bond = selectors.access_officer_bond(actor, bond_id, lock=True)
    reason = _text(reason, 4000)
    if bond.status != Bond.Status.LODGED:
        raise BondTransitionRefused()
    if not reason:
        raise ReasonRequired(_("Say why the bond is not accepted; the supplier reads it."))
    _transition(bond, Bond.Status.REQUIRED)
    bond.rejection_reason = reason
    bond.lodged_at = None
    bond.save(update_fields=["status", "rejection_reason", "lodged_at", "updated_at"])
    _notify_supplier(
        bond,
        format_lazy(_("Your bid bond for {lot} was not accepted"), lot=_lot_title(bond)),
        reason,
    )
    audit.record_event(
        "bidding.bond_rejected", actor=actor, target=bond, data={"lot": bond.lot_id, "reason": reason}
    )
    return bond


# --- Refunds and forfeiture ----------------------------------------------------------------------


def refund_due_date(on: datetime.date) -> datetime.date:
    """The last day of the refund: the rulebook's working days (as of `on`) after `on`."""
    return add_working_days(on, rule_int("bond.refund_working_days", on=on))


@transaction.atomic
def make_refundable(
    lot_id, *, winner_supplier_id=None, event: str, on: datetime.date, actor: User | None = None
) -> list[Bond]:
    """The bonds the event releases become refundable, due the rulebook's working days after `on`:
    on the award notice every bond but the winner's; on the contract signing the winner's; on a
    failed or cancelled lot every bond held. Bonds already refundable are left as they are, so
    the call is safe to repeat. actor None: the system (the award or contract service)."""
    if event not in REFUND_EVENTS:
        raise InvalidRefundEvent()
    if isinstance(on, datetime.datetime) or not isinstance(on, datetime.date):
        raise InvalidInput(_("The day of the event is a date."), code="invalid_date")
    try:
        lot = (
            Lot.objects.select_related("project__purchaser")
            .select_for_update(of=("self",))
            .get(pk=int(lot_id))
        )
    except (Lot.DoesNotExist, ValueError, TypeError, OverflowError):
        raise BondLotNotFound() from None
    if actor is not None and not policies.is_bond_officer(actor, lot.project):
        raise BondLotNotFound()
    winner = None
    if event in (AWARD_NOTICE, CONTRACT_SIGNED):
        try:
            winner = int(winner_supplier_id)
        except (ValueError, TypeError):
            raise InvalidInput(_("Name the winning supplier."), code="winner_required") from None
    if event == LOT_FAILED and lot.status != Lot.Status.FAILED:
        raise BondTransitionRefused(_("The lot has not failed."))
    if event == LOT_CANCELLED and lot.status != Lot.Status.CANCELLED:
        raise BondTransitionRefused(_("The lot is not cancelled."))
    bonds = Bond.objects.select_for_update().filter(lot=lot).order_by("pk")
    if event == AWARD_NOTICE:
        bonds = bonds.exclude(supplier_id=winner).filter(status__in=HELD)
    elif event == CONTRACT_SIGNED:
        bonds = bonds.filter(supplier_id=winner, status=Bond.Status.VERIFIED)
    else:
        bonds = bonds.filter(status__in=HELD)
    bonds = list(bonds)
    if not bonds:
        return []
    due = refund_due_date(on)
    for bond in bonds:
        _transition(bond, Bond.Status.REFUNDABLE)
        bond.refund_due_on = due
        bond.refund_reason = event
        bond.save(update_fields=["status", "refund_due_on", "refund_reason", "updated_at"])
    for bond in bonds:
        audit.record_event(
            "bidding.bond_refundable",
            actor=actor,
            target=bond,
            data={"lot": lot.pk, "event": event, "on": on, "refund_due_on": due},
        )
    return bonds


@transaction.atomic
def record_refund(bond_id, *, actor: User) -> Bond:
    """The agency records that the bond went back (the transfer returned, the guarantee released)."""
    bond = selectors.access_officer_bond(actor, bond_id, lock=True)
    _transition(bond, Bond.Status.REFUNDED)
    bond.refunded_at = timezone.now()
    bond.save(update_fields=["status", "refunded_at", "updated_at"])
    late = timezone.localdate(bond.refunded_at) > bond.refund_due_on
    _notify_supplier(bond, format_lazy(_("Your bid bond for {lot} is refunded"), lot=_lot_title(bond)))
    audit.record_event(
        "bidding.bond_refunded",
        actor=actor,
        target=bond,
        data={"lot": bond.lot_id, "amount": bond.amount, "refund_due_on": bond.refund_due_on, "late": late},
    )
    return bond


@transaction.atomic
def forfeit_bond(bond_id, *, actor: User, reason: str) -> Bond:
    """The agency keeps a verified bond (e.g. the winner refused to sign, a bid withdrawn after
    the deadline), with the reason."""
    bond = selectors.access_officer_bond(actor, bond_id, lock=True)
    reason = _text(reason, 4000)
    if bond.status != Bond.Status.VERIFIED:
        raise BondTransitionRefused()
    if not reason:
        raise ReasonRequired(_("Give the reason for keeping the bond; the supplier reads it."))
    _transition(bond, Bond.Status.FORFEITED)
    bond.forfeit_reason = reason
    bond.save(update_fields=["status", "forfeit_reason", "updated_at"])
    _notify_supplier(
        bond, format_lazy(_("Your bid bond for {lot} is forfeited"), lot=_lot_title(bond)), reason
    )
    audit.record_event(
        "bidding.bond_forfeited",
        actor=actor,
        target=bond,
        data={"lot": bond.lot_id, "amount": bond.amount, "reason": reason},
    )
    return bond


# --- The sweep -----------------------------------------------------------------------------------


@transaction.atomic
def flag_overdue_refunds(on: datetime.date | None = None) -> int:
    """Refundable bonds whose refund day has passed get flagged once: the regulators of the
    purchaser's region and the supplier are told, and the chain records it. Bonds another run is
    flagging are skipped (skip_locked); a flagged bond is never flagged again.

    No credit rule for a late bond refund is in the credit catalogue (credit/catalogue.py), so the
    sweep records no credit event."""
    on = on or timezone.localdate()
    bonds = list(
        selectors.overdue_refunds(on)
        .select_related("lot__project__purchaser", "supplier")
        .select_for_update(of=("self",), skip_locked=True)
    )
    now = timezone.now()
    flagged = []
    for bond in bonds:
        if not Bond.objects.filter(pk=bond.pk, overdue_flagged_at__isnull=True).update(
            overdue_flagged_at=now, updated_at=now
        ):
            continue
        bond.overdue_flagged_at = now
        flagged.append(bond)
        project = bond.lot.project
        subject = format_lazy(
            _("Bid bond refund overdue: {lot}, {supplier}"),
            lot=_lot_title(bond),
            supplier=_supplier_name(bond),
        )
        body = format_lazy(
            _(
                "The bid bond of {amount} CNY of {supplier} for lot {lot} of project {reference} was due "
                "to be refunded by {due} and is not recorded as refunded."
            ),
            amount=f"{bond.amount:,.2f}",
            supplier=_supplier_name(bond),
            lot=bond.lot.number,
            reference=project.reference,
            due=bond.refund_due_on.isoformat(),
        )
        regulators = regulators_of(project)
        if regulators:
            notify(regulators, subject=subject, body=body)
        _notify_supplier(bond, subject, body)
    for bond in flagged:
        audit.record_event(
            "bidding.bond_refund_overdue",
            actor=None,
            organisation=bond.lot.project.agency if bond.lot.project.agency_id else None,
            target=bond,
            data={"lot": bond.lot_id, "refund_due_on": bond.refund_due_on, "on": on},
        )
    return len(flagged)


__all__ = [
    "BondAboveCap",
    "BondInvalid",
    "BondLotNotFound",
    "BondNotFound",
    "BondTransitionRefused",
    "BondsClosed",
    "NoBondRequired",
    "NotBondSupplier",
    "ReasonRequired",
    "flag_overdue_refunds",
    "forfeit_bond",
    "lodge_bond",
    "lodge_bond_for_lot",
    "make_refundable",
    "record_refund",
    "reject_bond",
    "require_bond",
    "verify_bond",
]
