"""Reads of contract financing for pages, the API and the services: querysets with their related
rows baked in, access_application() (404 for a missing application and for one the user may not
see), what may still be financed on a contract, and the supplier's credit as banks see it."""

from decimal import Decimal

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone

from accounts.models import Membership, Organisation, Role, User
from credit import selectors as credit_selectors
from credit.models import GRADES, CreditEvent, CreditRecord

from ..models import Contract, SupplementaryAgreement
from ..performance.models import Milestone, PaymentApplication
from . import policies
from .exceptions import BankNotFound, FinancingNotFound
from .models import FinancingApplication

RELATED = (
    "contract__lot__project__purchaser",
    "contract__purchaser",
    "contract__supplier",
    "supplier",
    "bank",
    "applied_by",
    "decided_by",
)
STATUSES = {value for value, _label in FinancingApplication.Status.choices}


def applications() -> QuerySet[FinancingApplication]:
    return FinancingApplication.objects.select_related(*RELATED)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError, OverflowError):
        return None


def access_application(user: User, pk, *, lock: bool = False) -> FinancingApplication:
    """The application if the user may see it (its bank's officers, the applying supplier's
    representatives), else FinancingNotFound: the same answer as for a missing one."""
    pk = _int(pk)
    if pk is None:
        raise FinancingNotFound()
    queryset = applications()
    if lock:
        queryset = queryset.select_for_update(of=("self",))
    application = queryset.filter(pk=pk).first()
    if application is None or not policies.can_view_application(user, application):
        raise FinancingNotFound()
    return application


def applications_for(user: User, *, status: str = "") -> QuerySet[FinancingApplication]:
    """A bank officer's: the applications to their bank; a supplier representative's: their
    supplier's; newest first, optionally of one status. Anyone else: none."""
    bank = policies.bank_of(user)
    supplier = policies.supplier_of(user)
    if bank is not None:
        queryset = applications().filter(bank_id=bank.pk)
    elif supplier is not None:
        queryset = applications().filter(supplier_id=supplier.pk)
    else:
        return FinancingApplication.objects.none()
    if status in STATUSES:
        queryset = queryset.filter(status=status)
    return queryset.order_by("-created_at", "-pk")


def applications_of_contract(contract: Contract) -> QuerySet[FinancingApplication]:
    """The supplier's applications against one contract, newest first."""
    return (
        FinancingApplication.objects.filter(contract=contract)
        .select_related("bank", "applied_by", "decided_by")
        .order_by("-created_at", "-pk")
    )


def banks() -> QuerySet[Organisation]:
    """The banks a supplier may apply to: every active bank organisation."""
    return Organisation.objects.filter(kind=Organisation.Kind.BANK, is_active=True).order_by("name_zh", "pk")


def bank(pk) -> Organisation:
    """An active bank, else BankNotFound."""
    pk = _int(pk)
    found = banks().filter(pk=pk).first() if pk is not None else None
    if found is None:
        raise BankNotFound()
    return found


def bank_officers(bank_id: int) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            organisation_id=bank_id, role=Role.BANK_OFFICER, is_active=True, user__is_active=True
        ).select_related("user")
    ]


def supplier_representatives(supplier_id: int) -> list[User]:
    return [
        m.user
        for m in Membership.objects.filter(
            organisation_id=supplier_id,
            role=Role.SUPPLIER_REPRESENTATIVE,
            is_active=True,
            user__is_active=True,
        ).select_related("user")
    ]


# --- Amounts --------------------------------------------------------------------------------------


def contract_value(contract: Contract) -> Decimal:
    """The contract amount with its signed supplementary agreements."""
    added = SupplementaryAgreement.objects.filter(
        contract=contract, status=SupplementaryAgreement.Status.SIGNED
    ).aggregate(total=Sum("amount"))["total"]
    return contract.amount + (added or Decimal("0"))


def paid_amount(contract: Contract) -> Decimal:
    """What the purchaser has paid on the contract (paid payment applications)."""
    paid = PaymentApplication.objects.filter(
        contract=contract, status=PaymentApplication.Status.PAID
    ).aggregate(total=Sum("paid_amount"))["total"]
    return paid or Decimal("0")


def available_amount(contract: Contract) -> Decimal:
    """The most a supplier may ask a bank for against the contract: its value not yet paid."""
    return max(contract_value(contract) - paid_amount(contract), Decimal("0"))


def milestones_with_payments(contract: Contract) -> list[Milestone]:
    """The contract's milestones, each with `paid` (the amount paid against it)."""
    return list(
        Milestone.objects.filter(contract=contract)
        .annotate(
            paid=Sum(
                "payment_applications__paid_amount",
                filter=Q(payment_applications__status=PaymentApplication.Status.PAID),
            )
        )
        .order_by("number")
    )


# --- Credit ---------------------------------------------------------------------------------------


def counting_events(record: CreditRecord | None) -> dict:
    """The record's events that still count towards its score (in force, not expired): how many,
    and how many of them are penalties."""
    if record is None:
        return {"events": 0, "penalties": 0}
    return CreditEvent.objects.filter(
        record=record, status=CreditEvent.Status.IN_FORCE, counts_until__gt=timezone.localdate()
    ).aggregate(events=Count("pk"), penalties=Count("pk", filter=Q(points__lt=0)))


def credit_now(supplier: Organisation) -> dict:
    """The supplier's credit as it stands today, in the shape of an application's snapshot."""
    from credit.eligibility import Action, check_eligibility

    answer = check_eligibility(supplier, Action.APPLY_FOR_FINANCING)
    return credit_summary(supplier, answer)


def credit_summary(supplier: Organisation, answer) -> dict:
    """The snapshot kept on an application: score, stars and grade from the eligibility answer,
    the bans in force, and how many events (penalties) still count."""
    record = credit_selectors.record_of(supplier)
    counts = counting_events(record)
    return {
        "score": str(answer.score),
        "stars": int(answer.stars),
        "grade": answer.grade or GRADES.get(int(answer.stars), ""),
        "bans": [
            {
                "rule": ban.rule_code,
                "rule_zh": ban.rule_name_zh,
                "rule_en": ban.rule_name_en,
                "until": ban.ends_on.isoformat(),
            }
            for ban in answer.bans
        ],
        "events": counts["events"],
        "penalties": counts["penalties"],
        "red_listed": bool(record.is_red_listed) if record is not None else False,
        "record": record.pk if record is not None else None,
    }
