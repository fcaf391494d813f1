"""Award pages and API: the purchaser's awards and the award page (ranked candidates, confirm form
with pass-over rows), the regulator's overdue awards, the letters (each bidder its own; the
purchaser and the agency all; others 404), the public result notice; who may see and do what,
pinned query counts with three rows, both languages."""

import datetime
import hashlib

import pytest
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from bidding.award import services
from bidding.award.models import Award, AwardLetter
from bidding.models import Evaluation
from experts.models import Panel
from procurement.models import Lot
from tests.bidding.helpers import verified
from tests.bidding.test_award_fixtures import *  # noqa: F401,F403
from tests.bidding.test_award_fixtures import FAIL_REASON

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_role(client, login, clerk, approvers, officer, other_officer, foreign_clerk, regulator, ranked_bids):
    users = {
        "clerk": clerk,
        "approver": approvers[0],
        "officer": officer,
        "other_officer": other_officer,
        "foreign_clerk": foreign_clerk,
        "regulator": regulator,
        "winner": ranked_bids[0].prepared_by,
        "loser": ranked_bids[2].prepared_by,
    }

    def do(role, verified=True):
        client.logout()
        return client if role == "anonymous" else login(users[role], verified=verified)

    return do


def _expect(status, response):
    assert response.status_code == status, response.content[:600]
    if status == 302:
        assert response.url.startswith(reverse("accounts:login"))


def _confirm(award, actor, bid):
    with transaction.atomic():
        return services.confirm_award(award.pk, actor=verified(actor), bid_id=bid.pk)


def more_awards(award, count, **fields) -> list[Award]:
    """Further awards of the same purchaser (new lots of the project, each with its own panel and
    evaluation rows), for the query counts."""
    lot = award.lot
    panel = award.evaluation.panel
    made = []
    for index in range(count):
        new_lot = Lot.objects.create(
            project=lot.project,
            number=lot.project.lots.count() + 1,
            title_zh=f"附加包{index}",
            title_en=f"Extra lot {index}",
            budget=lot.budget,
            quantity_and_specification="台式计算机 10 台",
            delivery_place=lot.delivery_place,
            delivery_period=lot.delivery_period,
            status=Lot.Status.CANDIDATES_PUBLISHED,
        )
        new_panel = Panel.objects.create(
            lot=new_lot,
            status=Panel.Status.SEATED,
            requested_by=panel.requested_by,
            size=panel.size,
            expert_seats=panel.expert_seats,
            purchaser_seats=panel.purchaser_seats,
            reserves=0,
            evaluation_on=panel.evaluation_on,
            answer_hours=12,
            seed_sha256=panel.seed_sha256,
            seed=panel.seed,
        )
        evaluation = Evaluation.objects.create(
            lot=new_lot,
            panel=new_panel,
            document=award.evaluation.document,
            status=Evaluation.Status.REPORTED,
            method=award.evaluation.method,
            deviation_percent=30,
            abnormal_price_percent=40,
            reported_at=timezone.now(),
            report_sha256="ab" * 32,
        )
        made.append(
            Award.objects.create(
                lot=new_lot,
                evaluation=evaluation,
                candidates=list(award.candidates),
                confirm_by=award.confirm_by,
                **fields,
            )
        )
    return made


# --- The purchaser's list --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("clerk", 200),
        ("approver", 200),
        ("officer", 403),
        ("regulator", 403),
        ("winner", 403),
        ("anonymous", 302),
    ],
)
def test_awards_list_permissions(as_role, proposed_award, role, status):
    _expect(status, as_role(role).get(reverse("bidding:awards")))


def test_awards_list_shows_only_the_purchasers_awards(as_role, proposed_award):
    assert len(as_role("clerk").get(reverse("bidding:awards")).context["awards"]) == 1
    assert as_role("foreign_clerk").get(reverse("bidding:awards")).context["awards"] == []


def test_awards_list_query_count_with_three_awards(as_role, proposed_award, django_assert_num_queries):
    more_awards(proposed_award, 2)
    client = as_role("clerk")
    url = reverse("bidding:awards")
    client.get(url)
    # session user + membership, second factor, awards (lot, project, winner), unread count
    with django_assert_num_queries(4):
        response = client.get(url)
    assert len(response.context["awards"]) == 3


