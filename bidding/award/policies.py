"""Who may see and confirm an award, and read its letters (pure predicates; no queries beyond the
user's own membership and the rows already loaded)."""

from accounts.models import Role, User
from accounts.policies import acting_membership
from procurement.models import Project
from procurement.policies import is_regulator_of, is_tender_officer

from .models import Award, AwardLetter

PURCHASER_ROLES = (Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER)


def _verified(user: User) -> bool:
    is_verified = getattr(user, "is_verified", None)
    return bool(is_verified and is_verified())


def is_purchaser_staff(user: User, project: Project) -> bool:
    """A clerk or approver acting for the project's purchaser."""
    membership = acting_membership(user)
    return (
        membership is not None
        and membership.role in PURCHASER_ROLES
        and membership.organisation_id == project.purchaser_id
    )


def can_list_awards(user: User) -> bool:
    """The purchaser's awards list: its clerks and approvers."""
    membership = acting_membership(user)
    return membership is not None and membership.role in PURCHASER_ROLES


def can_view_award(user: User, award: Award) -> bool:
    """The purchaser's clerks and approvers, and the officers of the agency running the tender."""
    project = award.lot.project
    return is_purchaser_staff(user, project) or is_tender_officer(user, project)


def can_confirm_award(user: User, award: Award) -> bool:
    """A clerk or approver of the purchaser, signed in with the second factor in this session."""
    return is_purchaser_staff(user, award.lot.project) and _verified(user)


def can_view_escalations(user: User) -> bool:
    membership = acting_membership(user)
    return membership is not None and membership.role == Role.REGULATOR


def can_see_escalated(user: User, award: Award) -> bool:
    return can_view_escalations(user) and is_regulator_of(user, award.lot.project)


def supplier_of(user: User):
    membership = acting_membership(user)
    if membership is None or membership.role != Role.SUPPLIER_REPRESENTATIVE:
        return None
    return membership.organisation


def can_read_letter(user: User, letter: AwardLetter) -> bool:
    """The bidder the letter is addressed to; the purchaser's staff and the agency see every letter."""
    supplier = supplier_of(user)
    if supplier is not None:
        return letter.bid.supplier_id == supplier.pk
    return can_view_award(user, letter.award)
