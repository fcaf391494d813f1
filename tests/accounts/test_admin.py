"""The operators' admin: every change to users goes through audited services; no secrets shown."""

import pytest
from django.contrib import admin
from django.core import mail
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Role, User
from audit.models import AuditEvent

from .factories import UserFactory


@pytest.fixture
def operator_client(login, make_member):
    operator = make_member(Role.OPERATOR)
    User.objects.filter(pk=operator.pk).update(is_staff=True, is_superuser=True)
    client = login(User.objects.get(pk=operator.pk))
    client.operator = operator
    return client


def test_authenticator_secrets_are_not_in_the_admin():
    assert not admin.site.is_registered(TOTPDevice)


def test_login_attempts_are_read_only(operator_client):
    from axes.models import AccessAttempt

    model_admin = admin.site._registry[AccessAttempt]
    request = type("R", (), {"user": operator_client.operator})()
    assert not model_admin.has_delete_permission(request)
    assert not model_admin.has_change_permission(request)


def test_a_new_user_has_no_password_and_is_audited(operator_client):
    data = {
        "username": "new_clerk",
        "email": "new@example.cn",
        "first_name": "新人",
        "name_en": "Xin Ren",
        "preferred_language": "zh-hans",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = operator_client.post(reverse("admin:accounts_user_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="new_clerk")
    assert not user.has_usable_password()
    event = AuditEvent.objects.get(action="accounts.user_created")
    assert event.actor_id == operator_client.operator.pk and event.object_id == str(user.pk)


def test_changing_a_user_records_old_and_new(operator_client):
    user = UserFactory(is_staff=False)
    data = {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "name_en": "",
        "preferred_language": "zh-hans",
        "is_active": "on",
        "is_staff": "on",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
    }
    response = operator_client.post(reverse("admin:accounts_user_change", args=[user.pk]), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    event = AuditEvent.objects.get(action="accounts.user_changed")
    assert event.data["changes"]["is_staff"] == {"old": False, "new": True}


def test_operators_cannot_set_passwords(operator_client):
    user = UserFactory()
    url = reverse("admin:auth_user_password_change", args=[user.pk])
    assert operator_client.get(url).status_code == 403
    assert operator_client.post(url, {"password1": "x" * 12, "password2": "x" * 12}).status_code == 403
    assert User.objects.get(pk=user.pk).check_password("correct-horse-battery")


def test_actions_send_a_reset_unlock_and_reset_the_second_factor(operator_client, make_member, celery_worker):
    import time

    target = make_member(Role.REGULATOR)
    assert TOTPDevice.objects.filter(user=target).exists()
    url = reverse("admin:accounts_user_changelist")
    for action in ("send_password_reset", "unlock_login", "reset_second_factor"):
        response = operator_client.post(url, {"action": action, "_selected_action": [target.pk]})
        assert response.status_code == 302
    assert not TOTPDevice.objects.filter(user=target).exists()
    actions = set(AuditEvent.objects.filter(object_id=str(target.pk)).values_list("action", flat=True))
    assert {
        "accounts.password_reset_sent",
        "accounts.login_unlocked",
        "accounts.second_factor_reset",
    } <= actions
    for _i in range(100):
        if mail.outbox:
            break
        time.sleep(0.05)
    assert len(mail.outbox) == 1 and "/accounts/password-reset/" in mail.outbox[0].body
