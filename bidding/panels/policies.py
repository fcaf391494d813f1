"""Who may do what with a lot's panel (pure predicates; no queries beyond the user's own).

Before the result notice a panel is the agency's secret: only the officers running the tender see
that it exists (its seats' states and counts, never the experts' names); the purchaser and the
suppliers see nothing; each member sees their own invitation."""

from accounts.models import Role, User
from accounts.policies import acting_membership
from procurement.models import Lot
from procurement.policies import is_tender_officer

from ..policies import _verified

REPRESENTATIVE_ROLES = frozenset({Role.PURCHASER_CLERK, Role.PURCHASER_APPROVER})


def can_view_panel(user: User, lot: Lot) -> bool:
    """The panel page of a lot: the officers of the agency running the tender."""
    return is_tender_officer(user, lot.project)


def can_request_panel(user: User, lot: Lot) -> bool:
    """Request and draw: an officer of the agency, signed in with the second factor, after opening."""
    return is_tender_officer(user, lot.project) and _verified(user) and lot.status == Lot.Status.OPENED


def can_name_representative(user: User, lot: Lot) -> bool:
    """Invite another purchaser representative: an officer of the agency with the second factor,
    while the lot is under evaluation (its drawn panel awaiting members)."""
    return is_tender_officer(user, lot.project) and _verified(user) and lot.status == Lot.Status.EVALUATING


def is_panel_member(user: User) -> bool:
    membership = acting_membership(user)
    return membership is not None and (
        membership.role == Role.EXPERT or membership.role in REPRESENTATIVE_ROLES
    )
