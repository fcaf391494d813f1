# ruff: noqa: F811 - the as_role fixture is imported from the page tests
"""Contract financing API: the list (a bank officer: applications to their bank; a supplier
representative: their own), one application with the contract summary and today's credit, the
bank's decision; an officer of another bank gets 404; query count with three applications; the
OpenAPI schema names the endpoints."""

from decimal import Decimal

import pytest

from audit.models import AuditEvent
from contracts.financing.models import FinancingApplication
from tests.contracts.test_financing_pages import as_role, three_applications  # noqa: F401 - fixtures
from tests.contracts.test_financing_services import (
    apply,
)

pytestmark = pytest.mark.django_db

LIST = "/api/v1/contracts/financing/"


@pytest.fixture
def application(signed_contract, supplier_rep, bank_officer):
    return apply(signed_contract, supplier_rep, bank_officer)


def detail(application) -> str:
    return f"{LIST}{application.pk}/"


def decide(application) -> str:
    return f"{LIST}{application.pk}/decide/"


def test_the_list_shows_each_only_its_own(as_role, application):
    for role, count in (("bank", 1), ("other_bank", 0), ("supplier", 1), ("other_supplier", 0), ("clerk", 0)):
        response = as_role(role).get(LIST)
        assert response.status_code == 200, role
        assert response.json()["count"] == count, role


def test_anonymous_is_refused(as_role, application):
    assert as_role("anonymous").get(LIST).status_code == 403


def test_the_list_filters_by_status(as_role, signed_contract, supplier_rep, bank_officer, other_bank_officer):
    first, second, third = three_applications(signed_contract, supplier_rep, bank_officer, other_bank_officer)
    client = as_role("bank")
    assert [row["id"] for row in client.get(LIST).json()["results"]] == [third.pk, second.pk, first.pk]
    assert [row["id"] for row in client.get(LIST, {"status": "approved"}).json()["results"]] == [second.pk]


@pytest.mark.parametrize(("role", "queries"), [("bank", 3), ("supplier", 4)])
def test_list_query_count_with_three_applications(
    as_role,
    signed_contract,
    supplier_rep,
    bank_officer,
    other_bank_officer,
    django_assert_num_queries,
    role,
    queries,
):
    three_applications(signed_contract, supplier_rep, bank_officer, other_bank_officer)
    client = as_role(role)
    client.get(LIST)
    with django_assert_num_queries(queries):
        response = client.get(LIST)
    assert len(response.json()["results"]) == (3 if role == "bank" else 4)


def test_detail_permissions(as_role, application):
    for role, status in (
        ("bank", 200),
        ("other_bank", 404),
        ("supplier", 200),
        ("other_supplier", 404),
        ("clerk", 404),
        ("regulator", 404),
        ("anonymous", 403),
    ):
        assert as_role(role).get(detail(application)).status_code == status, role


def test_detail_has_the_contract_the_milestones_and_the_credit(as_role, application):
    body = as_role("bank").get(detail(application)).json()
    assert body["status"] == "submitted" and body["amount"] == "100000.00"
    assert body["contract_summary"]["reference"] == application.contract.reference
    assert len(body["milestones"]) == 2
    assert body["credit_now"]["stars"] == body["credit_summary"]["stars"]
    assert body["contract_summary"]["pdf"] is None


def test_the_bank_decides_through_the_api(as_role, application):
    client = as_role("bank")
    response = client.post(
        decide(application), {"approve": True, "approved_amount": "70000.00"}, "application/json"
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == "approved" and response.json()["approved_amount"] == "70000.00"
    assert AuditEvent.objects.filter(action="contracts.financing_approved").count() == 1
    again = client.post(decide(application), {"approve": False, "reason": "x"}, "application/json")
    assert again.status_code == 409 and again.json()["code"] == "financing_invalid_transition"


def test_declining_needs_a_reason(as_role, application):
    response = as_role("bank").post(decide(application), {"approve": False}, "application/json")
    assert response.status_code == 400 and response.json()["code"] == "financing_reason_required"
    application.refresh_from_db()
    assert application.status == FinancingApplication.Status.SUBMITTED


def test_an_approved_amount_above_the_request_is_refused(as_role, application):
    response = as_role("bank").post(
        decide(application), {"approve": True, "approved_amount": "100000.01"}, "application/json"
    )
    assert response.status_code == 400 and response.json()["code"] == "invalid_financing_input"


def test_others_deciding_get_404(as_role, application):
    for role in ("other_bank", "supplier", "other_supplier", "clerk"):
        response = as_role(role).post(decide(application), {"approve": True}, "application/json")
        assert response.status_code == 404 and response.json()["code"] == "financing_not_found", role
    application.refresh_from_db()
    assert application.status == FinancingApplication.Status.SUBMITTED
    assert application.approved_amount is None


def test_a_missing_application_is_the_same_404(as_role, application):
    response = as_role("bank").get(f"{LIST}{application.pk + 999}/")
    assert response.status_code == 404 and response.json()["code"] == "financing_not_found"


def test_the_schema_names_the_financing_endpoints(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (LIST, f"{LIST}{{application_id}}/", f"{LIST}{{application_id}}/decide/"):
        assert path in paths, path
    assert Decimal("1")  # the schema generates without an error
