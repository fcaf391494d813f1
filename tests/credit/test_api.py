"""The credit API: who may call each endpoint, query counts of the lists, eligibility answers and
appeals."""

import datetime

import pytest
from django.urls import reverse

from accounts.models import Organisation
from credit import selectors, services
from credit.models import CreditAppeal, CreditEvent, CreditRecord

from .factories import (
    BlacklistEntryFactory,
    CreditRecordFactory,
    ExpertRecordFactory,
    disguised_pdf,
    pdf_upload,
)
from .factories import supplier as make_supplier
from .pages_helpers import ROLES, build_world, client_for, matrix, penalty_against


@pytest.fixture
def world(make_member):
    return build_world(make_member)


def api_urls(w) -> dict[str, str]:
    return {
        "records": reverse("credit_api:records"),
        "record": reverse("credit_api:record", args=[w.supplier_record.pk]),
        "blacklist": reverse("credit_api:blacklist"),
        "red_list": reverse("credit_api:red_list"),
        "mine": reverse("credit_api:mine"),
        "eligibility": f"{reverse('credit_api:eligibility')}?organisation={w.supplier.pk}&action=submit_bid",
    }


# Columns: anonymous, purchaser clerk, supplier representative, expert, regulator of the region,
# regulator of another region, bank officer (pages_helpers.ROLES).
ENDPOINTS = matrix(
    records=(200, 200, 200, 200, 200, 200, 200),
    record=(200, 200, 200, 200, 200, 200, 200),
    blacklist=(200, 200, 200, 200, 200, 200, 200),
    red_list=(200, 200, 200, 200, 200, 200, 200),
    mine=(403, 200, 200, 200, 404, 404, 404),
    eligibility=(403, 200, 200, 200, 200, 200, 200),
    appeal=(403, 404, 201, 404, 404, 404, 404),
)


@pytest.mark.parametrize("role", ROLES)
def test_api_permission_matrix(world, client, login, role):
    api = client_for(role, world, client, login)
    got = {name: api.get(url).status_code for name, url in api_urls(world).items()}
    got["appeal"] = api.post(
        reverse("credit_api:appeal", args=[world.penalty.pk]), {"reasons": "The certificate is genuine."}
    ).status_code
    assert got == ENDPOINTS[role]
    assert CreditAppeal.objects.filter(event=world.penalty).exists() == (role == "supplier_representative")


