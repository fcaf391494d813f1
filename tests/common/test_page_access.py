"""Who may open each page: anonymous visitors, and a logged-in member of any role."""

import pytest
from django.urls import reverse

from accounts.models import Role

PUBLIC = [
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "audit:chain",
    "healthz",
]
LOGIN_REQUIRED = ["accounts:workspace", "accounts:inbox", "accounts:otp_verify", "accounts:otp_setup"]
POST_ONLY = [
    ("accounts:logout", []),
    ("accounts:notifications_read_all", []),
    ("accounts:switch_membership", [1]),
    ("accounts:notification_read", [1]),
]


@pytest.mark.parametrize("name", PUBLIC)
def test_public_pages_need_no_login(client, db, name):
    from common.health import record_heartbeat

    record_heartbeat()
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", LOGIN_REQUIRED)
def test_private_pages_send_anonymous_visitors_to_login(client, db, name):
    response = client.get(reverse(name))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


@pytest.mark.parametrize("name, args", POST_ONLY)
def test_state_changing_urls_refuse_get(login, make_member, name, args):
    client = login(make_member(Role.SUPPLIER_REPRESENTATIVE))
    assert client.get(reverse(name, args=args)).status_code == 405


@pytest.mark.parametrize("name, args", POST_ONLY[1:])
def test_state_changing_urls_refuse_anonymous_posts(client, db, name, args):
    response = client.post(reverse(name, args=args))
    assert response.status_code == 302
    assert response.url.startswith(reverse("accounts:login"))


def test_post_without_csrf_token_is_refused(make_member, db):
    from django.test import Client

    from tests.accounts.fixtures import PASSWORD

    user = make_member(Role.PURCHASER_CLERK)
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        reverse("accounts:login"),
        {"username": user.username, "password": PASSWORD},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 403
    assert "表单已过期" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_favicon_points_at_the_logo(client, db):
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.url.endswith("img/sunlight.svg")
