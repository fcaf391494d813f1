"""Who may read which red flags: pure predicates over the acting membership."""

from accounts.models import Role, User
from accounts.policies import acting_membership


def regulator_jurisdiction(user: User) -> str | None:
    """The region code a regulator acts for, or None when the user is not acting as a regulator.
    The worklist and the detail pages show only flags of that region."""
    membership = acting_membership(user)
    if membership is None or membership.role != Role.REGULATOR:
        return None
    return membership.organisation.region_code or ""


def can_view_worklist(user: User) -> bool:
    return regulator_jurisdiction(user) is not None