def test_api_mine_of_a_non_party_is_a_404_with_a_code(world, login):
    response = login(world.users["bank_officer"]).get(reverse("credit_api:mine"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.json() == {
        "code": "credit_record_not_found",
        "detail": "You act for no party with a credit record yet.",
    }


def test_api_record_of_a_missing_id_is_a_404(world, client):
    response = client.get(reverse("credit_api:record", args=[999_999_999]), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 404
    assert response.json() == {"code": "credit_record_not_found", "detail": "No such credit record."}


# --- Query counts ---------------------------------------------------------------------------------


def test_api_records_query_count(world, client, django_assert_num_queries):
    for _i in range(3):
        CreditRecordFactory()
        ExpertRecordFactory()
    client.get(reverse("credit_api:records"))
    # count, the page of records with their organisation or expert
    with django_assert_num_queries(2):
        response = client.get(reverse("credit_api:records"))
    assert response.json()["count"] == CreditRecord.objects.count() >= 9


def test_api_blacklist_query_count(world, client, django_assert_num_queries):
    BlacklistEntryFactory()
    BlacklistEntryFactory(event__record=ExpertRecordFactory())
    client.get(reverse("credit_api:blacklist"))
    # count, the page of bans with their record's party and the rule
    with django_assert_num_queries(2):
        response = client.get(reverse("credit_api:blacklist"), HTTP_ACCEPT_LANGUAGE="en")
    body = response.json()
    assert body["count"] == 4
    assert {entry["rule"] for entry in body["results"]} >= {
        "supplier.false_materials",
        "external.major_tax_violation",
    }
    assert world.supplier.name_en in {entry["record"]["name"] for entry in body["results"]}


def test_api_red_list_query_count(world, client, django_assert_num_queries):
    CreditRecord.objects.update(is_red_listed=True, stars=5)
    ExpertRecordFactory(is_red_listed=True, stars=5)
    client.get(reverse("credit_api:red_list"))
    with django_assert_num_queries(2):
        response = client.get(reverse("credit_api:red_list"))
    assert response.json()["count"] == 4


def test_api_mine_query_count(world, login, django_assert_num_queries):
    regulator, rep = world.users["regulator"], world.users["supplier_representative"]
    for i in range(3):
        event = penalty_against(world.supplier_record, regulator, rule_code="supplier.collusion")
        appeal = services.appeal_event(event.pk, actor=rep, reasons=f"Reason {i}")
        services.decide_appeal(appeal.pk, actor=regulator, reverse=bool(i % 2), reasons="Checked.")
    client = login(rep)
    client.get(reverse("credit_api:mine"))
    # session, user with membership, own record, events (with rule, evidence type, recorder), their
    # appeals, appeal documents, bans of the events, rulebook: base and four star bands, the
    # record's bans with their record and party
    with django_assert_num_queries(12):
        response = client.get(reverse("credit_api:mine"))
    body = response.json()
    assert len(body["events"]) == 7
    assert len(body["bans"]) == 5
    assert {ban["record"]["id"] for ban in body["bans"]} == {world.supplier_record.pk}


# --- Eligibility --------------------------------------------------------------------------------


def eligibility(client, **params):
    return client.get(reverse("credit_api:eligibility"), params, HTTP_ACCEPT_LANGUAGE="en")


def test_a_blacklisted_supplier_is_not_eligible_and_told_why(world, login):
    response = eligibility(
        login(world.users["bank_officer"]), organisation=world.supplier.pk, action="apply_for_financing"
    )
    assert response.status_code == 200
    body = response.json()
    assert body["allowed"] is False
    until = world.penalty.blacklist_entry.ends_on.isoformat()
    assert body["reasons"][0] == "Cannot apply for contract financing."
    assert f"On the blacklist until {until}: False materials to win a contract." in body["reasons"]
    assert any("Party to a major tax violation case" in reason for reason in body["reasons"])
    assert body["grade"] and body["stars"] in range(1, 6)


def test_a_supplier_without_a_ban_is_eligible(world, login):
    clean = make_supplier()
    response = eligibility(login(world.users["purchaser_clerk"]), organisation=clean.pk, action="submit_bid")
    body = response.json()
    assert (response.status_code, body["allowed"], body["reasons"]) == (200, True, [])
    assert body["requires_full_documents"] is False


def test_an_expert_is_asked_about_panels(world, login):
    response = eligibility(
        login(world.users["regulator"]), expert=world.users["expert"].pk, action="be_drawn"
    )
    assert response.status_code == 200
    assert response.json()["allowed"] is True


def test_eligibility_of_an_unknown_action_is_a_400(world, login):
    response = eligibility(login(world.users["regulator"]), organisation=world.supplier.pk, action="fly")
    assert response.status_code == 400
    assert response.json() == {"code": "unknown_action", "detail": "Unknown action."}


@pytest.mark.parametrize("party", ["999999999", "abc", "99999999999999999999999", ""])
def test_eligibility_of_an_unknown_party_is_a_404(world, login, party):
    response = eligibility(login(world.users["bank_officer"]), organisation=party, action="submit_bid")
    assert response.status_code == 404
    assert response.json() == {"code": "party_not_found", "detail": "No such party."}


def test_eligibility_without_a_party_is_a_400(world, login):
    response = login(world.users["regulator"]).get(
        reverse("credit_api:eligibility"), {"action": "submit_bid"}
    )
    assert response.status_code == 400
    assert response.json()["code"] == "party_required"


def test_an_expert_action_for_an_organisation_is_a_400(world, login):
    response = eligibility(login(world.users["regulator"]), organisation=world.supplier.pk, action="be_drawn")
    assert response.status_code == 400
    assert response.json() == {
        "code": "action_not_applicable",
        "detail": "This action does not apply to this kind of party.",
    }


def test_a_bank_is_not_a_credit_party(world, login):
    bank = world.users["bank_officer"].active_membership.organisation
    assert bank.kind == Organisation.Kind.BANK
    response = eligibility(login(world.users["regulator"]), organisation=bank.pk, action="submit_bid")
    assert response.status_code == 400
    assert response.json()["code"] == "not_a_credit_party"


def test_eligibility_is_read_in_chinese_too(world, login):
    response = login(world.users["bank_officer"]).get(
        reverse("credit_api:eligibility"),
        {"organisation": world.supplier.pk, "action": "submit_bid"},
        HTTP_ACCEPT_LANGUAGE="zh-hans",
    )
    until = world.penalty.blacklist_entry.ends_on.isoformat()
    assert f"列入黑名单至 {until}：提供虚假材料谋取中标、成交。" in response.json()["reasons"]


# --- Appeals ------------------------------------------------------------------------------------


def test_api_appeal_with_documents_is_created(world, login):
    rep = world.users["supplier_representative"]
    response = login(rep).post(
        reverse("credit_api:appeal", args=[world.penalty.pk]),
        {"reasons": "The certificate is genuine.", "documents": [pdf_upload("a.pdf"), pdf_upload("b.pdf")]},
    )
    assert response.status_code == 201
    body = response.json()
    appeal = CreditAppeal.objects.get(pk=body["id"])
    assert (body["event"], body["status"]) == (world.penalty.pk, "pending")
    assert appeal.appellant == rep
    assert sorted(appeal.documents.values_list("name", flat=True)) == ["a.pdf", "b.pdf"]
    assert CreditEvent.objects.get(pk=world.penalty.pk).status == CreditEvent.Status.APPEALED


def test_api_appeal_of_another_partys_event_is_the_same_404_as_a_missing_one(world, login):
    other = make_supplier()
    foreign = services.record_event(other, "supplier.late_delivery")
    client = login(world.users["supplier_representative"])
    responses = [
        client.post(
            reverse("credit_api:appeal", args=[pk]), {"reasons": "Not ours."}, HTTP_ACCEPT_LANGUAGE="en"
        )
        for pk in (foreign.pk, 999_999_999)
    ]
    assert [r.status_code for r in responses] == [404, 404]
    assert (
        responses[0].json()
        == responses[1].json()
        == {
            "code": "credit_event_not_found",
            "detail": "No such credit event.",
        }
    )
    assert not CreditAppeal.objects.filter(event=foreign).exists()


@pytest.mark.parametrize("data", [{}, {"reasons": ""}, {"reasons": "   "}], ids=["absent", "empty", "blank"])
def test_api_appeal_without_reasons_is_a_400(world, login, data):
    response = login(world.users["supplier_representative"]).post(
        reverse("credit_api:appeal", args=[world.penalty.pk]), data, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    assert "reasons" in response.json()
    assert not CreditAppeal.objects.filter(event=world.penalty).exists()


def test_api_appeal_with_a_disguised_document_is_a_400(world, login):
    response = login(world.users["supplier_representative"]).post(
        reverse("credit_api:appeal", args=[world.penalty.pk]),
        {"reasons": "See the file.", "documents": [disguised_pdf("proof.pdf")]},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["code"] == "file_disguised"
    assert not CreditAppeal.objects.filter(event=world.penalty).exists()


def test_api_appeal_after_the_deadline_is_a_conflict(world, login):
    deadline = selectors.today() - datetime.timedelta(days=1)
    CreditEvent.objects.filter(pk=world.penalty.pk).update(appeal_deadline=deadline)
    response = login(world.users["supplier_representative"]).post(
        reverse("credit_api:appeal", args=[world.penalty.pk]), {"reasons": "Late."}, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 409
    assert response.json() == {
        "code": "appeal_period_over",
        "detail": f"The time to appeal this event ended on {deadline.isoformat()}.",
    }


def test_api_second_appeal_is_a_conflict(world, login):
    client = login(world.users["supplier_representative"])
    url = reverse("credit_api:appeal", args=[world.penalty.pk])
    assert client.post(url, {"reasons": "First."}).status_code == 201
    response = client.post(url, {"reasons": "Second."})
    assert response.status_code == 409
    assert response.json()["code"] == "appeal_not_allowed"
    assert CreditAppeal.objects.filter(event=world.penalty).count() == 1


def test_api_appeal_refuses_json(world, login):
    response = login(world.users["supplier_representative"]).post(
        reverse("credit_api:appeal", args=[world.penalty.pk]),
        {"reasons": "JSON."},
        content_type="application/json",
    )
    assert response.status_code == 415


# --- Schema -------------------------------------------------------------------------------------


def test_the_api_schema_still_generates_with_the_credit_endpoints(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/credit/records/",
        "/api/v1/credit/records/{record_id}/",
        "/api/v1/credit/blacklist/",
        "/api/v1/credit/red-list/",
        "/api/v1/credit/mine/",
        "/api/v1/credit/events/{event_id}/appeals/",
        "/api/v1/credit/eligibility/",
    ):
        assert path in paths, path
