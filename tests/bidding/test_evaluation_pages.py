"""The evaluation pages in Chinese and English, who may see each (an expert only their own panels,
a bidder never a score; a foreign id is the same 404 as a missing one), pinned query counts with
three bids, the qualification and scoring forms, inline PDF reading (audited), signing with the
second factor, the report download and the agency's progress view."""

import pytest
from django.test import Client
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Role
from audit.models import AuditEvent
from bidding.models import BidAssessment, Evaluation, QualificationMark, Score, ScoreSheet
from tests.bidding.evaluation_helpers import bids, members, review_all, score_sheet, sign_all

pytestmark = pytest.mark.django_db

LANGUAGES = {"zh-hans": 'lang="zh-Hans"', "en": 'lang="en"'}


def client_for(user, *, verified=True):
    client = Client()
    client.force_login(user, backend="accounts.backends.MembershipAwareModelBackend")
    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if verified and device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def supplier_user(bid):
    return (
        Membership.objects.filter(organisation_id=bid.supplier_id, role=Role.SUPPLIER_REPRESENTATIVE)
        .first()
        .user
    )


def _spread(n):
    from decimal import Decimal

    def points(bid, index, criterion):
        top = Decimal(str(criterion["points"]))
        return (top * Decimal("0.7") + Decimal(n) * Decimal("0.1")).quantize(Decimal("0.01"))

    return points


@pytest.fixture
def outsiders(expert_factory, opened_lot):
    """Who must get 404: an expert of another panel, a bidder of the lot."""
    return {"expert": expert_factory().user, "bidder": supplier_user(bids_of(opened_lot)[0])}


def bids_of(lot):
    return list(lot.bids.filter(status="opened").order_by("price"))


def member_pages(evaluation):
    bid = bids(evaluation)[0]
    return [
        f"/bidding/evaluations/{evaluation.pk}/",
        f"/bidding/evaluations/{evaluation.pk}/qualification/",
        f"/bidding/evaluations/{evaluation.pk}/bids/{bid.pk}/files/",
        f"/bidding/evaluations/{evaluation.pk}/summary/",
        f"/bidding/evaluations/{evaluation.pk}/sign/",
    ]


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_member_pages_in_both_languages(seated_evaluation, language):
    client = client_for(members(seated_evaluation)[0])
    project = seated_evaluation.lot.project
    for url in ["/bidding/evaluations/", *member_pages(seated_evaluation)]:
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200, url
        page = response.content.decode()
        assert LANGUAGES[language] in page and project.reference in page, url


def test_an_expert_sees_only_their_own_panels(seated_evaluation, outsiders):
    mine = client_for(members(seated_evaluation)[0]).get("/bidding/evaluations/").content.decode()
    assert f"/bidding/evaluations/{seated_evaluation.pk}/" in mine
    other = client_for(outsiders["expert"]).get("/bidding/evaluations/").content.decode()
    assert f"/bidding/evaluations/{seated_evaluation.pk}/" not in other


@pytest.mark.parametrize("who", ["expert", "bidder"])
def test_outsiders_get_404_on_every_member_page_like_a_missing_id(seated_evaluation, outsiders, who):
    client = client_for(outsiders[who])
    for url in member_pages(seated_evaluation):
        assert client.get(url).status_code == 404, url
        missing = url.replace(f"/evaluations/{seated_evaluation.pk}/", "/evaluations/999999/")
        assert client.get(missing).status_code == 404, missing
    bid = bids(seated_evaluation)[0]
    response = client.post(
        f"/bidding/evaluations/{seated_evaluation.pk}/qualification/",
        {f"mark-{bid.pk}-0": "pass", "save": "1"},
    )
    assert response.status_code == 404 and not QualificationMark.objects.exists()


def test_anonymous_visitors_go_to_the_login_page(seated_evaluation):
    for url in member_pages(seated_evaluation):
        response = Client().get(url)
        assert response.status_code == 302 and "/login" in response["Location"]


def test_the_pages_query_counts_are_pinned(seated_evaluation, django_assert_num_queries):
    client = client_for(members(seated_evaluation)[0])
    bid = bids(seated_evaluation)[0]
    base = f"/bidding/evaluations/{seated_evaluation.pk}"
    for url, count in (
        ("/bidding/evaluations/", 4),
        (f"{base}/", 6),
        (f"{base}/qualification/", 7),
        (f"{base}/bids/{bid.pk}/files/", 7),
        (f"{base}/summary/", 8),
        (f"{base}/sign/", 6),
    ):
        with django_assert_num_queries(count):
            assert client.get(url).status_code == 200, url


