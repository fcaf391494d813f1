import pytest
from django.contrib.sessions.middleware import SessionMiddleware
from django.test import RequestFactory
from django.utils.translation import gettext_lazy as _

from accounts import permissions, services
from accounts.exceptions import MembershipNotFound
from accounts.models import Notification, Role, User
from audit.models import AuditEvent

from .factories import MembershipFactory, OrganisationFactory, UserFactory


def _request(user=None):
    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.1.2.3")
    SessionMiddleware(lambda r: None).process_request(request)
    request.session.save()
    from django.contrib.auth.models import AnonymousUser

    request.user = user or AnonymousUser()
    return request


def test_log_in_rotates_the_session_and_records_an_audit_event(make_member):
    user = make_member(Role.PURCHASER_CLERK)
    request = _request()
    old_key = request.session.session_key
    services.log_in(request, user, backend="accounts.backends.MembershipAwareModelBackend")
    assert request.session.session_key != old_key
    event = AuditEvent.objects.get(action="accounts.login")
    assert event.actor_id == user.pk
    assert event.organisation_id == user.active_membership.organisation_id
    assert event.data["ip"] == "10.1.2.3"


def test_log_in_picks_a_membership_when_none_is_active(db):
    m = MembershipFactory(
        role=Role.SUPPLIER_REPRESENTATIVE, organisation=OrganisationFactory(kind="supplier")
    )
    assert m.user.active_membership_id is None
    services.log_in(_request(), m.user, backend="accounts.backends.MembershipAwareModelBackend")
    assert User.objects.get(pk=m.user.pk).active_membership_id == m.pk


def test_switch_to_own_membership(make_member):
    user = make_member(Role.PURCHASER_CLERK)
    other = MembershipFactory(user=user, role=Role.PURCHASER_CLERK)
    services.switch_membership(other.pk, actor=user)
    assert User.objects.get(pk=user.pk).active_membership_id == other.pk
    event = AuditEvent.objects.get(action="accounts.membership_switched")
    assert event.data["to"] == other.pk
    assert event.organisation_id == other.organisation_id


def test_switch_to_someone_elses_membership_is_not_found_and_changes_nothing(make_member):
    user = make_member(Role.PURCHASER_CLERK)
    before = user.active_membership_id
    foreign = MembershipFactory()
    with pytest.raises(MembershipNotFound) as err:
        services.switch_membership(foreign.pk, actor=user)
    assert err.value.status == 404
    assert User.objects.get(pk=user.pk).active_membership_id == before
    assert not AuditEvent.objects.filter(action="accounts.membership_switched").exists()


def test_switch_to_inactive_membership_is_not_found(make_member):
    user = make_member(Role.PURCHASER_CLERK)
    inactive = MembershipFactory(user=user, is_active=False)
    with pytest.raises(MembershipNotFound):
        services.switch_membership(inactive.pk, actor=user)


def test_update_organisation_audits_old_and_new_values(make_member):
    operator = make_member(Role.OPERATOR)
    org = OrganisationFactory(name_en="Old Name")
    services.update_organisation(org, actor=operator, name_en="New Name")
    org.refresh_from_db()
    assert org.name_en == "New Name"
    event = AuditEvent.objects.get(action="accounts.organisation_changed")
    assert event.data == {"changes": {"name_en": {"old": "Old Name", "new": "New Name"}}}
    assert event.object_id == str(org.pk)


def test_update_organisation_with_bad_uscc_changes_nothing(make_member):
    from django.core.exceptions import ValidationError

    operator = make_member(Role.OPERATOR)
    org = OrganisationFactory()
    original = org.uscc
    with pytest.raises(ValidationError):
        services.update_organisation(org, actor=operator, uscc=original[:-1] + "X")
    org.refresh_from_db()
    assert org.uscc == original
    assert not AuditEvent.objects.filter(action="accounts.organisation_changed").exists()


def test_unchanged_organisation_writes_no_event(make_member):
    org = OrganisationFactory()
    services.update_organisation(org, actor=None, name_en=org.name_en)
    assert not AuditEvent.objects.filter(action="accounts.organisation_changed").exists()


def test_notify_stores_both_languages_and_schedules_the_email(
    db, django_capture_on_commit_callbacks, monkeypatch
):
    from accounts import tasks

    sent = []
    monkeypatch.setattr(tasks.send_notification_email, "delay", lambda pk: sent.append(pk))
    users = UserFactory.create_batch(2)
    with django_capture_on_commit_callbacks(execute=True):
        notes = services.notify(users, subject=_("Welcome to Sunlight"), body=_("No messages."))
    assert {n.subject_en for n in notes} == {"Welcome to Sunlight"}
    assert notes[0].subject_zh == "欢迎使用阳光采购平台"
    assert sorted(sent) == sorted(n.pk for n in notes)


def test_mark_read_is_only_for_the_recipient(db):
    from accounts.exceptions import NotificationNotFound

    owner, other = UserFactory.create_batch(2)
    (note,) = services.notify([owner], subject=_("Welcome to Sunlight"), email=False)
    with pytest.raises(NotificationNotFound):
        services.mark_notification_read(note.pk, actor=other)
    assert Notification.objects.get(pk=note.pk).read_at is None
    services.mark_notification_read(note.pk, actor=owner)
    assert Notification.objects.get(pk=note.pk).read_at is not None


def test_object_permission_grant_and_revoke(make_member):
    officer = make_member(Role.AGENCY_OFFICER)
    org = OrganisationFactory()
    other = OrganisationFactory()
    assert not permissions.has_object_permission(officer, "accounts.manage_organisation", org)
    permissions.grant(officer, "accounts.manage_organisation", org)
    officer = User.objects.get(pk=officer.pk)  # guardian caches per instance
    assert permissions.has_object_permission(officer, "accounts.manage_organisation", org)
    assert not permissions.has_object_permission(officer, "accounts.manage_organisation", other)
    from accounts.models import Organisation

    granted = permissions.objects_granted(officer, "accounts.manage_organisation", Organisation.objects.all())
    assert list(granted) == [org]
    permissions.revoke(officer, "accounts.manage_organisation", org)
    officer = User.objects.get(pk=officer.pk)
    assert not permissions.has_object_permission(officer, "accounts.manage_organisation", org)


def test_granting_and_changing_a_membership_is_audited(make_member):
    from accounts.models import Membership

    operator = make_member(Role.OPERATOR)
    user = UserFactory()
    org = OrganisationFactory(kind="purchaser")
    m = services.save_membership(
        Membership(user=user, organisation=org, role=Role.PURCHASER_APPROVER, approval_limit=1_000_000),
        actor=operator,
    )
    granted = AuditEvent.objects.get(action="accounts.membership_granted")
    assert granted.data["role"] == "purchaser_approver"
    assert granted.organisation_id == org.pk
    m.approval_limit = 2_000_000
    services.save_membership(m, actor=operator)
    changed = AuditEvent.objects.get(action="accounts.membership_changed")
    assert changed.data["changes"]["approval_limit"] == {"old": "1000000.00", "new": "2000000"}


def test_a_role_that_does_not_fit_the_organisation_is_refused(make_member):
    from django.core.exceptions import ValidationError

    from accounts.models import Membership

    with pytest.raises(ValidationError):
        services.save_membership(
            Membership(user=UserFactory(), organisation=OrganisationFactory(kind="bank"), role=Role.EXPERT),
            actor=None,
        )
    assert (
        not Membership.objects.exists()
        or not AuditEvent.objects.filter(action="accounts.membership_granted").exists()
    )
