# ruff: noqa: F811  (pytest fixtures imported from test_challenges_fixtures are parameters here)
"""The challenge and complaint API under /api/v1/bidding/: lists with pinned query counts (three
rows), the permission matrix of each detail and write (a foreign or missing id: the same 404),
filing, answering, complaining, suspending and deciding, and bad input with its code and message
(a late challenge names its last day; a complaint on a matter never challenged)."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from bidding.challenges import services
from bidding.challenges.models import Challenge, Complaint
from rulebook.selectors import add_working_days

from .test_challenges_fixtures import (  # noqa: F401  (awarded_lot and bidders are fixtures)
    awarded_lot,
    bidders,
    file,
    notice_of,
    publish_on,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_role(client, login, bidders, clerk, officer, other_officer, regulator, other_regulator):
    users = {
        "challenger": bidders[1],
        "other_bidder": bidders[2],
        "clerk": clerk,
        "officer": officer,
        "other_officer": other_officer,
        "regulator": regulator,
        "other_regulator": other_regulator,
    }

    def do(role):
        client.logout()
        return client if role == "anonymous" else login(users[role])

    return do


@pytest.fixture
def challenge(awarded_lot, bidders):
    return file(awarded_lot, bidders[1])


@pytest.fixture
def complaint(challenge, clerk, bidders):
    services.answer_challenge(challenge.pk, actor=clerk, answer="评分无误。", upheld=False)
    return services.file_complaint(challenge.pk, actor=bidders[1], grounds="答复不当")


def test_a_bidder_files_a_challenge(login, awarded_lot, bidders):
    response = login(bidders[1]).post(
        reverse("api-bidding-challenge-file", args=[awarded_lot.pk]),
        {"subject": "result", "notice": awarded_lot.award.result_notice.pk, "grounds": "价格分计算错误"},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "open" and body["subject"] == "result" and body["has_evidence"] is False
    assert body["deadline"] == add_working_days(awarded_lot.award.notice_stands_until, 7).isoformat()


def test_a_late_challenge_is_409_naming_the_last_day(login, awarded_lot, bidders):
    tender = publish_on(notice_of(awarded_lot, "tender"), timezone.localdate() - datetime.timedelta(days=40))
    last_day = add_working_days(timezone.localdate(tender.published_at), 7)
    response = login(bidders[1]).post(
        reverse("api-bidding-challenge-file", args=[awarded_lot.pk]),
        {"subject": "documents", "notice": tender.pk, "grounds": "排斥潜在供应商"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    assert response.json()["code"] == "challenge_late" and last_day.isoformat() in response.json()["detail"]
    assert not Challenge.objects.exists()


@pytest.mark.parametrize(("role", "status"), [("other_bidder", 201), ("clerk", 404), ("regulator", 404)])
def test_who_may_file_a_challenge(as_role, awarded_lot, role, status):
    response = as_role(role).post(
        reverse("api-bidding-challenge-file", args=[awarded_lot.pk]),
        {"subject": "result", "notice": awarded_lot.award.result_notice.pk, "grounds": "x"},
        content_type="application/json",
    )
    assert response.status_code == status


def test_a_challenge_of_an_unknown_lot_or_with_bad_input_is_refused(login, awarded_lot, bidders):
    client = login(bidders[1])
    url = reverse("api-bidding-challenge-file", args=[awarded_lot.pk])
    assert client.post(url, {"subject": "everything", "notice": 1, "grounds": "x"}).status_code == 400
    missing = reverse("api-bidding-challenge-file", args=[999999])
    response = client.post(
        missing, {"subject": "result", "notice": 1, "grounds": "x"}, content_type="application/json"
    )
    assert response.status_code == 404 and response.json()["code"] == "lot_not_found"
    assert not Challenge.objects.exists()


def test_the_challenge_list_pins_its_queries(login, awarded_lot, bidders, clerk, django_assert_num_queries):
    file(awarded_lot, bidders[1])
    supplier = login(bidders[1])
    url = reverse("api-bidding-challenges")
    with django_assert_num_queries(4):
        supplier.get(url)
    file(awarded_lot, bidders[1], subject="process", notice=notice_of(awarded_lot, "opening_record"))
    file(awarded_lot, bidders[1], subject="documents", notice=notice_of(awarded_lot, "tender"))
    with django_assert_num_queries(4):
        body = supplier.get(url).json()
    assert body["count"] == 3 and {row["subject"] for row in body["results"]} == {
        "result",
        "process",
        "documents",
    }
    file(awarded_lot, bidders[2])
    assert login(clerk).get(url).json()["count"] == 4
    assert login(bidders[0]).get(url).json()["count"] == 0


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("challenger", 200),
        ("other_bidder", 404),
        ("clerk", 200),
        ("officer", 200),
        ("other_officer", 404),
        ("regulator", 200),
        ("other_regulator", 404),
        ("anonymous", 403),
    ],
)
def test_challenge_detail_permissions(as_role, challenge, role, status):
    client = as_role(role)
    response = client.get(reverse("api-bidding-challenge", args=[challenge.pk]))
    assert response.status_code == status
    if status == 404:
        missing = client.get(reverse("api-bidding-challenge", args=[999999]))
        assert missing.status_code == 404 and missing.json()["code"] == response.json()["code"]


@pytest.mark.parametrize(
    ("role", "status"),
    [("clerk", 200), ("officer", 200), ("other_officer", 404), ("challenger", 403), ("regulator", 403)],
)
def test_who_answers_a_challenge(as_role, challenge, role, status):
    response = as_role(role).post(
        reverse("api-bidding-challenge-answer", args=[challenge.pk]),
        {"answer": "经复核维持原结果", "upheld": False},
        content_type="application/json",
    )
    assert response.status_code == status
    expected = "answered" if status == 200 else "open"
    assert Challenge.objects.get(pk=challenge.pk).status == expected


def test_the_challenger_withdraws_and_complains_through_the_api(
    login, awarded_lot, bidders, clerk, regulator
):
    challenge = file(awarded_lot, bidders[1])
    client = login(bidders[1])
    too_early = client.post(
        reverse("api-bidding-complaint-file", args=[challenge.pk]),
        {"grounds": "x"},
        content_type="application/json",
    )
    assert too_early.status_code == 409 and too_early.json()["code"] == "complaint_too_early"
    services.answer_challenge(challenge.pk, actor=clerk, answer="无误", upheld=False)
    response = client.post(
        reverse("api-bidding-complaint-file", args=[challenge.pk]),
        {"grounds": "不服"},
        content_type="application/json",
    )
    assert response.status_code == 201 and response.json()["status"] == "filed"
    other = file(awarded_lot, bidders[1], subject="process", notice=notice_of(awarded_lot, "opening_record"))
    response = login(bidders[1]).post(reverse("api-bidding-challenge-withdraw", args=[other.pk]))
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"


def test_a_complaint_on_a_matter_never_challenged_is_404(login, challenge, clerk, bidders):
    services.answer_challenge(challenge.pk, actor=clerk, answer="无误", upheld=False)
    for challenge_id in (challenge.pk, 999999):
        response = login(bidders[2]).post(
            reverse("api-bidding-complaint-file", args=[challenge_id]),
            {"grounds": "评分有误"},
            content_type="application/json",
            HTTP_ACCEPT_LANGUAGE="en",
        )
        assert response.status_code == 404 and response.json()["code"] == "not_challenged"
        assert "challenged first" in response.json()["detail"]
    assert not Complaint.objects.exists()


def test_the_complaint_list_pins_its_queries(
    login, awarded_lot, bidders, clerk, regulator, other_regulator, django_assert_num_queries
):
    challenges = [file(awarded_lot, bidder) for bidder in bidders]
    for challenge in challenges:
        services.answer_challenge(challenge.pk, actor=clerk, answer="无误", upheld=False)
    services.file_complaint(challenges[0].pk, actor=bidders[0], grounds="不服")
    client = login(regulator)
    url = reverse("api-bidding-complaints")
    with django_assert_num_queries(4):
        client.get(url)
    for challenge, bidder in zip(challenges[1:], bidders[1:], strict=True):
        services.file_complaint(challenge.pk, actor=bidder, grounds="不服")
    with django_assert_num_queries(4):
        body = client.get(url).json()
    assert body["count"] == 3
    assert login(other_regulator).get(url).json()["count"] == 0
    assert login(bidders[1]).get(url).json()["count"] == 1
    assert login(clerk).get(url).json()["count"] == 0


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("challenger", 200),
        ("other_bidder", 404),
        ("clerk", 200),
        ("regulator", 200),
        ("other_regulator", 404),
        ("anonymous", 403),
    ],
)
def test_complaint_detail_permissions(as_role, complaint, role, status):
    response = as_role(role).get(reverse("api-bidding-complaint", args=[complaint.pk]))
    assert response.status_code == status


def test_the_regulator_suspends_and_decides_through_the_api(login, complaint, regulator, awarded_lot):
    client = login(regulator)
    today = timezone.localdate()
    too_long = client.post(
        reverse("api-bidding-complaint-suspend", args=[complaint.pk]),
        {"until": (today + datetime.timedelta(days=31)).isoformat(), "reason": "调查"},
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert too_long.status_code == 400 and too_long.json()["code"] == "suspension_too_long"
    assert (today + datetime.timedelta(days=30)).isoformat() in too_long.json()["detail"]
    response = client.post(
        reverse("api-bidding-complaint-suspend", args=[complaint.pk]),
        {"until": (today + datetime.timedelta(days=30)).isoformat(), "reason": "调查"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["suspended_until"] is not None
    response = client.post(
        reverse("api-bidding-complaint-decide", args=[complaint.pk]),
        {"outcome": "upheld_retender", "decision": "采购文件存在歧视性条款，责令重新采购。"},
        content_type="application/json",
    )
    assert response.status_code == 200 and response.json()["status"] == "upheld_retender"
    assert response.json()["notice"] is not None
    awarded_lot.refresh_from_db()
    assert awarded_lot.status == "failed"


@pytest.mark.parametrize("role", ["other_regulator", "clerk", "challenger"])
def test_only_the_regions_regulator_suspends_or_decides(as_role, complaint, role):
    client = as_role(role)
    suspend = client.post(
        reverse("api-bidding-complaint-suspend", args=[complaint.pk]),
        {"until": timezone.localdate().isoformat(), "reason": "x"},
        content_type="application/json",
    )
    decide = client.post(
        reverse("api-bidding-complaint-decide", args=[complaint.pk]),
        {"outcome": "dismissed", "decision": "x"},
        content_type="application/json",
    )
    assert suspend.status_code == 404 and decide.status_code == 404
    assert Complaint.objects.get(pk=complaint.pk).status == Complaint.Status.FILED
