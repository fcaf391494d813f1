"""Project pages: who may open them, filing through the form, the approval buttons, query counts."""

from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Organisation, Role
from procurement import services
from procurement.models import Method, Project
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


def _project(clerk, n=1):
    return services.file_project(
        actor=clerk,
        title_zh=f"办公设备采购{n}",
        category="goods",
        classification_code="A02010104",
        budget="800000.00",
        funding_source="fiscal_budget",
        method=Method.DIRECT_PURCHASE,
        lots=[
            {
                "title_zh": f"第{k}包",
                "budget": "400000.00",
                "quantity_and_specification": "打印机",
                "delivery_place": "嘉兴",
                "delivery_period": "30日",
            }
            for k in (1, 2)
        ],
    )


FORM = {
    "title_zh": "教学用计算机采购",
    "title_en": "Computers for teaching",
    "description_zh": "",
    "category": "goods",
    "classification_code": "A02010104",
    "budget": "800000.00",
    "funding_source": "fiscal_budget",
    "method": "direct_purchase",
    "method_justification": "",
    "lots-TOTAL_FORMS": "3",
    "lots-INITIAL_FORMS": "0",
    "lots-MIN_NUM_FORMS": "1",
    "lots-MAX_NUM_FORMS": "20",
    "description_en": "Desktops for the municipal schools' computer rooms.",
    "lots-0-title_zh": "第一包",
    "lots-0-title_en": "Lot 1: desktops",
    "lots-0-budget": "500000.00",
    "lots-0-quantity_and_specification": "台式计算机 50 台",
    "lots-0-delivery_place": "嘉兴",
    "lots-0-delivery_period": "30日",
    "lots-1-title_zh": "第二包",
    "lots-1-budget": "300000.00",
    "lots-1-quantity_and_specification": "显示器 50 台",
    "lots-1-delivery_place": "嘉兴",
    "lots-1-delivery_period": "30日",
}


def test_a_clerk_files_a_two_lot_project_through_the_form(login, clerk):
    response = login(clerk).post(reverse("procurement:project_new"), FORM)
    project = Project.objects.get()
    assert response.status_code == 302 and response.url == reverse("procurement:project", args=[project.pk])
    assert project.lots.count() == 2 and project.budget == Decimal("800000.00")
    assert (
        project.description_en.startswith("Desktops")
        and project.lots.get(number=1).title_en == "Lot 1: desktops"
    )


def test_lots_that_do_not_add_up_show_the_translated_message_and_write_nothing(login, clerk):
    data = FORM | {"lots-1-budget": "299999.99"}
    response = login(clerk).post(reverse("procurement:project_new"), data, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert (
        "The lots’ budgets add up to" in response.content.decode()
        or "budgets add up" in response.content.decode()
    )
    assert not Project.objects.exists()


def test_a_budget_with_three_decimals_is_refused_by_the_form(login, clerk):
    response = login(clerk).post(reverse("procurement:project_new"), FORM | {"budget": "800000.001"})
    assert response.status_code == 400
    assert not Project.objects.exists()


@pytest.mark.parametrize(
    ("role", "status"),
    [
        (Role.PURCHASER_CLERK, 200),
        (Role.PURCHASER_APPROVER, 200),
        (Role.SUPPLIER_REPRESENTATIVE, 404),
        (Role.AGENCY_OFFICER, 404),
        (Role.BANK_OFFICER, 404),
    ],
)
def test_who_may_open_a_project(login, make_member, purchaser, clerk, role, status):
    project = _project(clerk)
    user = (
        clerk
        if role == Role.PURCHASER_CLERK
        else make_member(
            role,
            organisation=purchaser if role == Role.PURCHASER_APPROVER else None,
            **({"approval_limit": Decimal("1")} if role == Role.PURCHASER_APPROVER else {}),
        )
    )
    assert login(user).get(reverse("procurement:project", args=[project.pk])).status_code == status


def test_a_clerk_of_another_purchaser_gets_the_same_404_as_a_missing_project(login, make_member, clerk):
    project = _project(clerk)
    other = login(make_member(Role.PURCHASER_CLERK))
    assert other.get(reverse("procurement:project", args=[project.pk])).status_code == 404
    assert other.get(reverse("procurement:project", args=[project.pk + 1000])).status_code == 404
    assert other.post(reverse("procurement:project_submit", args=[project.pk])).status_code == 404


def test_only_clerks_may_open_the_filing_form(login, approver):
    assert login(approver).get(reverse("procurement:project_new")).status_code == 403


def test_submit_then_approve_in_the_browser_flow(login, clerk, approver):
    project = _project(clerk)
    clerk_client = login(clerk)
    clerk_client.post(reverse("procurement:project_submit", args=[project.pk]))
    project.refresh_from_db()
    assert project.status == Project.Status.PENDING_APPROVAL
    page = clerk_client.get(reverse("procurement:project", args=[project.pk]))
    assert page.context["can_approve"] is False  # the drafter is never offered the button
    approver_client = login(approver)
    assert (
        approver_client.get(reverse("procurement:project", args=[project.pk])).context["can_approve"] is True
    )
    approver_client.post(reverse("procurement:project_approve", args=[project.pk]), {"comment": "同意"})
    project.refresh_from_db()
    assert project.status == Project.Status.APPROVED


def test_returning_without_a_comment_is_refused_with_a_message(login, clerk, approver):
    project = services.submit_project(_project(clerk).pk, actor=clerk)
    response = login(approver).post(
        reverse("procurement:project_return", args=[project.pk]), {"comment": ""}, follow=True
    )
    assert (
        "Say why the project is returned." in response.content.decode() or "退回" in response.content.decode()
    )
    project.refresh_from_db()
    assert project.status == Project.Status.PENDING_APPROVAL


def test_project_list_query_count(login, clerk, django_assert_num_queries):
    for n in range(3):
        _project(clerk, n)
    client = login(clerk)
    url = reverse("procurement:projects")
    client.get(url)
    with django_assert_num_queries(5):  # user+membership, count, page, unread, memberships
        response = client.get(url)
    assert len(response.context["page"]) == 3


def test_project_detail_query_count(login, clerk, approver, django_assert_num_queries):
    project = services.submit_project(_project(clerk).pk, actor=clerk)
    services.return_project(project.pk, actor=approver, comment="补充市场调研")
    project = services.submit_project(project.pk, actor=clerk)
    services.approve_project(project.pk, actor=approver)
    client = login(clerk)
    url = reverse("procurement:project", args=[project.pk])
    client.get(url)
    # user+membership, the project (purchaser, drafter, agency, entrustment), lots,
    # decisions, regulator approvals, documents, notices, the agencies to entrust to, unread, memberships
    with django_assert_num_queries(10):
        response = client.get(url)
    assert len(response.context["project"].approval_decisions.all()) == 2
