"""The performance API (/api/v1/contracts/<id>/milestones/, /payments/): who reads (parties, the
agency's officer, the region's regulator; everyone else 404), the supplier's payment application
(above the unpaid accepted amount refused with its code, wrong types 400, the purchaser 403), and
pinned query counts with three rows."""

from decimal import Decimal

import pytest

from accounts.models import Role
from contracts.performance.models import PaymentApplication

from .test_performance_pages import _rows
from .test_performance_services import accept, deliver, milestones

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_role(
    client, login, make_member, purchaser_clerk, supplier_rep, bidders, officer, regulator, other_regulator
):
    users = {
        "clerk": purchaser_clerk,
        "supplier": supplier_rep,
        "other_supplier": bidders[1],
        "officer": officer,
        "regulator": regulator,
        "other_regulator": other_regulator,
        "bank_officer": make_member(Role.BANK_OFFICER),
    }

    def do(role):
        client.logout()
        return client if role == "anonymous" else login(users[role])

    return do


SEES = {"clerk", "supplier", "officer", "regulator"}
ROLES = (
    "clerk",
    "supplier",
    "other_supplier",
    "officer",
    "regulator",
    "other_regulator",
    "bank_officer",
    "anonymous",
)


def url(contract, what):
    return f"/api/v1/contracts/{contract.pk}/{what}/"


def test_who_reads_milestones_and_payments(as_role, signed_contract):
    for role in ROLES:
        client = as_role(role)
        for what in ("milestones", "payments"):
            response = client.get(url(signed_contract, what))
            expected = 200 if role in SEES else (403 if role == "anonymous" else 404)
            assert response.status_code == expected, (role, what, response.status_code)
    response = as_role("clerk").get(url(signed_contract, "milestones"))
    body = response.json()
    assert [m["number"] for m in body] == [1, 2] and body[0]["available"] == "0.00"
    assert as_role("clerk").get("/api/v1/contracts/999999/milestones/").status_code == 404


def test_the_supplier_applies_through_the_api(as_role, signed_contract, supplier_rep, purchaser_clerk):
    first = milestones(signed_contract)[0]
    deliver(first, supplier_rep)
    accept(first, purchaser_clerk)
    client = as_role("supplier")
    endpoint = url(signed_contract, "payments")
    too_much = str(first.amount + Decimal("0.01"))
    response = client.post(
        endpoint,
        {"milestone": first.pk, "amount": too_much, "invoice_number": "F-1"},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "payment_above_available"
    assert f"{first.amount:,.2f}" in response.json()["detail"]
    for bad in (
        {"milestone": "one", "amount": "10", "invoice_number": "F"},
        {"milestone": first.pk, "amount": "ten", "invoice_number": "F"},
        {"milestone": first.pk, "amount": "10"},
        {"milestone": first.pk, "amount": "0", "invoice_number": "F"},
    ):
        assert client.post(endpoint, bad, content_type="application/json").status_code == 400, bad
    assert not PaymentApplication.objects.exists()
    response = client.post(
        endpoint,
        {"milestone": first.pk, "amount": "100.00", "invoice_number": "F-1"},
        content_type="application/json",
    )
    assert response.status_code == 201
    assert response.json()["amount"] == "100.00" and response.json()["pay_by"]
    ok = {"milestone": first.pk, "amount": "1.00", "invoice_number": "F-2"}
    assert as_role("clerk").post(endpoint, ok, content_type="application/json").status_code == 403
    assert as_role("other_supplier").post(endpoint, ok, content_type="application/json").status_code == 404
    second = milestones(signed_contract)[1]
    response = as_role("supplier").post(
        endpoint, {**ok, "milestone": second.pk}, content_type="application/json"
    )
    assert response.status_code == 409
    assert PaymentApplication.objects.count() == 1


@pytest.mark.parametrize(("what", "queries"), [("milestones", 6), ("payments", 4)])
def test_list_query_counts_are_pinned(
    as_role, signed_contract, purchaser_clerk, supplier_rep, django_assert_num_queries, what, queries
):
    _rows(signed_contract, purchaser_clerk, supplier_rep)
    client = as_role("regulator")
    client.get(url(signed_contract, what))
    with django_assert_num_queries(queries):
        response = client.get(url(signed_contract, what))
    assert len(response.json()) == 3
