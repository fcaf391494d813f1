"""Reads for the account pages: querysets with their joins baked in."""

from django.db.models import QuerySet

from . import policies
from .exceptions import MembershipNotFound, NotificationNotFound, OrganisationNotFound
from .models import Membership, Notification, Organisation, User


def memberships_of(user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user, is_active=True, organisation__is_active=True)
        .select_related("organisation")
        .order_by("organisation__name_zh", "role")
    )


def access_membership(user: User, pk: int, *, lock: bool = False) -> Membership:
    """The user's own active membership, or 404 (whether it does not exist or is someone else's)."""
    qs = memberships_of(user)
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        return qs.get(pk=pk)
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise MembershipNotFound() from None


def notifications_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=user)


def unread_count(user: User) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()


def access_notification(user: User, pk: int, *, lock: bool = False) -> Notification:
    qs = Notification.objects.filter(recipient=user)
    if lock:
        qs = qs.select_for_update()
    try:
        return qs.get(pk=pk)
    except (Notification.DoesNotExist, ValueError, TypeError):
        raise NotificationNotFound() from None


def access_organisation(user: User, pk: int, *, lock: bool = False) -> Organisation:
    """An organisation the user may see, or 404 (unknown and not-yours look the same)."""
    qs = Organisation.objects.select_related("parent")
    if lock:
        qs = qs.select_for_update(of=("self",))
    try:
        organisation = qs.get(pk=pk)
    except (Organisation.DoesNotExist, ValueError, TypeError):
        raise OrganisationNotFound() from None
    if not policies.can_view_organisation(user, organisation):
        raise OrganisationNotFound()
    return organisation


def members_of(organisation: Organisation) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(organisation=organisation, is_active=True)
        .select_related("user")
        .order_by("role", "user__username")
    )
