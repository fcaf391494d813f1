"""Every write of the accounts app: one transaction each, with its audit event."""

from collections.abc import Iterable

from django.contrib.auth import login as django_login
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.diff import changes, snapshot
from audit.services import record_event
from common.i18n import in_both_languages

from . import policies
from .exceptions import InvalidSecondFactorCode, MembershipNotFound, NotOrganisationManager
from .models import Membership, Notification, Organisation, User
from .permissions import grant, revoke
from .selectors import access_membership, access_notification, access_organisation, memberships_of

# What an organisation's own managers may change; kind and USCC are the operator's (admin).
SELF_SERVICE_ORGANISATION_FIELDS = ("name_zh", "name_en", "region_code")

ORGANISATION_AUDITED_FIELDS = (
    "kind",
    "name_zh",
    "name_en",
    "uscc",
    "region_code",
    "parent_id",
    "is_active",
)


def _client_address(request: HttpRequest | None) -> str:
    if request is None:
        return ""
    return request.META.get("REMOTE_ADDR", "")


@transaction.atomic
def log_in(request: HttpRequest, user: User, *, backend: str | None = None) -> User:
    """Log the user in (a new session key), make sure they act in a valid membership, audit it."""
    django_login(request, user, backend=backend)
    user = User.objects.select_for_update().get(pk=user.pk)
    memberships = list(memberships_of(user))
    active = next((m for m in memberships if m.pk == user.active_membership_id), None)
    if active is None and memberships:
        active = memberships[0]
        user.active_membership = active
        user.save(update_fields=["active_membership"])
    request.user.active_membership = active
    record_event(
        "accounts.login",
        actor=user,
        organisation=active.organisation if active else None,
        target=user,
        data={"ip": _client_address(request), "membership": active.pk if active else None},
    )
    return user


@transaction.atomic
def switch_membership(membership_id: int, *, actor: User, request: HttpRequest | None = None) -> Membership:
    """Act for another of one's own memberships. A foreign or unknown id is a 404 and changes nothing."""
    user = actor
    membership = access_membership(user, membership_id)
    if not policies.can_switch_to_membership(user, membership):
        raise MembershipNotFound()
    locked = User.objects.select_for_update().get(pk=user.pk)
    previous_id = locked.active_membership_id
    locked.active_membership = membership
    locked.save(update_fields=["active_membership"])
    user.active_membership = membership
    record_event(
        "accounts.membership_switched",
        actor=user,
        organisation=membership.organisation,
        target=membership,
        data={"from": previous_id, "to": membership.pk, "role": membership.role},
    )
    return membership


@transaction.atomic
def create_organisation(*, actor: User | None, **fields) -> Organisation:
    org = Organisation(**fields)
    org.full_clean()
    org.save()
    record_event(
        "accounts.organisation_created",
        actor=actor,
        organisation=org,
        target=org,
        data=snapshot(org, ORGANISATION_AUDITED_FIELDS),
    )
    return org


@transaction.atomic
def update_organisation(org: Organisation, *, actor: User | None, **fields) -> Organisation:
    """Change an organisation's registered details; the audit event records old and new values."""
    locked = Organisation.objects.select_for_update().get(pk=org.pk)
    before = snapshot(locked, ORGANISATION_AUDITED_FIELDS)
    for field, value in fields.items():
        setattr(locked, field, value)
    locked.full_clean()
    after = snapshot(locked, ORGANISATION_AUDITED_FIELDS)
    changed = changes(before, after)
    if not changed:
        return locked
    locked.save(update_fields=[k.removesuffix("_id") for k in changed] + ["updated_at"])
    record_event(
        "accounts.organisation_changed",
        actor=actor,
        organisation=locked,
        target=locked,
        data={"changes": changed},
    )
    return locked


MEMBERSHIP_AUDITED_FIELDS = ("user_id", "organisation_id", "role", "approval_limit", "is_active")


