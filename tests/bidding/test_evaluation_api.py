"""The panel member's API under /api/v1/bidding/evaluations/: their list and own sheet (pinned
query counts with three bids), marking and scoring with the same refusals as the services (404 for
what is not theirs, 400 out of range naming it, 409 after submitting), and the OpenAPI schema."""

from decimal import Decimal

import pytest
from django.test import Client

from bidding.models import QualificationMark, Score, ScoreSheet
from tests.bidding.evaluation_helpers import bids, members, review_all
from tests.bidding.test_evaluation_pages import client_for, supplier_user

pytestmark = pytest.mark.django_db

API = "/api/v1/bidding/evaluations"


def test_the_member_lists_their_evaluations_and_reads_their_sheet(
    seated_evaluation, django_assert_num_queries
):
    client = client_for(members(seated_evaluation)[0])
    with django_assert_num_queries(2):
        rows = client.get(f"{API}/").json()
    assert [r["id"] for r in rows] == [seated_evaluation.pk] and rows[0]["sheet_status"] == "qualifying"
    with django_assert_num_queries(6):
        sheet = client.get(f"{API}/{seated_evaluation.pk}/sheet/").json()
    assert len(sheet["bids"]) == 3 and sheet["qualification_items"] == seated_evaluation.qualification_items
    assert sheet["marks"] == [] and len(sheet["criteria"]) == len(seated_evaluation.criteria)


def test_marking_and_submitting_the_review_through_the_api(seated_evaluation):
    member = members(seated_evaluation)[0]
    client = client_for(member)
    bid = bids(seated_evaluation)[0]
    response = client.post(
        f"{API}/{seated_evaluation.pk}/qualification/",
        {"bid": bid.pk, "item": 0, "passed": False},
        content_type="application/json",
    )
    assert response.status_code == 400 and response.json()["code"] == "reason_missing"
    for b in bids(seated_evaluation):
        for item in range(len(seated_evaluation.qualification_items)):
            response = client.post(
                f"{API}/{seated_evaluation.pk}/qualification/",
                {"bid": b.pk, "item": item, "passed": True},
                content_type="application/json",
            )
            assert response.status_code == 200
    response = client.post(f"{API}/{seated_evaluation.pk}/qualification/submit/")
    assert response.status_code == 200 and response.json()["sheet_status"] == "qualified"
    response = client.post(
        f"{API}/{seated_evaluation.pk}/qualification/",
        {"bid": bid.pk, "item": 0, "passed": True},
        content_type="application/json",
    )
    assert response.status_code == 409
    assert QualificationMark.objects.count() == 3 * len(seated_evaluation.qualification_items)


def test_scoring_through_the_api(seated_evaluation):
    review_all(seated_evaluation)
    member = members(seated_evaluation)[0]
    client = client_for(member)
    bid = bids(seated_evaluation)[0]
    top = Decimal(seated_evaluation.criteria[0]["points"])
    url = f"{API}/{seated_evaluation.pk}/scores/"
    response = client.post(
        url, {"bid": bid.pk, "criterion": 0, "points": str(top + 1)}, content_type="application/json"
    )
    assert response.status_code == 400 and str(top) in response.json()["detail"]
    response = client.post(
        url, {"bid": bid.pk, "criterion": 99, "points": "1"}, content_type="application/json"
    )
    assert response.status_code == 404
    response = client.post(
        url, {"bid": 10**8, "criterion": 0, "points": "1"}, content_type="application/json"
    )
    assert response.status_code == 404
    assert not Score.objects.exists()
    response = client.post(
        url, {"bid": bid.pk, "criterion": 0, "points": "10.5"}, content_type="application/json"
    )
    assert response.status_code == 200 and Decimal(response.json()["points"]) == Decimal("10.5")
    response = client.post(f"{API}/{seated_evaluation.pk}/scores/submit/")
    assert response.status_code == 400 and response.json()["code"] == "scores_incomplete"
    assert ScoreSheet.objects.get(seat__member=member).status == ScoreSheet.Status.DRAFT
    other = client_for(members(seated_evaluation)[1]).get(f"{API}/{seated_evaluation.pk}/sheet/").json()
    assert other["scores"] == []  # nobody sees another's scores


def test_outsiders_get_404_like_a_missing_id(seated_evaluation, expert_factory):
    bid = bids(seated_evaluation)[0]
    for user in (expert_factory().user, supplier_user(bid)):
        client = client_for(user)
        assert client.get(f"{API}/").json() == []
        for evaluation_id in (seated_evaluation.pk, 999999):
            assert client.get(f"{API}/{evaluation_id}/sheet/").status_code == 404
            response = client.post(
                f"{API}/{evaluation_id}/qualification/",
                {"bid": bid.pk, "item": 0, "passed": True},
                content_type="application/json",
            )
            assert response.status_code == 404
    assert Client().get(f"{API}/").status_code in (401, 403)
    assert not QualificationMark.objects.exists()


def test_the_schema_lists_the_evaluation_endpoints(client, db):
    response = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    for path in (
        "/api/v1/bidding/evaluations/",
        "/api/v1/bidding/evaluations/{evaluation_id}/sheet/",
        "/api/v1/bidding/evaluations/{evaluation_id}/qualification/",
        "/api/v1/bidding/evaluations/{evaluation_id}/scores/submit/",
    ):
        assert path in paths, path
    schemas = response.json()["components"]["schemas"]
    assert "EvaluationStatusEnum" in schemas and "ScoreSheetStatusEnum" in schemas
