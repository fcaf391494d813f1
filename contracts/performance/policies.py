"""Who may act on a contract's performance (pure predicates on rows already loaded: the contract
with its lot, project, purchaser and supplier). Seeing anything of it is
contracts.policies.can_view_contract (the parties, the tender's agency officers, the regulators of
the purchaser's region); everyone else gets 404."""

from accounts.models import User
from contracts.models import Contract
from contracts.policies import can_view_contract, is_purchaser_staff, is_supplier_representative

from .models import Milestone, PaymentApplication

# A delivery can be reported once the contract binds the parties, before final acceptance.
DELIVERY_STATUSES = frozenset({Contract.Status.SIGNED, Contract.Status.IN_PERFORMANCE})
# Accepted work stays payable after a termination; a draft has no accepted work and a closed
# contract is fully paid.
PAYABLE_STATUSES = frozenset(
    {
        Contract.Status.SIGNED,
        Contract.Status.IN_PERFORMANCE,
        Contract.Status.ACCEPTED,
        Contract.Status.TERMINATED,
    }
)


def can_view_performance(user: User, contract: Contract) -> bool:
    return can_view_contract(user, contract)


def can_report_delivery(user: User, contract: Contract, milestone: Milestone | None = None) -> bool:
    return (
        is_supplier_representative(user, contract)
        and contract.status in DELIVERY_STATUSES
        and (milestone is None or milestone.status == Milestone.Status.PENDING)
    )


def can_record_acceptance(user: User, contract: Contract, milestone: Milestone | None = None) -> bool:
    return (
        is_purchaser_staff(user, contract)
        and contract.status in DELIVERY_STATUSES
        and (milestone is None or milestone.status == Milestone.Status.DELIVERED)
    )


def can_apply_for_payment(user: User, contract: Contract) -> bool:
    return is_supplier_representative(user, contract) and contract.status in PAYABLE_STATUSES


def can_decide_payment(user: User, contract: Contract, application: PaymentApplication | None = None) -> bool:
    return is_purchaser_staff(user, contract) and (
        application is None or application.status == PaymentApplication.Status.SUBMITTED
    )


def can_record_payment(user: User, contract: Contract, application: PaymentApplication | None = None) -> bool:
    return is_purchaser_staff(user, contract) and (
        application is None or application.status == PaymentApplication.Status.APPROVED
    )


def can_record_breach(user: User, contract: Contract) -> bool:
    return is_purchaser_staff(user, contract) and contract.status not in (
        Contract.Status.CLOSED,
        Contract.Status.TERMINATED,
    )
