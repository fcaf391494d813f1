"""Reads of a contract's performance for pages, the API and the services: querysets with their
related rows baked in, the amounts still payable, and access_<noun>() fetches that answer 404
both for a missing row and for one of a contract the user may not see."""

import datetime
from decimal import Decimal

from django.db.models import Case, DecimalField, F, Prefetch, QuerySet, Sum, Value, When
from django.db.models.functions import Coalesce

from accounts.models import Membership, Role, User
from contracts.exceptions import ContractNotFound
from contracts.models import Contract
from contracts.policies import PURCHASER_ROLES
from contracts.selectors import RELATED, access_contract

from .exceptions import AcceptanceNotFound, BreachNotFound, MilestoneNotFound, PaymentApplicationNotFound
from .models import OPEN_OR_PAID, Acceptance, Breach, Milestone, PaymentApplication

ZERO = Decimal("0.00")
MONEY = DecimalField(max_digits=18, decimal_places=2)


def _pk(value) -> int | None:
    try:
        pk = int(value)
    except (TypeError, ValueError, OverflowError):
        return None
    return pk if 0 < pk < 2**63 else None


# --- Lists of one contract -----------------------------------------------------------------------


def milestones_of(contract: Contract) -> QuerySet[Milestone]:
    """The contract's milestones in order, each with its acceptances (oldest first) and their notices."""
    return (
        Milestone.objects.filter(contract=contract)
        .prefetch_related(
            Prefetch(
                "acceptances",
                queryset=Acceptance.objects.select_related("notice", "recorded_by").order_by(
                    "recorded_at", "pk"
                ),
            )
        )
        .order_by("number")
    )


def applications_of(contract: Contract) -> QuerySet[PaymentApplication]:
    return (
        PaymentApplication.objects.filter(contract=contract)
        .select_related("milestone", "applied_by", "decided_by")
        .order_by("pk")
    )


def breaches_of(contract: Contract) -> QuerySet[Breach]:
    return (
        Breach.objects.filter(contract=contract)
        .select_related("milestone", "responsible", "notice", "recorded_by")
        .order_by("pk")
    )


# --- Amounts -------------------------------------------------------------------------------------

# An application counts against the accepted amount while open or paid; a paid one at what was paid.
_COMMITTED = Case(
    When(status=PaymentApplication.Status.PAID, then=Coalesce(F("paid_amount"), Value(ZERO))),
    default=F("amount"),
    output_field=MONEY,
)


def committed_by_milestone(contract: Contract) -> dict[int, Decimal]:
    rows = (
        PaymentApplication.objects.filter(contract=contract, status__in=OPEN_OR_PAID)
        .values("milestone_id")
        .annotate(total=Sum(_COMMITTED))
    )
    return {row["milestone_id"]: row["total"] or ZERO for row in rows}


def available_for(milestone: Milestone, committed: dict[int, Decimal]) -> Decimal:
    """What can still be applied for against an accepted milestone (zero for any other)."""
    if milestone.status != Milestone.Status.ACCEPTED:
        return ZERO
    return max(milestone.amount - committed.get(milestone.pk, ZERO), ZERO)


def unpaid_accepted_amount(contract: Contract, milestones=None) -> Decimal:
    """The accepted milestones' amounts less the applications open or paid (paid ones at the
    amount paid): what the supplier can still apply for."""
    milestones = (
        list(milestones) if milestones is not None else list(Milestone.objects.filter(contract=contract))
    )
    committed = committed_by_milestone(contract)
    return sum((available_for(m, committed) for m in milestones), ZERO)


def paid_total(contract: Contract) -> Decimal:
    return PaymentApplication.objects.filter(
        contract=contract, status=PaymentApplication.Status.PAID
    ).aggregate(total=Coalesce(Sum("paid_amount"), Value(ZERO), output_field=MONEY))["total"]


def contract_total(contract: Contract) -> Decimal:
    """The contract's amount and its signed supplementary agreements."""
    supplements = contract.supplements.filter(status="signed").aggregate(
        total=Coalesce(Sum("amount"), Value(ZERO), output_field=MONEY)
    )["total"]
    return contract.amount + supplements


# --- Access --------------------------------------------------------------------------------------


def access_milestone(user: User, pk) -> Milestone:
    pk = _pk(pk)
    contract_id = (
        Milestone.objects.filter(pk=pk).values_list("contract_id", flat=True).first() if pk else None
    )
    if contract_id is None:
        raise MilestoneNotFound()
    try:
        contract = access_contract(user, contract_id)
    except ContractNotFound as error:  # the milestone is as unknown as its contract
        raise MilestoneNotFound() from error
    milestone = milestones_of(contract).get(pk=pk)
    milestone.contract = contract
    return milestone


def access_acceptance(user: User, pk) -> Acceptance:
    pk = _pk(pk)
    acceptance = (
        Acceptance.objects.select_related("milestone", "notice").filter(pk=pk).first() if pk else None
    )
    if acceptance is None:
        raise AcceptanceNotFound()
    try:
        acceptance.milestone.contract = access_contract(user, acceptance.milestone.contract_id)
    except ContractNotFound as error:
        raise AcceptanceNotFound() from error
    return acceptance


def access_application(user: User, pk) -> PaymentApplication:
    pk = _pk(pk)
    application = PaymentApplication.objects.filter(pk=pk).first() if pk else None
    if application is None:
        raise PaymentApplicationNotFound()
    try:
        application.contract = access_contract(user, application.contract_id)
    except ContractNotFound as error:
        raise PaymentApplicationNotFound() from error
    return application


def access_breach(user: User, pk) -> Breach:
    pk = _pk(pk)
    breach = Breach.objects.filter(pk=pk).first() if pk else None
    if breach is None:
        raise BreachNotFound()
    try:
        breach.contract = access_contract(user, breach.contract_id)
    except ContractNotFound as error:
        raise BreachNotFound() from error
    return breach


# --- People to tell ------------------------------------------------------------------------------


def purchaser_staff(contract: Contract) -> list[User]:
    memberships = Membership.objects.filter(
        organisation_id=contract.purchaser_id, role__in=PURCHASER_ROLES, is_active=True, user__is_active=True
    ).select_related("user")
    return list({m.user_id: m.user for m in memberships}.values())


def supplier_representatives(contract: Contract) -> list[User]:
    memberships = Membership.objects.filter(
        organisation_id=contract.supplier_id,
        role=Role.SUPPLIER_REPRESENTATIVE,
        is_active=True,
        user__is_active=True,
    ).select_related("user")
    return list({m.user_id: m.user for m in memberships}.values())


# --- Sweeps --------------------------------------------------------------------------------------


def late_sme_payments(on: datetime.date) -> QuerySet[PaymentApplication]:
    """Applications of small or micro suppliers still unpaid after their last day, not yet flagged."""
    return (
        PaymentApplication.objects.filter(
            status__in=(PaymentApplication.Status.SUBMITTED, PaymentApplication.Status.APPROVED),
            pay_by__lt=on,
            late_flagged_at__isnull=True,
            contract__supplier_is_sme=True,
        )
        .select_related(*(f"contract__{name}" for name in RELATED), "milestone")
        .order_by("pk")
    )
