"""The contracts API: the list (query count with three contracts), one contract with its
milestones and signatures, and signing with the authenticator's code."""

import pytest

from contracts.models import Contract, Signature
from tests.accounts.fixtures import current_code
from tests.contracts.fixtures import make_contract
from tests.contracts.test_contract_pages import more_contracts

pytestmark = pytest.mark.django_db


def test_the_list_and_its_query_count(
    client, login, contracting_lot, purchaser_clerk, django_assert_num_queries
):
    make_contract(contracting_lot)
    more_contracts(contracting_lot, 2)
    login(purchaser_clerk)
    client.get("/api/v1/contracts/")
    with django_assert_num_queries(4):
        response = client.get("/api/v1/contracts/")
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and {row["status"] for row in body["results"]} == {"draft"}
    assert client.get("/api/v1/contracts/?status=signed").json()["count"] == 0


def test_the_list_is_scoped(client, login, draft_contract, bidders, foreign_clerk, regulator):
    for user, count in ((bidders[1], 0), (foreign_clerk, 0), (regulator, 1)):
        client.logout()
        login(user)
        assert client.get("/api/v1/contracts/").json()["count"] == count
    client.logout()
    assert client.get("/api/v1/contracts/").status_code in (401, 403)


def test_the_detail_has_milestones_and_signatures(client, login, signed_contract, purchaser_clerk, bidders):
    login(purchaser_clerk)
    body = client.get(f"/api/v1/contracts/{signed_contract.pk}/").json()
    assert (
        body["reference"] == signed_contract.reference and body["amount"] == f"{signed_contract.amount:.2f}"
    )
    assert [m["number"] for m in body["milestones"]] == [1, 2]
    assert {s["party"] for s in body["signatures"]} == {"purchaser", "supplier"}
    client.logout()
    login(bidders[1])
    assert client.get(f"/api/v1/contracts/{signed_contract.pk}/").status_code == 404
    assert client.get("/api/v1/contracts/999999/").status_code == 404


def test_signing_through_the_api(client, login, draft_contract, purchaser_clerk, supplier_rep):
    login(purchaser_clerk)
    url = f"/api/v1/contracts/{draft_contract.pk}/sign/"
    bad = client.post(url, {"otp_token": "12"}, content_type="application/json")
    assert bad.status_code == 400
    response = client.post(url, {"otp_token": current_code(purchaser_clerk)}, content_type="application/json")
    assert response.status_code == 200 and len(response.json()["signatures"]) == 1
    twice = client.post(url, {"otp_token": current_code(purchaser_clerk)}, content_type="application/json")
    assert twice.status_code == 409 and twice.json()["code"] == "already_signed"
    client.logout()
    login(supplier_rep)
    response = client.post(url, {"otp_token": current_code(supplier_rep)}, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == Contract.Status.SIGNED
    assert response.json()["pdf"] == f"/contracts/{draft_contract.pk}/contract.pdf"
    assert Signature.objects.filter(contract=draft_contract).count() == 2
