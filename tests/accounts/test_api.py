from django.urls import reverse

from accounts.models import Role, User

from .factories import MembershipFactory


def test_me_needs_login(client, db):
    assert client.get(reverse("accounts_api:me")).status_code == 403


def test_me_shows_the_active_membership(login, make_member, django_assert_num_queries):
    user = make_member(Role.PURCHASER_CLERK)
    for _ in range(3):
        MembershipFactory(user=user)
    client = login(user)
    client.get(reverse("accounts_api:me"))
    with django_assert_num_queries(2):
        response = client.get(reverse("accounts_api:me"))
    body = response.json()
    assert body["active_membership"]["role"] == "purchaser_clerk"
    assert len(body["memberships"]) == 4


def test_api_switch_with_a_forged_id_is_a_404_with_a_code(login, make_member):
    user = make_member(Role.PURCHASER_CLERK)
    foreign = MembershipFactory()
    client = login(user)
    response = client.post(
        reverse("accounts_api:switch_membership", args=[foreign.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 404
    assert response.json() == {"code": "membership_not_found", "detail": "No such membership."}
    assert User.objects.get(pk=user.pk).active_membership_id == user.active_membership_id


def test_api_refuses_unverified_privileged_roles(login, make_member):
    user = make_member(Role.REGULATOR)
    client = login(user, verified=False)
    response = client.get(reverse("accounts_api:me"))
    assert response.status_code == 403
    assert response.json()["code"] == "second_factor_required"