@transaction.atomic
def save_membership(membership: Membership, *, actor: User | None) -> Membership:
    """Grant a role, or change one (limit, deactivation). Operators do this in the admin."""
    before = None
    if membership.pk:
        stored = Membership.objects.select_for_update().get(pk=membership.pk)
        before = {f: getattr(stored, f) for f in MEMBERSHIP_AUDITED_FIELDS}
    membership.full_clean()
    membership.save()
    after = {f: getattr(membership, f) for f in MEMBERSHIP_AUDITED_FIELDS}
    if before is None:
        action, data = "accounts.membership_granted", after
    else:
        changed = changes(before, after)
        if not changed:
            return membership
        action, data = "accounts.membership_changed", {"changes": changed}
    record_event(action, actor=actor, organisation=membership.organisation, target=membership, data=data)
    return membership


@transaction.atomic
def edit_organisation_details(organisation_id: int, *, actor: User, **fields) -> Organisation:
    """A manager of the organisation corrects its names or region code."""
    user = actor
    organisation = access_organisation(user, organisation_id, lock=True)
    if not policies.can_manage_organisation(user, organisation):
        raise NotOrganisationManager()
    unknown = set(fields) - set(SELF_SERVICE_ORGANISATION_FIELDS)
    if unknown:
        raise ValueError(f"not editable here: {sorted(unknown)}")
    return update_organisation(organisation, actor=user, **fields)


@transaction.atomic
def set_organisation_manager(membership: Membership, *, manager: bool, actor: User | None) -> Membership:
    """Let a member manage the organisation's details (a django-guardian object grant), or stop."""
    membership = (
        Membership.objects.select_for_update().select_related("user", "organisation").get(pk=membership.pk)
    )
    if manager:
        grant(membership.user, policies.MANAGE_ORGANISATION, membership.organisation)
    else:
        revoke(membership.user, policies.MANAGE_ORGANISATION, membership.organisation)
    record_event(
        "accounts.organisation_manager_granted" if manager else "accounts.organisation_manager_revoked",
        actor=actor,
        organisation=membership.organisation,
        target=membership,
        data={"user": membership.user_id},
    )
    return membership


USER_AUDITED_FIELDS = (
    "username",
    "email",
    "first_name",
    "last_name",
    "name_en",
    "preferred_language",
    "is_active",
    "is_staff",
    "is_superuser",
)


@transaction.atomic
def save_user(user: User, *, actor: User | None) -> User:
    """Create a user (without a password: they choose one from a reset e-mail) or change one."""
    before = None
    if user.pk:
        stored = User.objects.select_for_update().get(pk=user.pk)
        before = {f: getattr(stored, f) for f in USER_AUDITED_FIELDS}
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    after = {f: getattr(user, f) for f in USER_AUDITED_FIELDS}
    if before is None:
        record_event("accounts.user_created", actor=actor, target=user, data=after)
    else:
        changed = changes(before, after)
        if changed:
            record_event("accounts.user_changed", actor=actor, target=user, data={"changes": changed})
    return user


@transaction.atomic
def send_password_reset(user: User, *, actor: User | None, domain: str, use_https: bool) -> None:
    """An operator asks the platform to e-mail the user a link to choose a new password."""
    from .tasks import send_password_reset_email

    record_event("accounts.password_reset_sent", actor=actor, target=user)
    language = user.preferred_language
    transaction.on_commit(lambda: send_password_reset_email.delay(user.pk, domain, use_https, language))


@transaction.atomic
def reset_password(user: User, new_password: str, *, request: HttpRequest | None = None) -> User:
    """The user chose a new password from a reset link: save it, lift any lockout, record it."""
    from axes.utils import reset as reset_lockout

    user = User.objects.select_for_update().get(pk=user.pk)
    user.set_password(new_password)
    user.save(update_fields=["password"])
    reset_lockout(username=user.get_username())
    record_event("accounts.password_reset", actor=user, target=user, data={"ip": _client_address(request)})
    return user


