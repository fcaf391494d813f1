"""Pure permission predicates of the expert pool.

The pool is kept by the platform operator and the regulators: a regulator reviews, registers,
suspends and reinstates the experts of the regions it supervises; the operator those of every
region. An expert reads and changes only their own profile. Decisions need a verified second
factor (regulators and operators pass one when they log in; services called outside a request
are checked here as well).
"""

from accounts.models import Role, User
from accounts.policies import acting_membership, region_covers

from .models import ExpertProfile

KEEPER_ROLES = frozenset({Role.OPERATOR, Role.REGULATOR})


def is_verified(user: User) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(check and check())


def is_expert(user: User) -> bool:
    membership = acting_membership(user)
    return membership is not None and membership.role == Role.EXPERT


def is_pool_keeper(user: User) -> bool:
    """Opens the pool list: the platform operator and regulators (each profile is checked)."""
    membership = acting_membership(user)
    return membership is not None and membership.role in KEEPER_ROLES


def covers_region(user: User, region_code: str) -> bool:
    """The operator covers every region; a regulator those of its jurisdiction."""
    membership = acting_membership(user)
    if membership is None or membership.role not in KEEPER_ROLES:
        return False
    if membership.role == Role.OPERATOR:
        return True
    return region_covers(membership.organisation.region_code, region_code)


def can_view_expert(user: User, profile: ExpertProfile) -> bool:
    return is_own_profile(user, profile) or covers_region(user, profile.region_code)


def is_own_profile(user: User, profile: ExpertProfile) -> bool:
    return is_expert(user) and profile.user_id == user.pk


def can_review_expert(user: User, profile: ExpertProfile) -> bool:
    """Approve, reject, suspend, reinstate: a keeper covering the expert's region, second factor passed."""
    return covers_region(user, profile.region_code) and is_verified(user)


def can_register_expert(user: User, region_code: str) -> bool:
    """Register an expert straight into the pool of a region the keeper covers."""
    return covers_region(user, region_code) and is_verified(user)


def can_edit_expert_profile(user: User, profile: ExpertProfile) -> bool:
    return is_own_profile(user, profile)
