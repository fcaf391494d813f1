"""Every write of contract financing (政府采购合同融资): a supplier applies to a bank for credit
against its signed contract, the bank's officers approve or decline, the supplier may withdraw an
application still awaiting its decision; and the audited read of the signed contract by the bank.

Each public service is one transaction in the house order: lock, check policy and transition
table (models.FINANCING_TRANSITIONS), change, save(update_fields), audit last; notifications are
written in the transaction and e-mailed after commit (accounts.services.notify).

A blacklisted supplier cannot apply (credit.eligibility, action apply_for_financing): the refusal
names the ban and its end. The bank sees the supplier's credit as it stood when it applied (the
application's credit_summary) beside the record as it stands today.
"""

from decimal import Decimal, InvalidOperation

from django.db import transaction
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from accounts.services import notify
from audit import services as audit
from credit.eligibility import Action, require_eligibility

from ..models import BINDING_STATUSES, Contract
from ..selectors import access_contract
from . import policies, selectors
from .exceptions import (
    AlreadyApplied,
    ContractNotBinding,
    FinancingNotFound,
    FinancingReasonRequired,
    FinancingTransitionRefused,
    InvalidFinancingInput,
    NotFinancingApplicant,
)
from .models import FinancingApplication, can_transition_financing

# The longest term a supplier may ask for. Not a legal number (the bank sets the real term in its
# own credit decision), only the platform's bound on input: five years covers the longest contracts
# of government procurement (multi-year service contracts run at most three years, MOF Order 102
# art. 24) with the payment period after the final acceptance, and stops a typo like 600.
MAX_TERM_MONTHS = 60
MAX_PURPOSE_CHARS = 2000
MAX_REASON_CHARS = 4000
CENT = Decimal("0.01")


def _amount(value, *, field_label) -> Decimal:
    """A positive amount in CNY with at most two decimals, else InvalidFinancingInput."""
    try:
        amount = value if isinstance(value, Decimal) else Decimal(str(value).strip().replace(",", ""))
    except (InvalidOperation, ValueError, TypeError):
        amount = None
    if amount is None or not amount.is_finite() or amount <= 0 or amount != amount.quantize(CENT):
        raise InvalidFinancingInput(
            format_lazy(
                _("The {field} must be a positive amount in CNY (two decimals at most)."), field=field_label
            )
        )
    return amount.quantize(CENT)


def _term(value) -> int:
    try:
        term = int(value)
    except (TypeError, ValueError, OverflowError):
        term = None
    if term is None or str(value).strip() != str(term) or not 1 <= term <= MAX_TERM_MONTHS:
        raise InvalidFinancingInput(
            format_lazy(
                _("The term must be a whole number of months from 1 to {most}."), most=MAX_TERM_MONTHS
            )
        )
    return term


def _text(value, *, limit: int) -> str:
    return value.strip()[:limit] if isinstance(value, str) else ""


def _name(organisation):
    """The organisation's name in the language of whoever reads it (notifications are rendered in
    both languages)."""
    return lazy(lambda: organisation.name, str)()


def _label(application: FinancingApplication) -> str:
    return application.contract.reference


@transaction.atomic
def apply_for_financing(
    contract_id, *, actor: User, bank_id, amount, term_months, purpose
) -> FinancingApplication:
    """The contract's supplier representative applies to a bank for `amount` CNY over
    `term_months` months against the signed contract.

    Refused: a contract the user may not see (404) or whose supplier they do not represent (403);
    a contract not signed or no longer in force (signed, in performance, accepted only); a supplier
    on the blacklist (403, with the ban); a bank that is not an active bank organisation (404); an
    amount not positive or above the contract's value not yet paid; a term outside 1..60 months;
    no purpose; an application of the same contract to the same bank still awaiting its decision
    (409). The supplier's credit is kept on the application as it stands now; the bank's officers
    are told."""
    contract = access_contract(actor, contract_id, lock=True)  # serialises applications per contract
    if not policies.can_apply_for_financing(actor, contract):
        raise NotFinancingApplicant()
    if contract.status not in BINDING_STATUSES:
        raise ContractNotBinding()
    eligibility = require_eligibility(contract.supplier, Action.APPLY_FOR_FINANCING)
    bank = selectors.bank(bank_id)
    amount = _amount(amount, field_label=_("amount requested"))
    available = selectors.available_amount(contract)
    if amount > available:
        raise InvalidFinancingInput(
            format_lazy(
                _("At most {available} CNY can be financed: the contract's amount not yet paid."),
                available=f"{available:,.2f}",
            )
        )
    term = _term(term_months)
    purpose = _text(purpose, limit=MAX_PURPOSE_CHARS)
    if not purpose:
        raise InvalidFinancingInput(_("Say what the financing is for."))
    if FinancingApplication.objects.filter(
        contract=contract, bank=bank, status=FinancingApplication.Status.SUBMITTED
    ).exists():
        raise AlreadyApplied()

    application = FinancingApplication.objects.create(
        contract=contract,
        supplier=contract.supplier,
        bank=bank,
        amount=amount,
        term_months=term,
        purpose=purpose,
        credit_summary=selectors.credit_summary(contract.supplier, eligibility),
        applied_by=actor,
    )
    officers = selectors.bank_officers(bank.pk)
    if officers:
        notify(
            officers,
            subject=format_lazy(
                _("Contract financing application: {supplier}"), supplier=_name(contract.supplier)
            ),
            body=format_lazy(
                _("{supplier} applies for {amount} CNY over {term} months against contract {contract}."),
                supplier=_name(contract.supplier),
                amount=f"{amount:,.2f}",
                term=term,
                contract=contract.reference,
            ),
            link=f"/contracts/financing/{application.pk}/",
        )
    audit.record_event(
        "contracts.financing_applied",
        actor=actor,
        target=application,
        data={
            "contract": contract.pk,
            "supplier": contract.supplier_id,
            "bank": bank.pk,
            "amount": amount,
            "term_months": term,
            "available": available,
            "credit": {
                "score": application.credit_summary["score"],
                "stars": application.credit_summary["stars"],
                "grade": application.credit_summary["grade"],
            },
        },
    )
    return application