def test_awards_list_in_both_languages(as_role, proposed_award):
    client = as_role("clerk")
    english = client.get(reverse("bidding:awards"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Awards" in english and "Awaiting the purchaser" in english
    chinese = client.get(reverse("bidding:awards"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "定标" in chinese and "Awaiting the purchaser" not in chinese


# --- The award page --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("clerk", 200),
        ("approver", 200),
        ("officer", 200),
        ("other_officer", 404),
        ("foreign_clerk", 404),
        ("regulator", 404),
        ("winner", 404),
        ("anonymous", 302),
    ],
)
def test_award_page_permissions(as_role, proposed_award, role, status):
    _expect(status, as_role(role).get(reverse("bidding:award", args=[proposed_award.pk])))


def test_a_missing_award_is_the_same_404(as_role):
    assert as_role("clerk").get(reverse("bidding:award", args=[10**9])).status_code == 404


def test_award_page_ranks_candidates_and_shows_the_failed_bid(
    as_role, proposed_award, ranked_bids, django_assert_num_queries
):
    client = as_role("clerk")
    url = reverse("bidding:award", args=[proposed_award.pk])
    client.get(url)
    # session user + membership, second factor, award (lot, project, purchaser, agency, panel...),
    # assessments (bids, suppliers) twice (candidates and the failed), unread count
    with django_assert_num_queries(6):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    page = response.content.decode()
    assert [row["bid"].pk for row in response.context["candidates"]] == [b.pk for b in ranked_bids[:2]]
    assert "91.50" in page and "88.00" in page and FAIL_REASON in page
    assert response.context["can_confirm"] and 'data-testid="award-confirm"' in page
    chinese = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "确认" in chinese


def test_the_agency_sees_the_award_but_no_confirm_form(as_role, proposed_award):
    response = as_role("officer").get(reverse("bidding:award", args=[proposed_award.pk]))
    assert not response.context["can_confirm"]


def test_confirming_through_the_page(as_role, proposed_award, ranked_bids):
    client = as_role("approver")
    response = client.post(
        reverse("bidding:award_confirm", args=[proposed_award.pk]), {"bid": ranked_bids[0].pk}
    )
    assert response.status_code == 302
    proposed_award.refresh_from_db()
    assert proposed_award.status == Award.Status.CONFIRMED
    page = client.get(reverse("bidding:award", args=[proposed_award.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert len(page.context["letters"]) == 3


def test_the_page_refuses_the_second_without_a_pass_over_in_the_readers_language(
    as_role, proposed_award, ranked_bids
):
    client = as_role("approver")
    url = reverse("bidding:award_confirm", args=[proposed_award.pk])
    response = client.post(url, {"bid": ranked_bids[1].pk}, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "record its withdrawal or disqualification" in response.content.decode()
    assert ranked_bids[0].supplier.name_en in response.content.decode()
    proposed_award.refresh_from_db()
    assert proposed_award.status == Award.Status.AWAITING_CONFIRMATION
    response = client.post(
        url,
        {
            "bid": ranked_bids[1].pk,
            f"ground_{ranked_bids[0].pk}": "disqualified",
            f"reason_{ranked_bids[0].pk}": "提供虚假材料",
        },
    )
    assert response.status_code == 302
    proposed_award.refresh_from_db()
    assert proposed_award.winner_id == ranked_bids[1].pk
    assert proposed_award.passed_over == [
        {"bid": ranked_bids[0].pk, "ground": "disqualified", "reason": "提供虚假材料"}
    ]


@pytest.mark.parametrize(
    ("role", "verified_", "status"),
    [
        ("approver", False, 302),  # to the second-factor page first
        ("clerk", True, 403),  # a clerk with no second factor enrolled
        ("officer", True, 403),
        ("foreign_clerk", True, 404),
        ("regulator", True, 404),
        ("winner", True, 404),
    ],
)
def test_who_may_confirm_through_the_page(as_role, proposed_award, ranked_bids, role, verified_, status):
    response = as_role(role, verified=verified_).post(
        reverse("bidding:award_confirm", args=[proposed_award.pk]), {"bid": ranked_bids[0].pk}
    )
    assert response.status_code == status
    if status == 302:
        assert "second-factor" in response.url
    proposed_award.refresh_from_db()
    assert proposed_award.status == Award.Status.AWAITING_CONFIRMATION


def test_the_report_pdf(as_role, proposed_award):
    url = reverse("bidding:award_report", args=[proposed_award.pk])
    assert as_role("clerk").get(url).status_code == 404  # none stored
    evaluation = proposed_award.evaluation
    evaluation.report_pdf.save("report.pdf", ContentFile(b"%PDF-1.4 report"), save=True)
    response = as_role("officer").get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert as_role("foreign_clerk").get(url).status_code == 404


# --- The regulator's overdue awards ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"), [("regulator", 200), ("clerk", 403), ("winner", 403), ("anonymous", 302)]
)
def test_overdue_awards_permissions(as_role, proposed_award, role, status):
    _expect(status, as_role(role).get(reverse("bidding:awards_overdue")))


def test_overdue_awards_of_the_region_with_three_rows(
    as_role, proposed_award, other_regulator, login, django_assert_num_queries
):
    more_awards(proposed_award, 2)
    Award.objects.update(confirm_by=timezone.localdate() - datetime.timedelta(days=3))
    assert services.flag_overdue_awards() == 3
    client = as_role("regulator")
    url = reverse("bidding:awards_overdue")
    client.get(url)
    # session user + membership, second factor, the regulator's organisation, awards (lot, project,
    # purchaser), unread count
    with django_assert_num_queries(5):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert len(response.context["awards"]) == 3
    assert "Overdue awards" in response.content.decode()
    assert login(other_regulator).get(url).context["awards"] == []


# --- Letters ---------------------------------------------------------------------------------------


@pytest.fixture
def confirmed_award(proposed_award, ranked_bids, approvers):
    return _confirm(proposed_award, approvers[0], ranked_bids[0])


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("winner", 200),
        ("loser", 404),
        ("clerk", 200),
        ("officer", 200),
        ("other_officer", 404),
        ("foreign_clerk", 404),
        ("regulator", 404),
        ("anonymous", 302),
    ],
)
def test_the_winners_letter(as_role, confirmed_award, ranked_bids, role, status):
    letter = AwardLetter.objects.get(award=confirmed_award, bid=ranked_bids[0])
    response = as_role(role).get(reverse("bidding:award_letter", args=[letter.pk]))
    _expect(status, response)
    if status == 200:
        content = b"".join(response.streaming_content)
        assert hashlib.sha256(content).hexdigest() == letter.sha256


def test_a_missing_letter_is_the_same_404(as_role, confirmed_award):
    assert as_role("winner").get(reverse("bidding:award_letter", args=[10**9])).status_code == 404


def test_my_letters_page_with_three_letters(as_role, confirmed_award, ranked_bids, django_assert_num_queries):
    winner = ranked_bids[0]
    for award in more_awards(confirmed_award, 2):
        Award.objects.filter(pk=award.pk).update(
            status=Award.Status.CONFIRMED, winner=winner, amount=winner.price, confirmed_at=timezone.now()
        )
        letter = AwardLetter(award=award, bid=winner, kind=AwardLetter.Kind.AWARD_NOTICE, sha256="cd" * 32)
        letter.pdf.save("x.pdf", ContentFile(b"%PDF-1.4"), save=True)
    client = as_role("winner")
    url = reverse("bidding:award_letters")
    client.get(url)
    # session user + membership, the supplier, letters (award, lot, project, bid), unread count
    with django_assert_num_queries(4):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert len(response.context["letters"]) == 3
    assert "Award notice" in response.content.decode()
    assert as_role("loser").get(url).context["letters"][0].kind == AwardLetter.Kind.RESULT_LETTER
    assert as_role("clerk").get(url).status_code == 403


# --- The public result notice ----------------------------------------------------------------------


def test_the_public_result_notice_shows_scores_and_the_draw_without_login(
    client, confirmed_award, ranked_bids
):
    notice = confirmed_award.result_notice
    panel = confirmed_award.evaluation.panel
    page = client.get(reverse("notices:detail", args=[notice.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert ranked_bids[0].supplier.name_en in page
    assert "88.00" in page and FAIL_REASON in page
    assert panel.seed in page and f"/experts/draws/{panel.pk}/" in page
    attachment = client.get(reverse("notices:attachment", args=[notice.pk]))
    assert attachment.status_code == 200


# --- API -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [("clerk", 200), ("officer", 200), ("foreign_clerk", 404), ("regulator", 404), ("winner", 404)],
)
def test_api_award_detail_permissions(as_role, proposed_award, role, status):
    response = as_role(role).get(f"/api/v1/bidding/awards/{proposed_award.pk}/")
    assert response.status_code == status
    if status == 404:
        assert response.json()["code"] == "award_not_found"


def test_api_award_detail(as_role, proposed_award, ranked_bids, django_assert_num_queries):
    client = as_role("clerk")
    url = f"/api/v1/bidding/awards/{proposed_award.pk}/"
    client.get(url)
    # session user + membership, award (lot, project...), assessments
    with django_assert_num_queries(3):
        data = client.get(url).json()
    assert [row["bid"] for row in data["ranked"]] == [b.pk for b in ranked_bids[:2]]
    assert data["ranked"][0]["total_score"] == "91.50" and data["status"] == "awaiting_confirmation"


def test_api_confirm_refuses_the_second_then_accepts_with_the_withdrawal(
    as_role, proposed_award, ranked_bids
):
    client = as_role("approver")
    url = f"/api/v1/bidding/awards/{proposed_award.pk}/confirm/"
    refused = client.post(url, {"bid": ranked_bids[1].pk}, content_type="application/json")
    assert refused.status_code == 400 and refused.json()["code"] == "pass_over_required"
    proposed_award.refresh_from_db()
    assert proposed_award.status == Award.Status.AWAITING_CONFIRMATION
    passed = [{"bid": ranked_bids[0].pk, "ground": "withdrawn", "reason": "书面放弃"}]
    accepted = client.post(
        url, {"bid": ranked_bids[1].pk, "passed_over": passed}, content_type="application/json"
    )
    assert accepted.status_code == 200, accepted.content
    assert accepted.json()["winner"] == ranked_bids[1].pk and accepted.json()["passed_over"] == passed


def test_api_confirm_by_an_unverified_approver_is_refused(as_role, proposed_award, ranked_bids):
    response = as_role("approver", verified=False).post(
        f"/api/v1/bidding/awards/{proposed_award.pk}/confirm/",
        {"bid": ranked_bids[0].pk},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["code"] == "second_factor_required"
    response = as_role("clerk").post(
        f"/api/v1/bidding/awards/{proposed_award.pk}/confirm/",
        {"bid": ranked_bids[0].pk},
        content_type="application/json",
    )
    assert response.status_code == 403 and response.json()["code"] == "not_award_confirmer"
    proposed_award.refresh_from_db()
    assert proposed_award.status == Award.Status.AWAITING_CONFIRMATION


def test_api_own_letters(as_role, confirmed_award, ranked_bids, django_assert_num_queries):
    client = as_role("loser")
    client.get("/api/v1/bidding/award-letters/")
    # session user + membership, count, letters
    with django_assert_num_queries(3):
        data = client.get("/api/v1/bidding/award-letters/").json()
    assert data["count"] == 1 and data["results"][0]["kind"] == "result_letter"
    assert data["results"][0]["bid"] == ranked_bids[2].pk
    assert as_role("clerk").get("/api/v1/bidding/award-letters/").json()["count"] == 0


def test_role_navigation_lists_awards():
    from accounts.navigation import navigation_for

    assert ("bidding:awards") in [name for _label, name in navigation_for(Role.PURCHASER_CLERK)]
    assert ("bidding:awards_overdue") in [name for _label, name in navigation_for(Role.REGULATOR)]
