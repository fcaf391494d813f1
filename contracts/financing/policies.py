"""Who may apply for, see and decide contract financing (pure predicates; no queries beyond the
user's own membership and the rows already loaded).

- The contract's supplier representatives apply, see their supplier's applications and withdraw
  one still awaiting its decision.
- A bank's officers see the applications made to their bank, with the contract and the supplier's
  credit, and decide them. An officer of another bank does not learn that an application exists.
- Nobody else sees a financing application: not the purchaser (the financing is a matter between
  the supplier and its bank), not the agency, not the regulator.
"""

from accounts.models import Organisation, Role, User
from accounts.policies import acting_membership

from ..models import Contract
from ..policies import is_supplier_representative
from .models import FinancingApplication


def bank_of(user: User) -> Organisation | None:
    """The bank the user acts for as a bank officer, else None."""
    membership = acting_membership(user)
    if membership is None or membership.role != Role.BANK_OFFICER:
        return None
    if membership.organisation.kind != Organisation.Kind.BANK:
        return None
    return membership.organisation


def supplier_of(user: User) -> Organisation | None:
    """The supplier the user represents, else None."""
    membership = acting_membership(user)
    if membership is None or membership.role != Role.SUPPLIER_REPRESENTATIVE:
        return None
    return membership.organisation


def can_apply_for_financing(user: User, contract: Contract) -> bool:
    """The contract's supplier representatives (the contract's state and the supplier's credit are
    the service's checks)."""
    return is_supplier_representative(user, contract)


def is_bank_officer_of(user: User, application: FinancingApplication) -> bool:
    bank = bank_of(user)
    return bank is not None and bank.pk == application.bank_id


def is_applicant(user: User, application: FinancingApplication) -> bool:
    supplier = supplier_of(user)
    return supplier is not None and supplier.pk == application.supplier_id


def can_view_application(user: User, application: FinancingApplication) -> bool:
    return is_bank_officer_of(user, application) or is_applicant(user, application)


def can_decide_financing(user: User, application: FinancingApplication) -> bool:
    return is_bank_officer_of(user, application)


def can_withdraw_financing(user: User, application: FinancingApplication) -> bool:
    return is_applicant(user, application)


def can_list_financing(user: User) -> bool:
    return bank_of(user) is not None or supplier_of(user) is not None
