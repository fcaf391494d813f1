# ruff: noqa: F811  (pytest fixtures imported from test_challenges_fixtures are parameters here)
"""Challenge and complaint pages: who sees and does what (the challenger, another bidder, the
purchaser's clerk, the agency's officer and another agency's, the region's regulator and another
region's, anonymous), filing, answering, complaining, suspending and deciding through the pages,
bad input answered in the reader's language with nothing changed, pinned query counts with three
rows, both languages."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from audit.models import AuditEvent
from bidding.challenges import services
from bidding.challenges.models import Challenge, Complaint
from procurement.models import Notice
from rulebook.selectors import add_working_days

from .test_challenges_fixtures import (  # noqa: F401  (awarded_lot and bidders are fixtures)
    awarded_lot,
    bidders,
    file,
    notice_of,
    pdf_bytes,
    publish_on,
)

pytestmark = pytest.mark.django_db

ROLES = (
    "challenger",
    "other_bidder",
    "clerk",
    "officer",
    "other_officer",
    "regulator",
    "other_regulator",
    "anonymous",
)


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


def _expect(status, response):
    assert response.status_code == status, response.content[:800]
    if status == 302:
        assert response.url.startswith(reverse("accounts:login"))


@pytest.fixture
def challenge(awarded_lot, bidders):
    evidence = SimpleUploadedFile("evidence.pdf", pdf_bytes("evidence"), content_type="application/pdf")
    return file(awarded_lot, bidders[1], evidence=evidence)


@pytest.fixture
def complaint(challenge, clerk, bidders):
    services.answer_challenge(challenge.pk, actor=clerk, answer="评分无误。", upheld=False)
    evidence = SimpleUploadedFile("c.pdf", pdf_bytes("complaint"), content_type="application/pdf")
    return services.file_complaint(challenge.pk, actor=bidders[1], grounds="答复不当", evidence=evidence)


def three_challenges(lot, actor):
    """Three challenges of one supplier: the result, the process (opening record), the documents."""
    return [
        file(lot, actor),
        file(lot, actor, subject="process", notice=notice_of(lot, "opening_record")),
        file(lot, actor, subject="documents", notice=notice_of(lot, "tender")),
    ]


# --- Filing a challenge ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("challenger", 200),
        ("other_bidder", 200),
        ("clerk", 404),
        ("officer", 404),
        ("regulator", 404),
        ("anonymous", 302),
    ],
)
def test_the_challenge_page_is_for_bidders(as_role, awarded_lot, role, status):
    response = as_role(role).get(
        reverse("bidding:challenge_file", args=[awarded_lot.pk]), HTTP_ACCEPT_LANGUAGE="en"
    )
    _expect(status, response)
    if status == 200:
        last_day = add_working_days(awarded_lot.award.notice_stands_until, 7)
        notice = awarded_lot.award.result_notice
        page = response.content.decode()
        assert f'data-testid="deadline-{notice.pk}-result">{last_day.isoformat()}' in page


def test_a_supplier_that_did_not_bid_gets_404(login, awarded_lot, supplier_factory):
    client = login(supplier_factory().representative)
    assert client.get(reverse("bidding:challenge_file", args=[awarded_lot.pk])).status_code == 404
    assert client.get(reverse("bidding:challenge_file", args=[999999])).status_code == 404


def test_the_challenge_page_in_both_languages(login, awarded_lot, bidders):
    client = login(bidders[1])
    url = reverse("bidding:challenge_file", args=[awarded_lot.pk])
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert 'lang="zh-Hans"' in chinese and awarded_lot.award.result_notice.title_zh in chinese
    assert "质疑截止日" in chinese and "提出质疑" in chinese
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Last day to challenge" in english and awarded_lot.award.result_notice.title_en in english


def test_the_page_files_a_challenge(login, awarded_lot, bidders):
    client = login(bidders[1])
    evidence = SimpleUploadedFile("e.pdf", pdf_bytes("page"), content_type="application/pdf")
    response = client.post(
        reverse("bidding:challenge_file", args=[awarded_lot.pk]),
        {
            "subject": "result",
            "notice": awarded_lot.award.result_notice.pk,
            "grounds": "价格分计算错误",
            "evidence": evidence,
        },
        HTTP_ACCEPT_LANGUAGE="en",
    )
    challenge = Challenge.objects.get()
    assert response.status_code == 302 and response.url == reverse("bidding:challenge", args=[challenge.pk])
    assert challenge.grounds == "价格分计算错误" and len(challenge.evidence_sha256) == 64


def test_a_late_challenge_through_the_page_names_the_last_day(login, awarded_lot, bidders):
    tender = publish_on(notice_of(awarded_lot, "tender"), timezone.localdate() - datetime.timedelta(days=40))
    last_day = add_working_days(timezone.localdate(tender.published_at), 7)
    client = login(bidders[1])
    url = reverse("bidding:challenge_file", args=[awarded_lot.pk])
    data = {"subject": "documents", "notice": tender.pk, "grounds": "资格条件排斥潜在供应商"}
    english = client.post(url, data, HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 409 and last_day.isoformat() in english.content.decode()
    assert "(passed)" in english.content.decode()
    chinese = client.post(url, data, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert chinese.status_code == 409 and last_day.isoformat() in chinese.content.decode()
    assert not Challenge.objects.exists()


def test_a_challenge_without_grounds_or_with_a_foreign_notice_is_refused(login, awarded_lot, bidders):
    client = login(bidders[1])
    url = reverse("bidding:challenge_file", args=[awarded_lot.pk])
    assert (
        client.post(url, {"subject": "result", "notice": awarded_lot.award.result_notice.pk}).status_code
        == 400
    )
    assert client.post(url, {"subject": "result", "notice": 999999, "grounds": "x"}).status_code == 400
    assert not Challenge.objects.exists()


# --- My challenges --------------------------------------------------------------------------------


def test_my_challenges_shows_answers_and_the_complaint_form(
    login, awarded_lot, bidders, clerk, django_assert_num_queries
):
    challenges = three_challenges(awarded_lot, bidders[1])
    client = login(bidders[1])
    url = reverse("bidding:challenges_mine")
    with django_assert_num_queries(6):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert 'data-testid="complaint-form-' not in response.content.decode()
    for challenge in challenges:
        services.answer_challenge(challenge.pk, actor=clerk, answer=f"答复{challenge.pk}", upheld=False)
    services.file_complaint(challenges[0].pk, actor=bidders[1], grounds="不服")
    with django_assert_num_queries(6):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert all(f"答复{c.pk}" in page for c in challenges)
    assert f'data-testid="complaint-form-{challenges[0].pk}"' not in page  # already complained
    assert f'data-testid="complaint-form-{challenges[1].pk}"' in page
    assert "Filed, under review" in page
    # Another bidder sees none of them.
    other = login(bidders[2]).get(url).content.decode()
    assert "答复" not in other


def test_my_challenges_in_chinese_and_for_other_roles(login, awarded_lot, bidders, clerk):
    file(awarded_lot, bidders[1])
    page = login(bidders[1]).get(reverse("bidding:challenges_mine"), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200 and 'lang="zh-Hans"' in page.content.decode()
    assert login(clerk).get(reverse("bidding:challenges_mine")).context["rows"] == []


def test_the_page_files_a_complaint_and_withdraws_a_challenge(login, awarded_lot, bidders, clerk):
    result, process, _documents = three_challenges(awarded_lot, bidders[1])
    services.answer_challenge(result.pk, actor=clerk, answer="无误", upheld=False)
    client = login(bidders[1])
    response = client.post(reverse("bidding:complaint_file", args=[result.pk]), {"grounds": "不服答复"})
    complaint = Complaint.objects.get()
    assert response.status_code == 302 and response.url == reverse("bidding:complaint", args=[complaint.pk])
    # Too early for the unanswered one: told, nothing filed.
    response = client.post(
        reverse("bidding:complaint_file", args=[process.pk]),
        {"grounds": "x"},
        follow=True,
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "once the challenge is answered" in response.content.decode() and Complaint.objects.count() == 1
    # Another bidder cannot complain about this challenge (never challenged by it).
    assert (
        login(bidders[2])
        .post(reverse("bidding:complaint_file", args=[process.pk]), {"grounds": "x"})
        .status_code
        == 404
    )
    client = login(bidders[1])
    client.post(reverse("bidding:challenge_withdraw", args=[process.pk]))
    assert Challenge.objects.get(pk=process.pk).status == Challenge.Status.WITHDRAWN


# --- One challenge --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status", "can_answer"),
    [
        ("challenger", 200, False),
        ("other_bidder", 404, False),
        ("clerk", 200, True),
        ("officer", 200, True),
        ("other_officer", 404, False),
        ("regulator", 200, False),
        ("other_regulator", 404, False),
        ("anonymous", 302, False),
    ],
)
def test_challenge_page_permissions(as_role, challenge, role, status, can_answer):
    response = as_role(role).get(reverse("bidding:challenge", args=[challenge.pk]), HTTP_ACCEPT_LANGUAGE="en")
    _expect(status, response)
    if status == 200:
        assert response.context["can_answer"] is can_answer
        assert ('data-testid="answer-form"' in response.content.decode()) is can_answer
        assert "contract signing suspended" in response.content.decode()


def test_the_challenge_page_of_a_missing_challenge_is_404(login, clerk):
    assert login(clerk).get(reverse("bidding:challenge", args=[999999])).status_code == 404


def test_the_clerk_answers_through_the_page(login, challenge, clerk, bidders, django_assert_num_queries):
    client = login(clerk)
    response = client.post(
        reverse("bidding:challenge_answer", args=[challenge.pk]),
        {"answer": "经复核，维持原结果。", "upheld": "no"},
    )
    assert response.status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.ANSWERED and challenge.upheld is False
    page = login(bidders[1]).get(reverse("bidding:challenge", args=[challenge.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert "经复核，维持原结果。" in page.content.decode() and page.context["can_complain"] is True


def test_an_answer_without_text_or_by_the_regulator_is_refused(login, challenge, regulator):
    client = login(regulator)
    response = client.post(
        reverse("bidding:challenge_answer", args=[challenge.pk]),
        {"answer": "x", "upheld": "yes"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 403 and "Only the purchaser or its agency" in response.content.decode()
    assert Challenge.objects.get(pk=challenge.pk).status == Challenge.Status.OPEN


def test_an_unverified_officer_is_asked_for_the_second_factor(login, challenge, officer):
    client = login(officer, verified=False)
    response = client.post(
        reverse("bidding:challenge_answer", args=[challenge.pk]), {"answer": "x", "upheld": "no"}
    )
    assert response.status_code in (302, 403)
    assert Challenge.objects.get(pk=challenge.pk).status == Challenge.Status.OPEN


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
        ("anonymous", 302),
    ],
)
def test_the_challenge_evidence_is_for_the_parties(as_role, challenge, role, status):
    response = as_role(role).get(reverse("bidding:challenge_evidence", args=[challenge.pk]))
    _expect(status, response)
    if status == 200:
        assert b"".join(response.streaming_content).startswith(b"%PDF")
        assert response["Content-Type"] == "application/pdf"


# --- Challenges to answer -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "rows"), [("clerk", 3), ("officer", 3), ("other_officer", 0), ("challenger", 0)]
)
def test_challenges_to_answer_lists_the_purchasers_and_agencys(as_role, awarded_lot, bidders, role, rows):
    for bidder in bidders:
        file(awarded_lot, bidder)
    response = as_role(role).get(reverse("bidding:challenges_to_answer"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200 and len(response.context["rows"]) == rows


def test_challenges_to_answer_pins_its_queries(login, awarded_lot, bidders, clerk, django_assert_num_queries):
    file(awarded_lot, bidders[0])
    client = login(clerk)
    url = reverse("bidding:challenges_to_answer")
    with django_assert_num_queries(5):
        client.get(url)
    for bidder in bidders[1:]:
        file(awarded_lot, bidder)
    Challenge.objects.filter(supplier=bidders[2].active_membership.organisation).update(
        answer_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    with django_assert_num_queries(5):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert len(response.context["rows"]) == 3 and 'lang="zh-Hans"' in response.content.decode()
    assert response.context["rows"][0][1] is True  # the overdue one first
    assert login(clerk).get(url).status_code == 200


def test_challenges_to_answer_needs_a_login(client):
    _expect(302, client.get(reverse("bidding:challenges_to_answer")))


# --- Complaints -----------------------------------------------------------------------------------


def test_the_regulators_complaint_list_pins_its_queries(
    login, awarded_lot, bidders, clerk, regulator, other_regulator, django_assert_num_queries
):
    challenges = [file(awarded_lot, bidder) for bidder in bidders]
    for challenge in challenges:
        services.answer_challenge(challenge.pk, actor=clerk, answer="无误", upheld=False)
    services.file_complaint(challenges[0].pk, actor=bidders[0], grounds="不服")
    client = login(regulator)
    url = reverse("bidding:complaints")
    with django_assert_num_queries(5):
        client.get(url)
    for challenge, bidder in zip(challenges[1:], bidders[1:], strict=True):
        services.file_complaint(challenge.pk, actor=bidder, grounds="不服")
    with django_assert_num_queries(5):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert len(response.context["rows"]) == 3 and "Filed, under review" in response.content.decode()
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert 'lang="zh-Hans"' in chinese.content.decode()
    assert login(other_regulator).get(url).context["rows"] == []


@pytest.mark.parametrize(
    ("role", "status", "can_decide"),
    [
        ("challenger", 200, False),
        ("other_bidder", 404, False),
        ("clerk", 200, False),
        ("officer", 200, False),
        ("other_officer", 404, False),
        ("regulator", 200, True),
        ("other_regulator", 404, False),
        ("anonymous", 302, False),
    ],
)
def test_complaint_page_permissions(as_role, complaint, role, status, can_decide):
    response = as_role(role).get(reverse("bidding:complaint", args=[complaint.pk]), HTTP_ACCEPT_LANGUAGE="en")
    _expect(status, response)
    if status == 200:
        page = response.content.decode()
        assert ('data-testid="decide-form"' in page) is can_decide
        assert ('data-testid="suspend-form"' in page) is can_decide
        assert "答复不当" in page


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("challenger", 200),
        ("other_bidder", 404),
        ("clerk", 200),
        ("regulator", 200),
        ("other_regulator", 404),
    ],
)
def test_the_complaint_evidence_is_for_the_parties(as_role, complaint, role, status):
    response = as_role(role).get(reverse("bidding:complaint_evidence", args=[complaint.pk]))
    _expect(status, response)


def test_the_regulator_suspends_through_the_page_at_most_thirty_days(login, complaint, regulator):
    client = login(regulator)
    url = reverse("bidding:complaint_suspend", args=[complaint.pk])
    today = timezone.localdate()
    too_long = client.post(
        url,
        {"until": (today + datetime.timedelta(days=31)).isoformat(), "reason": "调查"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert too_long.status_code == 400
    assert (today + datetime.timedelta(days=30)).isoformat() in too_long.content.decode()
    assert Complaint.objects.get(pk=complaint.pk).suspended_until is None
    response = client.post(
        url, {"until": (today + datetime.timedelta(days=20)).isoformat(), "reason": "调查"}
    )
    assert response.status_code == 302
    page = client.get(reverse("bidding:complaint", args=[complaint.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert 'data-testid="suspended"' in page.content.decode()


def test_the_regulator_decides_through_the_page_and_the_decision_is_public(
    login, complaint, regulator, client
):
    response = login(regulator).post(
        reverse("bidding:complaint_decide", args=[complaint.pk]),
        {"outcome": "dismissed", "decision": "投诉事项缺乏事实依据，驳回投诉。"},
    )
    assert response.status_code == 302
    complaint.refresh_from_db()
    assert (
        complaint.status == Complaint.Status.DISMISSED
        and complaint.notice.kind == Notice.Kind.COMPLAINT_DECISION
    )
    client.logout()
    public = client.get(reverse("notices:detail", args=[complaint.notice.pk]), HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert public.status_code == 200 and "驳回投诉" in public.content.decode()


def test_a_decision_by_another_party_or_without_reasons_is_refused(
    login, complaint, regulator, clerk, bidders
):
    url = reverse("bidding:complaint_decide", args=[complaint.pk])
    assert login(regulator).post(url, {"outcome": "dismissed", "decision": ""}).status_code == 400
    assert login(clerk).post(url, {"outcome": "dismissed", "decision": "x"}).status_code == 404
    assert login(bidders[1]).post(url, {"outcome": "dismissed", "decision": "x"}).status_code == 404
    assert Complaint.objects.get(pk=complaint.pk).status == Complaint.Status.FILED
    assert not AuditEvent.objects.filter(action="bidding.complaint_decided").exists()


def test_navigation_names_the_pages(login, bidders, clerk, officer, regulator):
    for user, url in (
        (bidders[0], reverse("bidding:challenges_mine")),
        (clerk, reverse("bidding:challenges_to_answer")),
        (officer, reverse("bidding:challenges_to_answer")),
        (regulator, reverse("bidding:complaints")),
    ):
        assert f'href="{url}"' in login(user).get(reverse("accounts:workspace"), follow=True).content.decode()
