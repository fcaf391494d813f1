"""Pure permission predicates of bid bonds (投标保证金).

A bond belongs to its supplier (its representatives lodge it) and is checked by the officers of
the agency the project is entrusted to (procurement.policies.is_tender_officer). Nobody else sees
it: which suppliers hold a bond is, before the opening, as secret as who bids.
"""

from accounts.models import Role, User
from accounts.policies import acting_membership
from procurement.models import Lot, Project
from procurement.policies import is_tender_officer

from .models import Bond


def supplier_of(user: User):
    """The supplier organisation the user acts for as its representative, or None."""
    membership = acting_membership(user)
    if membership is None or membership.role != Role.SUPPLIER_REPRESENTATIVE:
        return None
    return membership.organisation


def is_bond_supplier(user: User, bond: Bond) -> bool:
    supplier = supplier_of(user)
    return supplier is not None and supplier.pk == bond.supplier_id


def is_bond_officer(user: User, project: Project) -> bool:
    """An officer of the agency running the project's tender (holding its object grant)."""
    return is_tender_officer(user, project)


def lot_takes_bonds(lot: Lot) -> bool:
    """Bonds are lodged while the lot is open for bids (the service also checks the deadline)."""
    return lot.status == Lot.Status.OPEN_FOR_BIDS


def can_lodge_bond(user: User, bond: Bond) -> bool:
    return is_bond_supplier(user, bond) and bond.status == Bond.Status.REQUIRED and lot_takes_bonds(bond.lot)


def can_verify_bond(user: User, bond: Bond, *, officer: bool) -> bool:
    """`officer`: is_bond_officer(user, bond.lot.project), asked once per page (a grant check is
    two queries)."""
    return officer and bond.status == Bond.Status.LODGED


def can_refund_bond(user: User, bond: Bond, *, officer: bool) -> bool:
    return officer and bond.status == Bond.Status.REFUNDABLE


def can_forfeit_bond(user: User, bond: Bond, *, officer: bool) -> bool:
    return officer and bond.status == Bond.Status.VERIFIED
