"""Pure permission predicates: can_<verb>_<noun>(user, obj) -> bool."""

from .models import Membership, Notification, Organisation, Role, User
from .permissions import has_object_permission

# Roles that may read any organisation's registration page (they supervise or run the platform).
ORGANISATION_OVERSIGHT_ROLES = frozenset({Role.OPERATOR, Role.REGULATOR})
MANAGE_ORGANISATION = "accounts.manage_organisation"


def can_switch_to_membership(user: User, membership: Membership) -> bool:
    return (
        user.is_authenticated
        and membership.user_id == user.pk
        and membership.is_active
        and membership.organisation.is_active
    )


def can_read_notification(user: User, notification: Notification) -> bool:
    return user.is_authenticated and notification.recipient_id == user.pk


def can_manage_organisations(user: User) -> bool:
    membership = getattr(user, "active_membership", None)
    return bool(user.is_authenticated and membership and membership.role == Role.OPERATOR)


def acting_membership(user: User) -> Membership | None:
    """The membership the user acts in, if it and its organisation are still active."""
    membership = getattr(user, "active_membership", None) if user.is_authenticated else None
    if membership is None or not membership.is_active or not membership.organisation.is_active:
        return None
    return membership


def can_view_organisation(user: User, organisation: Organisation) -> bool:
    """Its own members (not experts: the pool is no workplace), regulators and operators."""
    membership = acting_membership(user)
    if membership is None:
        return False
    if membership.role in ORGANISATION_OVERSIGHT_ROLES:
        return True
    return membership.organisation_id == organisation.pk and membership.role != Role.EXPERT


def can_manage_organisation(user: User, organisation: Organisation) -> bool:
    """Edit the organisation's names and region: its own members holding the object grant."""
    membership = acting_membership(user)
    return (
        membership is not None
        and organisation.is_active
        and membership.organisation_id == organisation.pk
        and membership.role != Role.EXPERT
        and has_object_permission(user, MANAGE_ORGANISATION, organisation)
    )


def jurisdiction_prefix(jurisdiction: str) -> str:
    """The prefix of the region codes an authority of region `jurisdiction` supervises.

    Administrative codes are PPCCDD: a province (PP0000) covers its cities and counties, a city
    (PPCC00) its counties, a county only itself.
    """
    if jurisdiction.endswith("0000"):
        return jurisdiction[:2]
    if jurisdiction.endswith("00"):
        return jurisdiction[:4]
    return jurisdiction


def region_covers(jurisdiction: str, region_code: str) -> bool:
    """Whether an authority of region `jurisdiction` supervises region `region_code`."""
    if not jurisdiction or not region_code:
        return False
    return region_code.startswith(jurisdiction_prefix(jurisdiction))
