"""Who may see and act on a contract (pure predicates; no queries beyond the user's own membership
and the rows already loaded: contract.lot.project with its purchaser and agency)."""

from accounts.models import Role, User
from accounts.policies import acting_membership, region_covers
from procurement.policies import is_tender_officer

from .models import Contract, Party

PURCHASER_ROLES = (Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER)
# A supplementary agreement is made to a contract the parties are bound by and still perform.
SUPPLEMENT_STATUSES = frozenset({Contract.Status.SIGNED, Contract.Status.IN_PERFORMANCE})


def verified(user: User) -> bool:
    """Signed in with the second factor in this session."""
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def is_purchaser_staff(user: User, contract: Contract) -> bool:
    """A clerk or approver acting for the contract's purchaser."""
    membership = acting_membership(user)
    return (
        membership is not None
        and membership.role in PURCHASER_ROLES
        and membership.organisation_id == contract.purchaser_id
    )


def is_supplier_representative(user: User, contract: Contract) -> bool:
    membership = acting_membership(user)
    return (
        membership is not None
        and membership.role == Role.SUPPLIER_REPRESENTATIVE
        and membership.organisation_id == contract.supplier_id
    )


def is_contract_party(user: User, contract: Contract) -> bool:
    return is_purchaser_staff(user, contract) or is_supplier_representative(user, contract)


def is_regulator_of_contract(user: User, contract: Contract) -> bool:
    membership = acting_membership(user)
    return (
        membership is not None
        and membership.role == Role.REGULATOR
        and region_covers(membership.organisation.region_code, contract.purchaser.region_code)
    )


def can_view_contract(user: User, contract: Contract) -> bool:
    """The two parties, the agency officers who ran the tender, and the regulators of the
    purchaser's region. (Bank officers see a contract only through a financing application.)"""
    return (
        is_contract_party(user, contract)
        or is_tender_officer(user, contract.lot.project)
        or is_regulator_of_contract(user, contract)
    )


def can_list_contracts(user: User) -> bool:
    membership = acting_membership(user)
    return membership is not None and membership.role in (
        *PURCHASER_ROLES,
        Role.SUPPLIER_REPRESENTATIVE,
        Role.AGENCY_OFFICER,
        Role.REGULATOR,
    )


def is_purchaser_staff_of_lot(user: User, lot) -> bool:
    """A clerk or approver acting for the purchaser of the lot's project (who drafts its contract)."""
    membership = acting_membership(user)
    return (
        membership is not None
        and membership.role in PURCHASER_ROLES
        and membership.organisation_id == lot.project.purchaser_id
    )


def signing_party(user: User, contract: Contract) -> str | None:
    """The party the user signs for ("purchaser", "supplier"), or None."""
    if is_purchaser_staff(user, contract):
        return Party.PURCHASER
    if is_supplier_representative(user, contract):
        return Party.SUPPLIER
    return None


def can_edit_contract(user: User, contract: Contract) -> bool:
    return contract.is_editable and is_purchaser_staff(user, contract)


def can_publish_contract(user: User, contract: Contract) -> bool:
    return contract.status == Contract.Status.SIGNED and is_purchaser_staff(user, contract)


def can_draft_supplement(user: User, contract: Contract) -> bool:
    return contract.status in SUPPLEMENT_STATUSES and is_purchaser_staff(user, contract)


def can_view_financing_tab(user: User, contract: Contract) -> bool:
    return is_supplier_representative(user, contract)
