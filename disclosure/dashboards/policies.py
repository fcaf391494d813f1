"""Who sees the regulator's dashboard, and of which region."""

from accounts.models import Role, User
from accounts.policies import acting_membership


def regulator_jurisdiction(user: User) -> str | None:
    """The region code of the regulator the user acts for (its jurisdiction), None for anyone
    who does not act as a regulator."""
    membership = acting_membership(user)
    if membership is None or membership.role != Role.REGULATOR:
        return None
    return membership.organisation.region_code or None


def can_view_regulator_dashboard(user: User) -> bool:
    return regulator_jurisdiction(user) is not None