@transaction.atomic
def unlock_login(user: User, *, actor: User | None) -> int:
    """An operator lifts a login lockout (after checking who is asking, outside the platform)."""
    from axes.utils import reset as reset_lockout

    removed = reset_lockout(username=user.get_username())
    record_event("accounts.login_unlocked", actor=actor, target=user, data={"attempts_cleared": removed})
    return removed


@transaction.atomic
def reset_second_factor(user: User, *, actor: User | None) -> int:
    """Remove a user's authenticator devices: they enrol a new one at their next login."""
    removed, _ = TOTPDevice.objects.filter(user=user).delete()
    record_event("accounts.second_factor_reset", actor=actor, target=user, data={"devices_removed": removed})
    return removed


@transaction.atomic
def begin_second_factor_enrolment(*, actor: User) -> TOTPDevice:
    """The unconfirmed authenticator a user is setting up (made once; confirmed by enrol_second_factor)."""
    User.objects.select_for_update().get(pk=actor.pk)  # one enrolment at a time per user
    device = TOTPDevice.objects.filter(user=actor, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=actor, name="authenticator", confirmed=False)
        record_event("accounts.second_factor_enrolment_started", actor=actor, target=actor)
    return device


@transaction.atomic
def enrol_second_factor(request: HttpRequest, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirm a new TOTP device with a first valid code and mark the session verified."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=request.user)
    if not device.verify_token(token):
        raise InvalidSecondFactorCode()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    otp_login(request, device)
    record_event("accounts.second_factor_enrolled", actor=request.user, target=request.user)
    return device


@transaction.atomic
def verify_second_factor(request: HttpRequest, token: str) -> TOTPDevice:
    """Check a code against the user's confirmed devices. A code already used is refused (replay)."""
    for device in (
        TOTPDevice.objects.select_for_update().filter(user=request.user, confirmed=True).order_by("pk")
    ):
        if device.verify_token(token):
            otp_login(request, device)
            record_event("accounts.second_factor_verified", actor=request.user, target=request.user)
            return device
    raise InvalidSecondFactorCode()


@transaction.atomic
def notify(
    recipients: Iterable[User],
    *,
    subject,
    body="",
    link: str = "",
    email: bool = True,
) -> list[Notification]:
    """Put a message in each recipient's inbox, in both languages, and e-mail it after commit.

    ``subject`` and ``body`` are lazy translatable strings (gettext_lazy, or format_lazy for
    parameters): they are rendered once in Chinese and once in English.
    """
    (subject_zh, body_zh), (subject_en, body_en) = in_both_languages(lambda: (str(subject), str(body)))
    notifications = Notification.objects.bulk_create(
        [
            Notification(
                recipient=user,
                subject_zh=subject_zh,
                subject_en=subject_en,
                body_zh=body_zh,
                body_en=body_en,
                link=link,
            )
            for user in recipients
        ]
    )
    if email:
        from .tasks import send_notification_email

        for notification in notifications:
            transaction.on_commit(lambda pk=notification.pk: send_notification_email.delay(pk))
    return notifications


@transaction.atomic
def mark_notification_read(notification_id: int, *, actor: User) -> Notification:
    notification = access_notification(actor, notification_id, lock=True)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at", "updated_at"])
    return notification


@transaction.atomic
def mark_all_notifications_read(*, actor: User) -> int:
    return Notification.objects.filter(recipient=actor, read_at__isnull=True).update(
        read_at=timezone.now(), updated_at=timezone.now()
    )


@transaction.atomic
def record_notification_emailed(notification_id: int) -> Notification | None:
    """Mark a notification as e-mailed; None if it was already (the task is safe to run twice)."""
    updated = Notification.objects.filter(pk=notification_id, emailed_at__isnull=True).update(
        emailed_at=timezone.now()
    )
    if not updated:
        return None
    return Notification.objects.select_related("recipient").get(pk=notification_id)