def _transition(application: FinancingApplication, target: str) -> None:
    if not can_transition_financing(application.status, target):
        raise FinancingTransitionRefused()
    application.status = target


@transaction.atomic
def decide_financing(
    application_id, *, actor: User, approve: bool, reason: str = "", approved_amount=None
) -> FinancingApplication:
    """An officer of the bank applied to approves (approved_amount: more than 0, at most the amount
    requested; the amount requested if not given) or declines (a reason is required) an
    application awaiting its decision. Officers of other banks, and everyone else, get the 404 of a
    missing application. Approval also needs the contract still in force. The supplier's
    representatives are told."""
    application = selectors.access_application(actor, application_id, lock=True)
    if not policies.can_decide_financing(actor, application):
        raise FinancingNotFound()  # the applicant sees its application but never decides it
    target = FinancingApplication.Status.APPROVED if approve else FinancingApplication.Status.DECLINED
    _transition(application, target)
    reason = _text(reason, limit=MAX_REASON_CHARS)
    if approve:
        if application.contract.status not in BINDING_STATUSES:
            raise ContractNotBinding(
                _("The contract is no longer in force: the application can only be declined.")
            )
        amount = (
            application.amount
            if approved_amount in (None, "")
            else _amount(approved_amount, field_label=_("amount approved"))
        )
        if amount > application.amount:
            raise InvalidFinancingInput(
                format_lazy(
                    _("The amount approved cannot exceed the {requested} CNY requested."),
                    requested=f"{application.amount:,.2f}",
                )
            )
        application.approved_amount = amount
    elif not reason:
        raise FinancingReasonRequired()
    application.decision_reason = reason
    application.decided_by = actor
    application.decided_at = timezone.now()
    application.save(
        update_fields=[
            "status",
            "approved_amount",
            "decision_reason",
            "decided_by",
            "decided_at",
            "updated_at",
        ]
    )
    representatives = selectors.supplier_representatives(application.supplier_id)
    if representatives:
        if approve:
            subject = format_lazy(_("Contract financing approved: {contract}"), contract=_label(application))
            body = format_lazy(
                _("{bank} approved {amount} CNY of financing against contract {contract}. {reason}"),
                bank=_name(application.bank),
                amount=f"{application.approved_amount:,.2f}",
                contract=_label(application),
                reason=reason,
            )
        else:
            subject = format_lazy(_("Contract financing declined: {contract}"), contract=_label(application))
            body = format_lazy(
                _("{bank} declined the financing against contract {contract}: {reason}"),
                bank=_name(application.bank),
                contract=_label(application),
                reason=reason,
            )
        notify(representatives, subject=subject, body=body, link=f"/contracts/financing/{application.pk}/")
    audit.record_event(
        "contracts.financing_approved" if approve else "contracts.financing_declined",
        actor=actor,
        target=application,
        data={
            "contract": application.contract_id,
            "supplier": application.supplier_id,
            "bank": application.bank_id,
            "amount": application.amount,
            "approved_amount": application.approved_amount,
            "reason": reason,
        },
    )
    return application


@transaction.atomic
def withdraw_financing(application_id, *, actor: User) -> FinancingApplication:
    """The applying supplier's representative withdraws an application awaiting its decision; the
    bank's officers are told."""
    application = selectors.access_application(actor, application_id, lock=True)
    if not policies.can_withdraw_financing(actor, application):
        raise FinancingNotFound()
    _transition(application, FinancingApplication.Status.WITHDRAWN)
    application.save(update_fields=["status", "updated_at"])
    officers = selectors.bank_officers(application.bank_id)
    if officers:
        notify(
            officers,
            subject=format_lazy(_("Contract financing withdrawn: {contract}"), contract=_label(application)),
            body=format_lazy(
                _("{supplier} withdrew its application for financing against contract {contract}."),
                supplier=_name(application.supplier),
                contract=_label(application),
            ),
            link=f"/contracts/financing/{application.pk}/",
        )
    audit.record_event(
        "contracts.financing_withdrawn",
        actor=actor,
        target=application,
        data={"contract": application.contract_id, "bank": application.bank_id, "amount": application.amount},
    )
    return application


@transaction.atomic
def read_financing_contract(application_id, *, actor: User) -> Contract:
    """The signed contract PDF of an application, for the bank's officers and the applicant: a
    sensitive read (the contract's commercial terms and account details), appended to the audit
    chain. Returns the contract; FinancingNotFound if the application or its PDF is not there."""
    application = selectors.access_application(actor, application_id)
    contract = application.contract
    if not contract.pdf:
        raise FinancingNotFound(_("The signed contract's PDF is not stored."))
    audit.record_event(
        "contracts.financing_contract_read",
        actor=actor,
        target=application,
        data={"contract": contract.pk, "sha256": contract.sha256, "bank": application.bank_id},
    )
    return contract
