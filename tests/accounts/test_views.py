import pytest
from django.contrib.auth import SESSION_KEY
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts import services
from accounts.models import Role, User
from accounts.views import ROLE_SLUGS
from audit.models import AuditEvent

from .factories import MembershipFactory, UserFactory
from .fixtures import PASSWORD, current_code

ALL_ROLES = list(Role)
SECOND_FACTOR = {Role.PURCHASER_APPROVER, Role.AGENCY_OFFICER, Role.REGULATOR, Role.OPERATOR}


@pytest.mark.parametrize("lang, text", [("zh-hans", "登录"), ("en", "Log in to Sunlight")])
def test_login_page_in_both_languages(client, db, lang, text):
    response = client.get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE=lang)
    assert response.status_code == 200
    assert text in response.content.decode()


def test_login_page_sets_a_nonce_csp(client, db):
    response = client.get(reverse("accounts:login"))
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp
    nonce = csp.split("'nonce-")[1].split("'")[0]
    body = response.content.decode()
    assert f'nonce="{nonce}"' in body
    assert "<style" not in body and " style=" not in body


@pytest.mark.parametrize("role", [r for r in ALL_ROLES if r not in SECOND_FACTOR])
def test_login_lands_on_the_roles_workspace(client, make_member, role):
    user = make_member(role)
    old_session = client.session.session_key
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    response = client.get(response.url, follow=True)
    assert response.request["PATH_INFO"] == reverse("accounts:workspace_role", args=[ROLE_SLUGS[role]])
    assert client.session[SESSION_KEY] == str(user.pk)
    assert client.session.session_key != old_session
    assert AuditEvent.objects.filter(action="accounts.login", actor=user).count() == 1


@pytest.mark.parametrize(
    "lang, text", [("zh-hans", "用户名或密码错误"), ("en", "The username or the password is wrong.")]
)
def test_wrong_password_is_a_translated_error(client, make_member, lang, text):
    user = make_member()
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": "wrong"}, HTTP_ACCEPT_LANGUAGE=lang
    )
    assert response.status_code == 200
    assert text in response.content.decode()
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("lang, text", [("zh-hans", "尝试失败次数过多"), ("en", "Too many failed attempts")])
def test_lockout_after_the_configured_failures(client, make_member, settings, lang, text):
    user = make_member()
    for _i in range(settings.AXES_FAILURE_LIMIT):
        client.post(
            reverse("accounts:login"),
            {"username": user.username, "password": "wrong"},
            HTTP_ACCEPT_LANGUAGE=lang,
        )
    response = client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE=lang,
    )
    assert response.status_code == 429
    assert text in response.content.decode()
    assert SESSION_KEY not in client.session


@pytest.mark.parametrize("role", sorted(SECOND_FACTOR))
def test_privileged_roles_must_pass_the_second_factor(client, make_member, role):
    user = make_member(role)
    response = client.post(
        reverse("accounts:login"), {"username": user.username, "password": PASSWORD}, follow=True
    )
    assert response.request["PATH_INFO"] == reverse("accounts:otp_verify")
    response = client.post(reverse("accounts:otp_verify"), {"token": current_code(user)}, follow=True)
    assert response.request["PATH_INFO"] == reverse("accounts:workspace_role", args=[ROLE_SLUGS[role]])
    assert AuditEvent.objects.filter(action="accounts.second_factor_verified", actor=user).exists()


