"""The procurement API: the purchaser's projects with the pages' permissions; the public notices."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Organisation, Role
from procurement import services
from procurement.models import Method
from tests.accounts.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def purchaser(db):
    return OrganisationFactory(kind=Organisation.Kind.PURCHASER, region_code="330400")


@pytest.fixture
def clerk(make_member, purchaser):
    return make_member(Role.PURCHASER_CLERK, organisation=purchaser)


@pytest.fixture
def approver(make_member, purchaser):
    return make_member(Role.PURCHASER_APPROVER, organisation=purchaser, approval_limit=Decimal("5000000"))


def _approved(clerk, approver, n=0):
    project = services.file_project(
        actor=clerk,
        title_zh=f"复印纸采购{n}",
        category="goods",
        classification_code="A0901",
        budget="90000.00",
        funding_source="fiscal_budget",
        method=Method.DIRECT_PURCHASE,
        lots=[
            {
                "title_zh": "复印纸",
                "budget": "90000.00",
                "quantity_and_specification": "A4 500 箱",
                "delivery_place": "嘉兴",
                "delivery_period": "7日",
            }
        ],
    )
    services.submit_project(project.pk, actor=clerk)
    return services.approve_project(project.pk, actor=approver)


def test_the_clerk_lists_and_reads_its_projects(login, clerk, approver, django_assert_num_queries):
    projects = [_approved(clerk, approver, n) for n in range(3)]
    client = login(clerk)
    client.get(reverse("procurement_api:projects"))
    with django_assert_num_queries(4):  # session, user with membership, count, page with purchaser
        response = client.get(reverse("procurement_api:projects"))
    assert response.json()["count"] == 3
    detail = client.get(reverse("procurement_api:project", args=[projects[0].pk])).json()
    assert detail["status"] == "approved" and detail["lots"][0]["budget"] == "90000.00"
    assert detail["approval_decisions"][0]["decision"] == "approved"


def test_another_purchasers_project_is_404_and_anonymous_is_403(client, login, make_member, clerk, approver):
    project = _approved(clerk, approver)
    other = login(make_member(Role.PURCHASER_CLERK))
    assert other.get(reverse("procurement_api:project", args=[project.pk])).status_code == 404
    assert other.get(reverse("procurement_api:projects")).json()["count"] == 0
    client.logout()
    assert client.get(reverse("procurement_api:projects")).status_code == 403


def test_notices_are_public_with_a_cursor(client, clerk, approver, django_assert_num_queries):
    for n in range(3):
        _approved(clerk, approver, n)
    client.get(reverse("procurement_api:notices"))
    with django_assert_num_queries(1):
        response = client.get(reverse("procurement_api:notices"))
    body = response.json()
    assert len(body["results"]) == 3 and body["next"] is None
    notice_id = body["results"][0]["id"]
    assert client.get(reverse("procurement_api:notice", args=[notice_id])).json()["kind"] == "intention"


def test_a_bad_notice_filter_is_a_400_with_the_field(client):
    response = client.get(reverse("procurement_api:notices"), {"region": "3304"}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert response.json()["code"] == "invalid_filter" and response.json()["detail"].startswith("region:")