def test_the_qualification_sheet_saves_and_submits(seated_evaluation):
    member = members(seated_evaluation)[0]
    client = client_for(member)
    data = {"submit": "1"}
    for bid in bids(seated_evaluation):
        for item in range(len(seated_evaluation.qualification_items)):
            data[f"mark-{bid.pk}-{item}"] = "pass"
    first = bids(seated_evaluation)[0]
    data[f"mark-{first.pk}-0"] = "fail"
    response = client.post(f"/bidding/evaluations/{seated_evaluation.pk}/qualification/", data)
    assert response.status_code == 400  # a fail without its reason: nothing saved
    assert not QualificationMark.objects.exists()
    data[f"reason-{first.pk}-0"] = "营业执照过期"
    response = client.post(f"/bidding/evaluations/{seated_evaluation.pk}/qualification/", data)
    assert response.status_code == 302
    assert QualificationMark.objects.filter(passed=False, reason="营业执照过期").count() == 1
    assert ScoreSheet.objects.get(seat__member=member).status == ScoreSheet.Status.QUALIFIED


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_scoring_sheet_shows_ranges_and_refuses_points_outside_them(
    seated_evaluation, language, django_assert_num_queries
):
    review_all(seated_evaluation)
    member = members(seated_evaluation)[0]
    client = client_for(member)
    bid = bids(seated_evaluation)[0]
    url = f"/bidding/evaluations/{seated_evaluation.pk}/bids/{bid.pk}/scores/"
    with django_assert_num_queries(7):
        page = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    text = page.content.decode()
    top = seated_evaluation.criteria[0]["points"]
    assert page.status_code == 200 and f"0 – {top}" in text
    assert 'name="price' not in text  # the price score is never an input
    response = client.post(url, {"points-0": "999"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400 and f"{top}" in response.content.decode()
    assert not Score.objects.exists()
    response = client.post(url, {"points-0": "12.5", "comment-0": "较好"})
    assert response.status_code == 302 and Score.objects.get().comment == "较好"
    other = client_for(members(seated_evaluation)[1])
    assert "12.5" not in other.get(url).content.decode()  # a member sees only their own sheet


def test_after_submitting_a_member_sees_the_others_sheets(seated_evaluation):
    review_all(seated_evaluation)
    people = members(seated_evaluation)
    score_sheet(seated_evaluation, people[1], _spread(1))
    first = client_for(people[0])
    summary = f"/bidding/evaluations/{seated_evaluation.pk}/summary/"
    from experts.models import ExpertProfile

    other = ExpertProfile.objects.get(user=people[1]).name_zh
    assert other not in first.get(summary).content.decode()
    score_sheet(seated_evaluation, people[0], _spread(0))
    assert other in first.get(summary).content.decode()


def test_a_pdf_of_the_bid_is_shown_inline_and_the_read_is_audited(seated_evaluation, outsiders):
    member = members(seated_evaluation)[0]
    bid = bids(seated_evaluation)[0]
    bid_file = bid.files.filter(status="complete").order_by("pk").first()
    url = f"/bidding/evaluations/{seated_evaluation.pk}/bids/{bid.pk}/files/{bid_file.pk}/"
    response = client_for(member).get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    download = client_for(member).get(url + "?download=1")
    assert download["Content-Disposition"].startswith("attachment")
    assert AuditEvent.objects.filter(action="bidding.bid_file_read", actor=member).count() == 2
    for who in ("expert", "bidder"):
        assert client_for(outsiders[who]).get(url).status_code == 404
    assert AuditEvent.objects.filter(action="bidding.bid_file_read").count() == 2


@pytest.fixture
def signing(seated_evaluation):
    review_all(seated_evaluation)
    for n, member in enumerate(members(seated_evaluation)):
        score_sheet(seated_evaluation, member, _spread(n))
    seated_evaluation.refresh_from_db()
    return seated_evaluation


def test_signing_asks_for_the_second_factor(signing):
    member = members(signing)[0]
    client = client_for(member)
    page = client.get(f"/bidding/evaluations/{signing.pk}/sign/").content.decode()
    assert "/second-factor/" in page
    response = client.post(f"/bidding/evaluations/{signing.pk}/sign/")
    assert response.status_code == 403
    assert ScoreSheet.objects.get(seat__member=member).status == ScoreSheet.Status.SUBMITTED
    TOTPDevice.objects.create(user=member, name="phone", confirmed=True)
    response = client_for(member).post(f"/bidding/evaluations/{signing.pk}/sign/")
    assert response.status_code == 302
    assert ScoreSheet.objects.get(seat__member=member).status == ScoreSheet.Status.SIGNED


def test_the_report_pdf_for_the_panel_purchaser_agency_and_regulator_only(
    signing, clerk, officer, regulator, other_regulator, outsiders, expert_factory
):
    evaluation = sign_all(signing)
    url = f"/bidding/evaluations/{evaluation.pk}/report.pdf"
    for user in (members(evaluation)[0], clerk, officer, regulator):
        response = client_for(user).get(url)
        assert response.status_code == 200, user
        assert response["X-Report-SHA256"] == evaluation.report_sha256
    for user in (other_regulator, outsiders["expert"], outsiders["bidder"]):
        assert client_for(user).get(url).status_code == 404
    assert client_for(clerk).get("/bidding/evaluations/999999/report.pdf").status_code == 404


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_progress_view_shows_who_submitted_not_the_scores(
    signing, officer, regulator, clerk, outsiders, language, django_assert_num_queries
):
    url = f"/bidding/evaluations/{signing.pk}/progress/"
    client = client_for(officer)
    with django_assert_num_queries(8):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    page = response.content.decode()
    assert response.status_code == 200 and LANGUAGES[language] in page
    assert str(BidAssessment.objects.filter(evaluation=signing).first().total_score) not in page
    assert client_for(regulator).get(url).status_code == 200
    for user in (clerk, outsiders["expert"], outsiders["bidder"], members(signing)[0]):
        assert client_for(user).get(url).status_code == 404


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_bidder_explains_an_abnormally_low_price_and_sees_no_score(seated_evaluation, language):
    cheapest = bids(seated_evaluation)[0]
    BidAssessment.objects.filter(bid=cheapest).update(price="90000.00")
    review_all(seated_evaluation)
    bidder = supplier_user(cheapest)
    url = f"/bidding/bids/{cheapest.public_id}/explanation/"
    client = client_for(bidder)
    page = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert page.status_code == 200 and LANGUAGES[language] in page.content.decode()
    response = client.post(url, {"explanation": "短"}, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    response = client.post(url, {"explanation": "我们自有工厂和库存，成本明显较低，附成本测算。"})
    assert response.status_code == 302
    assert BidAssessment.objects.get(bid=cheapest).explanation_status == "given"
    other = supplier_user(bids(seated_evaluation)[1])
    assert client_for(other).get(url).status_code == 404
    member = client_for(members(seated_evaluation)[0])
    page = member.get(f"/bidding/evaluations/{seated_evaluation.pk}/").content.decode()
    assert "我们自有工厂" in page
    response = member.post(
        f"/bidding/evaluations/{seated_evaluation.pk}/bids/{cheapest.pk}/explanation/", {"accepted": "1"}
    )
    assert response.status_code == 302
    assert Evaluation.objects.get(pk=seated_evaluation.pk).status == Evaluation.Status.SCORING


def test_a_bidder_never_sees_scores(signing, outsiders):
    bidder = outsiders["bidder"]
    client = client_for(bidder)
    for url in member_pages(signing) + [f"/bidding/evaluations/{signing.pk}/progress/"]:
        assert client.get(url).status_code == 404


def test_experts_have_my_evaluations_in_their_navigation(seated_evaluation):
    page = client_for(members(seated_evaluation)[0]).get("/bidding/evaluations/", HTTP_ACCEPT_LANGUAGE="en")
    assert 'href="/bidding/evaluations/"' in page.content.decode()


def test_a_draft_sheet_stays_its_authors_even_after_others_submitted(seated_evaluation):
    """Nobody sees another member's scores before that member has submitted: a member who has
    submitted sees the submitted sheets, never a draft."""
    from experts.models import ExpertProfile

    review_all(seated_evaluation)
    people = members(seated_evaluation)
    score_sheet(seated_evaluation, people[0], _spread(0))
    score_sheet(seated_evaluation, people[1], submit=False)  # a draft
    score_sheet(seated_evaluation, people[2], _spread(2))
    page = client_for(people[0]).get(f"/bidding/evaluations/{seated_evaluation.pk}/summary/")
    body = page.content.decode()
    assert ExpertProfile.objects.get(user=people[2]).name_zh in body
    assert ExpertProfile.objects.get(user=people[1]).name_zh not in body