def test_a_replayed_second_factor_code_is_refused(client, make_member):
    user = make_member(Role.PURCHASER_APPROVER)
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    code = current_code(user)
    assert client.post(reverse("accounts:otp_verify"), {"token": code}).status_code == 302
    client.post(reverse("accounts:logout"))
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    response = client.post(reverse("accounts:otp_verify"), {"token": code}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "already used" in response.content.decode()
    response = client.get(reverse("accounts:workspace"))
    assert response.url.startswith(reverse("accounts:otp_verify"))


def test_malformed_second_factor_code_is_refused(client, make_member):
    user = make_member(Role.REGULATOR)
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    response = client.post(reverse("accounts:otp_verify"), {"token": "12ab"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.status_code == 400
    assert "六位" in response.content.decode()


def test_first_enrolment_of_an_authenticator(client, db):
    from django_otp.oath import totp
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user = MembershipFactory(role=Role.REGULATOR, organisation__kind="regulator").user
    user.active_membership = user.memberships.get()
    user.save()
    client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD})
    response = client.get(reverse("accounts:workspace"), follow=True)
    assert response.request["PATH_INFO"] == reverse("accounts:otp_setup")
    assert "data:image/svg+xml;base64," in response.content.decode()
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    import time

    now = int(time.time()) // device.step
    valid = {f"{totp(device.bin_key, t0=device.t0 - d * device.step):06d}" for d in (-1, 0, 1)}
    wrong = next(f"{n:06d}" for n in range(1_000_000) if f"{n:06d}" not in valid)
    assert now and client.post(reverse("accounts:otp_setup"), {"token": wrong}).status_code == 400
    assert not TOTPDevice.objects.get(pk=device.pk).confirmed
    code = f"{totp(device.bin_key):06d}"
    response = client.post(reverse("accounts:otp_setup"), {"token": code}, follow=True)
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    assert (
        AuditEvent.objects.filter(action="accounts.second_factor_enrolment_started", actor=user).count() == 1
    )
    assert response.request["PATH_INFO"].startswith("/accounts/workspace/")


@pytest.mark.parametrize("role", ALL_ROLES)
def test_workspace_permission_matrix(login, make_member, role, django_assert_num_queries):
    user = make_member(role)
    client = login(user)
    services.notify([user], subject=_("Welcome to Sunlight"), email=False)
    services.notify([user], subject=_("Welcome to Sunlight"), email=False)
    services.notify([user], subject=_("Welcome to Sunlight"), email=False)
    own = reverse("accounts:workspace_role", args=[ROLE_SLUGS[role]])
    client.get(own)
    # user with membership, notifications, activity, other memberships, unread count,
    # and for second-factor roles the verified device
    with django_assert_num_queries(6 if role in SECOND_FACTOR else 5):
        response = client.get(own, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert f'<span class="badge sunlight-role-badge">{role.label}</span>' in response.content.decode()
    for other in ALL_ROLES:
        if other != role:
            assert client.get(reverse("accounts:workspace_role", args=[ROLE_SLUGS[other]])).status_code == 404


def test_workspace_needs_login(client, db):
    response = client.get(reverse("accounts:workspace_role", args=["purchaser-clerk"]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_workspace_query_count_is_fixed(login, make_member, django_assert_num_queries):
    user = make_member(Role.PURCHASER_CLERK)
    for _i in range(3):
        MembershipFactory(user=user, role=Role.PURCHASER_CLERK)
        services.notify([user], subject=_("Welcome to Sunlight"), email=False)
    client = login(user)
    url = reverse("accounts:workspace_role", args=["purchaser-clerk"])
    client.get(url)
    # user+membership, notifications, events, memberships (switcher), unread count
    with django_assert_num_queries(5):
        response = client.get(url)
    assert response.status_code == 200


def test_switch_membership_by_click(login, make_member):
    user = make_member(Role.PURCHASER_CLERK)
    other = MembershipFactory(user=user, role=Role.SUPPLIER_REPRESENTATIVE, organisation__kind="supplier")
    client = login(user)
    response = client.post(reverse("accounts:switch_membership", args=[other.pk]), follow=True)
    assert response.request["PATH_INFO"] == reverse(
        "accounts:workspace_role", args=["supplier-representative"]
    )
    assert User.objects.get(pk=user.pk).active_membership_id == other.pk


def test_forged_membership_id_is_404_and_changes_nothing(login, make_member):
    user = make_member(Role.PURCHASER_CLERK)
    before = user.active_membership_id
    foreign = MembershipFactory()
    client = login(user)
    assert client.post(reverse("accounts:switch_membership", args=[foreign.pk])).status_code == 404
    assert client.post(reverse("accounts:switch_membership", args=[999999])).status_code == 404
    assert client.get(reverse("accounts:switch_membership", args=[before])).status_code == 405
    assert User.objects.get(pk=user.pk).active_membership_id == before


def test_inbox_lists_and_marks_read(login, make_member, django_assert_num_queries):
    user = make_member()
    notes = [services.notify([user], subject=_("Welcome to Sunlight"), email=False)[0] for _i in range(3)]
    client = login(user)
    client.get(reverse("accounts:inbox"))
    with django_assert_num_queries(4):
        response = client.get(reverse("accounts:inbox"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert response.content.decode().count("欢迎使用阳光采购平台") >= 3
    response = client.post(reverse("accounts:notification_read", args=[notes[0].pk]), HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="notification-{notes[0].pk}"' in response.content.decode()
    assert "<html" not in response.content.decode()
    notes[0].refresh_from_db()
    assert notes[0].read_at is not None


def test_cannot_mark_another_users_notification(login, make_member):
    owner, intruder = make_member(), make_member()
    (note,) = services.notify([owner], subject=_("Welcome to Sunlight"), email=False)
    client = login(intruder)
    assert client.post(reverse("accounts:notification_read", args=[note.pk])).status_code == 404
    note.refresh_from_db()
    assert note.read_at is None


def test_password_reset_email_goes_through_the_worker(client, celery_worker, settings):
    user = UserFactory(email="clerk@example.cn")
    response = client.post(reverse("accounts:password_reset"), {"email": "clerk@example.cn"})
    assert response.status_code == 302
    import time

    for _i in range(100):
        if mail.outbox:
            break
        time.sleep(0.05)
    assert len(mail.outbox) == 1
    assert "/accounts/password-reset/" in mail.outbox[0].body
    assert mail.outbox[0].to == [user.email]


def test_operator_reaches_the_admin_after_second_factor(login, make_member, client):
    user = make_member(Role.OPERATOR)
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    login(user, verified=False)
    response = client.get(reverse("admin:index"))
    assert response.status_code == 302 and "second-factor" in response.url
    login(user, verified=True)
    assert client.get(reverse("admin:index")).status_code == 200


def test_non_staff_cannot_use_the_admin(login, make_member, client):
    login(make_member(Role.SUPPLIER_REPRESENTATIVE))
    response = client.get(reverse("admin:index"), follow=True)
    assert response.status_code == 403


def test_admin_organisation_change_is_audited(login, make_member, client):
    from .factories import OrganisationFactory

    user = make_member(Role.OPERATOR)
    User.objects.filter(pk=user.pk).update(is_staff=True, is_superuser=True)
    login(user)
    org = OrganisationFactory(name_en="Before")
    url = reverse("admin:accounts_organisation_change", args=[org.pk])
    data = {
        "kind": org.kind,
        "name_zh": org.name_zh,
        "name_en": "After",
        "uscc": org.uscc,
        "region_code": org.region_code,
        "parent": "",
        "is_active": "on",
    }
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    org.refresh_from_db()
    assert org.name_en == "After"
    event = AuditEvent.objects.get(action="accounts.organisation_changed")
    assert event.actor_id == user.pk


def test_language_switch_sets_english(client, db):
    response = client.post(
        reverse("set_language"), {"language": "en", "next": "/accounts/login/"}, follow=True
    )
    assert "Log in to Sunlight" in response.content.decode()


def test_a_completed_password_reset_lifts_the_lockout_and_is_audited(client, make_member, settings):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = make_member(Role.SUPPLIER_REPRESENTATIVE)
    for _i in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": user.username, "password": "wrong"})
    assert (
        client.post(reverse("accounts:login"), {"username": user.username, "password": PASSWORD}).status_code
        == 429
    )
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    url = reverse("accounts:password_reset_confirm", args=[uid, default_token_generator.make_token(user)])
    response = client.get(url, follow=True)
    new = "a-Brand-new-passphrase-2026"
    response = client.post(response.request["PATH_INFO"], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="accounts.password_reset", actor=user).exists()
    response = client.post(reverse("accounts:login"), {"username": user.username, "password": new})
    assert response.status_code == 302


def test_english_pages_show_the_english_name(login, make_member):
    user = make_member(Role.PURCHASER_CLERK)
    User.objects.filter(pk=user.pk).update(first_name="王芳", name_en="Wang Fang")
    client = login(User.objects.get(pk=user.pk))
    english = client.get(reverse("accounts:inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    chinese = client.get(reverse("accounts:inbox"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "Wang Fang" in english and "王芳" not in english
    assert "王芳" in chinese


def test_the_second_factor_redirect_keeps_the_whole_next_url(login, make_member):
    from urllib.parse import parse_qs, urlparse

    client = login(make_member(Role.REGULATOR), verified=False)
    response = client.get("/accounts/inbox/?a=1&b=2")
    assert parse_qs(urlparse(response.url).query)["next"] == ["/accounts/inbox/?a=1&b=2"]


def test_only_named_public_pages_skip_the_second_factor(login, make_member):
    client = login(make_member(Role.REGULATOR), verified=False)
    assert client.get(reverse("audit:chain")).status_code == 200
    assert client.get("/audit/anything-new/").status_code == 302


def test_marking_read_in_place_updates_the_unread_badge(login, make_member):
    user = make_member()
    first, _second = (
        services.notify([user], subject=_("Welcome to Sunlight"), email=False)[0] for _i in range(2)
    )
    client = login(user)
    response = client.post(reverse("accounts:notification_read", args=[first.pk]), HTTP_HX_REQUEST="true")
    body = response.content.decode()
    assert 'id="unread-badge"' in body and 'hx-swap-oob="true"' in body
    assert ">1</span>" in body


def test_a_get_on_a_form_address_gets_a_translated_page(login, make_member):
    client = login(make_member())
    response = client.get(reverse("accounts:notifications_read_all"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 405
    assert "only takes a form" in response.content.decode()
    assert response["Allow"] == "POST"
