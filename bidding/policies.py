"""Who may do what with bids and openings (pure predicates; no queries beyond the user's own)."""

from accounts.models import Organisation, Role, User
from accounts.policies import acting_membership
from procurement.models import Lot
from procurement.policies import is_regulator_of, is_tender_officer


def _verified(user: User) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def is_purchaser_side(user: User, lot: Lot) -> bool:
    membership = acting_membership(user)
    return (
        membership is not None
        and membership.organisation_id == lot.project.purchaser_id
        and membership.role in (Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER, Role.AGENCY_OFFICER)
    )


def can_open_bids(user: User, lot: Lot) -> bool:
    """An officer of the project's agency, or an approver of its purchaser, signed in with the
    second factor in this session (four eyes: the service also wants two different people)."""
    membership = acting_membership(user)
    if membership is None or not _verified(user):
        return False
    if is_tender_officer(user, lot.project):
        return True
    return (
        membership.organisation_id == lot.project.purchaser_id and membership.role == Role.PURCHASER_APPROVER
    )


def can_view_opening(user: User, lot: Lot) -> bool:
    """The opening page: the agency, the purchaser, the region's regulators, and suppliers (who see
    only their own receipt until the opening; the bids' content only after it)."""
    membership = acting_membership(user)
    if membership is None:
        return False
    if is_tender_officer(user, lot.project) or is_purchaser_side(user, lot):
        return True
    if membership.role == Role.REGULATOR and is_regulator_of(user, lot.project):
        return True
    return (
        membership.role == Role.SUPPLIER_REPRESENTATIVE
        and membership.organisation.kind == Organisation.Kind.SUPPLIER
    )


def can_see_collusion_flags(user: User, lot: Lot) -> bool:
    membership = acting_membership(user)
    if membership is None:
        return False
    return is_tender_officer(user, lot.project) or (
        membership.role == Role.REGULATOR and is_regulator_of(user, lot.project)
    )
