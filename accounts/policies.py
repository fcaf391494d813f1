"""Pure permission predicates: can_<verb>_<noun>(user, obj) -> bool."""

from .models import Membership, Notification, Role, User


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
