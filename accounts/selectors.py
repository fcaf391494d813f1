"""Reads for the account pages: querysets with their joins baked in."""

from django.db.models import QuerySet

from . import policies
from .exceptions import MembershipNotFound, NotificationNotFound, OrganisationNotFound
from .models import Membership, Notification, Organisation, Role, User


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


# Session events are noise in a colleague's feed (and who logs in when is not everyone's business).
SESSION_ACTIONS = ("accounts.login", "accounts.second_factor_verified", "accounts.membership_switched")


def workspace_activity(user: User, membership: Membership):
    """Recent audit events for the workspace: the organisation's, or an expert's own only."""
    from audit.models import AuditEvent
    from audit.selectors import events_for_organisation

    if membership.role == Role.EXPERT:
        return (
            AuditEvent.objects.filter(actor=user)
            .select_related("actor", "organisation")
            .order_by("-sequence")
        )
    return events_for_organisation(membership.organisation).exclude(action__in=SESSION_ACTIONS)
