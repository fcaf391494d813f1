"""The organisation page: who sees it, who corrects it, and that a forged id changes nothing."""

import pytest
from django.urls import reverse

from accounts import services
from accounts.models import Organisation, Role, User
from audit.models import AuditEvent

from .factories import MembershipFactory, OrganisationFactory

EDIT = {"name_zh": "新名称有限公司", "name_en": "New Name Co., Ltd.", "region_code": "510700"}


def _manager(make_member, role=Role.SUPPLIER_REPRESENTATIVE):
    user = make_member(role)
    services.set_organisation_manager(user.active_membership, manager=True, actor=None)
    return User.objects.get(pk=user.pk)


def test_a_member_sees_the_page_and_its_members(login, make_member, django_assert_num_queries):
    user = make_member(Role.SUPPLIER_REPRESENTATIVE)
    org = user.active_membership.organisation
    for _i in range(3):
        MembershipFactory(organisation=org, role=Role.SUPPLIER_REPRESENTATIVE)
    client = login(user)
    url = reverse("accounts:organisation", args=[org.pk])
    client.get(url)
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200
    assert response.content.decode().count("<tr><td>") == 4
    assert 'data-testid="organisation-form"' not in response.content.decode()


@pytest.mark.parametrize(
    "role, allowed",
    [
        (Role.REGULATOR, True),
        (Role.OPERATOR, True),
        (Role.SUPPLIER_REPRESENTATIVE, False),
        (Role.PURCHASER_CLERK, False),
        (Role.BANK_OFFICER, False),
        (Role.EXPERT, False),
    ],
)
def test_who_may_open_another_organisations_page(login, make_member, role, allowed):
    other = OrganisationFactory(kind="supplier")
    client = login(make_member(role))
    response = client.get(reverse("accounts:organisation", args=[other.pk]))
    assert response.status_code == (200 if allowed else 404)
    api = client.get(reverse("accounts_api:organisation", args=[other.pk]))
    assert api.status_code == (200 if allowed else 404)


def test_a_forged_or_missing_id_is_the_same_404(login, make_member):
    client = login(make_member(Role.SUPPLIER_REPRESENTATIVE))
    foreign = OrganisationFactory()
    missing = client.get(reverse("accounts:organisation", args=[999999]))
    forged = client.get(reverse("accounts:organisation", args=[foreign.pk]))
    assert missing.status_code == forged.status_code == 404
    assert (
        client.get(reverse("accounts_api:organisation", args=[foreign.pk])).json()["code"]
        == "organisation_not_found"
    )


def test_a_manager_corrects_the_details_with_an_audit_event(login, make_member):
    user = _manager(make_member)
    org = user.active_membership.organisation
    response = login(user).post(reverse("accounts:organisation", args=[org.pk]), EDIT)
    assert response.status_code == 302
    org.refresh_from_db()
    assert (org.name_zh, org.name_en, org.region_code) == (EDIT["name_zh"], EDIT["name_en"], "510700")
    event = AuditEvent.objects.get(action="accounts.organisation_changed")
    assert event.actor_id == user.pk
    assert set(event.data["changes"]) == {"name_zh", "name_en", "region_code"}


def test_a_member_without_the_grant_cannot_correct_it(login, make_member):
    user = make_member(Role.SUPPLIER_REPRESENTATIVE)
    org = user.active_membership.organisation
    before = org.name_en
    response = login(user).post(
        reverse("accounts:organisation", args=[org.pk]), EDIT, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 403
    assert "managers may change its details" in response.content.decode()
    org.refresh_from_db()
    assert org.name_en == before


def test_a_grant_for_one_organisation_does_not_reach_another(login, make_member):
    user = _manager(make_member, Role.REGULATOR)
    other = OrganisationFactory(kind="supplier")
    before = other.name_en
    response = login(user).post(reverse("accounts:organisation", args=[other.pk]), EDIT)
    assert response.status_code == 403  # regulators may read it, not change it
    other.refresh_from_db()
    assert other.name_en == before


def test_bad_input_is_a_translated_form_error_and_changes_nothing(login, make_member):
    user = _manager(make_member)
    org = user.active_membership.organisation
    response = login(user).post(
        reverse("accounts:organisation", args=[org.pk]),
        {**EDIT, "region_code": "51A"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    assert response.status_code == 400
    assert "行政区划代码为六位数字" in response.content.decode()
    assert Organisation.objects.get(pk=org.pk).region_code == org.region_code
    assert not AuditEvent.objects.filter(action="accounts.organisation_changed").exists()


def test_the_service_refuses_fields_reserved_to_the_operator(make_member):
    user = _manager(make_member)
    with pytest.raises(ValueError):
        services.edit_organisation_details(user.active_membership.organisation_id, actor=user, uscc="x")


def test_granting_and_withdrawing_management_is_audited(make_member):
    user = make_member(Role.BANK_OFFICER)
    membership = user.active_membership
    services.set_organisation_manager(membership, manager=True, actor=None)
    services.set_organisation_manager(membership, manager=False, actor=None)
    actions = list(AuditEvent.objects.order_by("sequence").values_list("action", flat=True))
    assert actions[-2:] == ["accounts.organisation_manager_granted", "accounts.organisation_manager_revoked"]
    from accounts.policies import can_manage_organisation

    assert not can_manage_organisation(User.objects.get(pk=user.pk), membership.organisation)


def test_experts_see_neither_the_pool_nor_each_other(login, make_member):
    from accounts.models import Membership

    expert = make_member(Role.EXPERT)
    pool = expert.active_membership.organisation
    colleague = MembershipFactory(organisation=pool, role=Role.EXPERT).user
    client = login(expert)
    assert client.get(reverse("accounts:organisation", args=[pool.pk])).status_code == 404
    from audit.services import record_event

    record_event("accounts.login", actor=colleague, organisation=pool)
    record_event("accounts.login", actor=expert, organisation=pool)
    User.objects.filter(pk=colleague.pk).update(first_name="同事专家")
    User.objects.filter(pk=expert.pk).update(first_name="本人专家")
    page = client.get(reverse("accounts:workspace_role", args=["expert"])).content.decode()
    assert "同事专家" not in page
    assert "本人专家" in page
    assert Membership.objects.filter(organisation=pool).count() == 2


def test_a_deactivated_organisation_can_no_longer_be_edited(login, make_member):
    user = _manager(make_member)
    org = user.active_membership.organisation
    Organisation.objects.filter(pk=org.pk).update(is_active=False)
    client = login(user)
    assert client.post(reverse("accounts:organisation", args=[org.pk]), EDIT).status_code == 404
    assert Organisation.objects.get(pk=org.pk).name_en != EDIT["name_en"]


def test_rejected_values_are_not_shown_as_registered(login, make_member):
    user = _manager(make_member)
    org = user.active_membership.organisation
    response = login(user).post(
        reverse("accounts:organisation", args=[org.pk]), {**EDIT, "region_code": "33040"}
    )
    assert response.status_code == 400
    registered = response.content.decode().split('id="registration-heading"')[1].split("</section>")[0]
    assert "33040<" not in registered and f"{org.region_code}<" in registered


def test_the_organisation_api_query_count_is_fixed(login, make_member, django_assert_num_queries):
    user = make_member(Role.REGULATOR)
    others = [OrganisationFactory(kind="supplier") for _i in range(3)]
    client = login(user)
    client.get(reverse("accounts_api:organisation", args=[others[0].pk]))
    for org in others:
        # user with membership, verified device, the organisation
        with django_assert_num_queries(3):
            assert client.get(reverse("accounts_api:organisation", args=[org.pk])).json()["uscc"] == org.uscc
