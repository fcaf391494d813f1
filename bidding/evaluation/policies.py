"""Who may see what of an evaluation (pure predicates; no queries beyond the user's own)."""

from accounts.models import Role, User
from accounts.policies import acting_membership
from experts.models import PanelSeat
from procurement.models import Lot
from procurement.policies import is_regulator_of, is_tender_officer

from ..policies import _verified, is_purchaser_side


def acts_in_seat(user: User, seat: PanelSeat, lot: Lot) -> bool:
    """The member acts in the membership they sit in: an expert as an expert, a purchaser
    representative for the lot's purchaser."""
    membership = acting_membership(user)
    if membership is None:
        return False
    if seat.kind == PanelSeat.Kind.EXPERT:
        return membership.role == Role.EXPERT
    return membership.organisation_id == lot.project.purchaser_id


def can_sign(user: User) -> bool:
    return _verified(user)


def can_follow_progress(user: User, lot: Lot) -> bool:
    """The agency running the tender and the region's regulators see who has submitted (never the
    scores before the report)."""
    membership = acting_membership(user)
    if membership is None:
        return False
    return is_tender_officer(user, lot.project) or (
        membership.role == Role.REGULATOR and is_regulator_of(user, lot.project)
    )


def can_read_report(user: User, lot: Lot) -> bool:
    """The sealed report: the purchaser's side and the agency, the region's regulators (members of
    the panel are checked by the caller, through their seat)."""
    membership = acting_membership(user)
    if membership is None:
        return False
    if is_tender_officer(user, lot.project) or is_purchaser_side(user, lot):
        return True
    return membership.role == Role.REGULATOR and is_regulator_of(user, lot.project)
