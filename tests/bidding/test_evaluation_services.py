"""The evaluation's services: the qualification review and its majority, a failed bid's reasons
and a failed lot, abnormally low prices (explained, accepted, rejected, missing), scoring within
range and who may score (404 for a bid not assigned, an unseated member; 403 for the wrong
role; 409 after submitting or signing), deviation reasons, identical sheets, the sealed report
and the award it proposes, the other methods' routes, and reading a bid's files (audited)."""

import datetime
import hashlib
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone, translation

from accounts.models import Notification, Role
from audit.models import AuditEvent
from bidding.award.models import Award
from bidding.evaluation import services
from bidding.evaluation.exceptions import (
    EvaluationInvalid,
    EvaluationNotFound,
    EvaluationRefused,
    SecondFactorNeeded,
    WrongRole,
)
from bidding.models import (
    Bid,
    BidAssessment,
    Bond,
    Evaluation,
    EvaluationFlag,
    QualificationMark,
    Score,
    ScoreSheet,
)
from procurement.models import Lot, Notice
from tests.bidding.evaluation_helpers import bids, members, review, review_all, score_sheet, sign_all
from tests.bidding.helpers import pdf_bytes, verified

pytestmark = pytest.mark.django_db


def events(action):
    return AuditEvent.objects.filter(action=action)


@pytest.fixture
def two_valid(monkeypatch):
    """Two qualified bids are enough (to keep the lot alive after one bid fails)."""
    monkeypatch.setattr(services, "_fewest_valid", lambda evaluation: 2)


def supplier_user(bid):
    from accounts.models import Membership

    return (
        Membership.objects.filter(organisation_id=bid.supplier_id, role=Role.SUPPLIER_REPRESENTATIVE)
        .first()
        .user
    )


# --- Qualification review ----------------------------------------------------------------------


def test_a_fail_needs_its_reason_and_nothing_changes(seated_evaluation):
    member = members(seated_evaluation)[0]
    bid = bids(seated_evaluation)[0]
    with pytest.raises(EvaluationInvalid) as error:
        services.mark_qualification(seated_evaluation.pk, actor=member, bid_id=bid.pk, item=0, passed=False)
    assert error.value.code == "reason_missing"
    assert not QualificationMark.objects.exists()


def test_submitting_an_incomplete_review_is_refused(seated_evaluation):
    member = members(seated_evaluation)[0]
    review(seated_evaluation, member, submit=False)
    QualificationMark.objects.filter(item=0).delete()
    with pytest.raises(EvaluationInvalid) as error:
        services.submit_qualification(seated_evaluation.pk, actor=member)
    assert error.value.code == "qualification_incomplete" and "3" in str(error.value)
    assert ScoreSheet.objects.get(seat__member=member).status == ScoreSheet.Status.QUALIFYING


def test_a_minority_fail_does_not_put_the_bid_out(seated_evaluation):
    cheapest = bids(seated_evaluation)[0]
    people = members(seated_evaluation)
    for n, member in enumerate(people):
        review(seated_evaluation, member, fail={cheapest: "缺少营业执照"} if n < 2 else None)
    seated_evaluation.refresh_from_db()
    assert seated_evaluation.status == Evaluation.Status.SCORING
    assert BidAssessment.objects.filter(evaluation=seated_evaluation, qualified=True).count() == 3
    assert events("bidding.qualification_concluded").count() == 1
    assert set(ScoreSheet.objects.values_list("status", flat=True)) == {ScoreSheet.Status.DRAFT}


def test_a_majority_fail_puts_the_bid_out_with_its_reasons(seated_evaluation, two_valid):
    cheapest = bids(seated_evaluation)[0]
    for n, member in enumerate(members(seated_evaluation)):
        review(seated_evaluation, member, fail={cheapest: f"缺少营业执照 {n}"} if n < 3 else None)
    assessment = BidAssessment.objects.get(evaluation=seated_evaluation, bid=cheapest)
    assert assessment.qualified is False
    assert assessment.fail_reasons == [
        {
            "item": 0,
            "text": seated_evaluation.qualification_items[0],
            "reasons": ["缺少营业执照 0", "缺少营业执照 1", "缺少营业执照 2"],
        }
    ]
    event = events("bidding.qualification_concluded").get()
    assert str(cheapest.pk) in event.data["failed"]


def test_too_few_qualified_bids_fail_the_evaluation_and_the_lot(
    seated_evaluation, django_capture_on_commit_callbacks
):
    cheapest = bids(seated_evaluation)[0]
    lot = seated_evaluation.lot
    held = Bond.objects.filter(lot=lot, status__in=["lodged", "verified"]).count()
    with django_capture_on_commit_callbacks():
        review_all(seated_evaluation, fail={cheapest: "资格证明文件缺失"})
    assert seated_evaluation.status == Evaluation.Status.FAILED
    lot.refresh_from_db()
    assert lot.status == Lot.Status.FAILED
    notice = Notice.objects.filter(project=lot.project, kind=Notice.Kind.FAILED).get()
    assert "2" in notice.body_en and "3" in notice.body_en
    assert Bond.objects.filter(lot=lot, status="refundable").count() == held
    assert events("bidding.evaluation_failed").get().data["qualified"] == 2


def test_after_submitting_the_review_a_mark_is_refused(seated_evaluation):
    member = members(seated_evaluation)[0]
    review(seated_evaluation, member)
    with pytest.raises(EvaluationRefused):
        services.mark_qualification(
            seated_evaluation.pk, actor=member, bid_id=bids(seated_evaluation)[0].pk, item=0, passed=True
        )


# --- Who may act ---------------------------------------------------------------------------------


def test_an_unseated_expert_a_supplier_and_a_missing_id_get_the_same_404(seated_evaluation, expert_factory):
    outsider = expert_factory().user
    bidder = supplier_user(bids(seated_evaluation)[0])
    bid = bids(seated_evaluation)[0]
    for actor, evaluation_id in (
        (outsider, seated_evaluation.pk),
        (bidder, seated_evaluation.pk),
        (members(seated_evaluation)[0], 999999),
    ):
        with pytest.raises(EvaluationNotFound):
            services.mark_qualification(evaluation_id, actor=actor, bid_id=bid.pk, item=0, passed=True)
    from experts.models import PanelSeat

    seat = ScoreSheet.objects.filter(evaluation=seated_evaluation).select_related("seat").first().seat
    PanelSeat.objects.filter(pk=seat.pk).update(status=PanelSeat.Status.RELEASED)
    with pytest.raises(EvaluationNotFound):
        services.mark_qualification(
            seated_evaluation.pk, actor=seat.member, bid_id=bid.pk, item=0, passed=True
        )
    assert not QualificationMark.objects.exists()


def test_a_member_acting_in_another_role_is_refused(seated_evaluation, make_member, clerk):
    other = make_member(Role.SUPPLIER_REPRESENTATIVE, user=clerk)
    clerk.active_membership = other.memberships.get(role=Role.SUPPLIER_REPRESENTATIVE)
    clerk.save(update_fields=["active_membership"])
    with pytest.raises(WrongRole):
        services.mark_qualification(
            seated_evaluation.pk, actor=clerk, bid_id=bids(seated_evaluation)[0].pk, item=0, passed=True
        )


def test_a_bid_of_another_lot_is_not_found(seated_evaluation):
    other = Bid.objects.exclude(lot=seated_evaluation.lot).first()
    member = members(seated_evaluation)[0]
    for bid_id in (other.pk if other else 10**6, "x", None):
        with pytest.raises(EvaluationNotFound):
            services.mark_qualification(
                seated_evaluation.pk, actor=member, bid_id=bid_id, item=0, passed=True
            )


# --- Scoring ---------------------------------------------------------------------------------------


@pytest.fixture
def scoring(seated_evaluation):
    return review_all(seated_evaluation)


def test_points_outside_the_range_are_refused_naming_the_range(scoring):
    member = members(scoring)[0]
    bid = bids(scoring)[0]
    maximum = scoring.criteria[0]["points"]
    for points in ("-1", str(Decimal(maximum) + Decimal("0.01")), "abc", "1.005"):
        with pytest.raises(EvaluationInvalid) as error, translation.override("en"):
            services.score(scoring.pk, actor=member, bid_id=bid.pk, criterion=0, points=points)
        assert error.value.code == "points_out_of_range"
        assert f"0 to {maximum}" in str(error.value)
    with pytest.raises(EvaluationInvalid) as error, translation.override("zh-hans"):
        services.score(scoring.pk, actor=member, bid_id=bid.pk, criterion=0, points="-1")
    assert f"0 至 {maximum}" in str(error.value)
    assert not Score.objects.exists()


def test_a_score_is_recorded_and_audited(scoring):
    member = members(scoring)[0]
    bid = bids(scoring)[0]
    row = services.score(scoring.pk, actor=member, bid_id=bid.pk, criterion=1, points="7.5", comment="好")
    assert row.points == Decimal("7.50") and row.comment == "好"
    services.score(scoring.pk, actor=member, bid_id=bid.pk, criterion=1, points="8")
    assert Score.objects.get().points == Decimal("8")
    assert events("bidding.bid_scored").count() == 2


def test_a_failed_bid_or_an_unknown_criterion_is_not_found(seated_evaluation, two_valid):
    cheapest = bids(seated_evaluation)[0]
    review_all(seated_evaluation, fail={cheapest: "不合格"})
    member = members(seated_evaluation)[0]
    with pytest.raises(EvaluationNotFound):
        services.score(seated_evaluation.pk, actor=member, bid_id=cheapest.pk, criterion=0, points="1")
    with pytest.raises(EvaluationNotFound):
        services.score(
            seated_evaluation.pk,
            actor=member,
            bid_id=bids(seated_evaluation)[1].pk,
            criterion=len(seated_evaluation.criteria),
            points="1",
        )


def test_scoring_before_the_review_is_over_or_after_submitting_is_refused(seated_evaluation):
    member = members(seated_evaluation)[0]
    with pytest.raises(EvaluationRefused):
        services.score(
            seated_evaluation.pk, actor=member, bid_id=bids(seated_evaluation)[0].pk, criterion=0, points="1"
        )
    review_all(seated_evaluation)
    score_sheet(seated_evaluation, member)
    with pytest.raises(EvaluationRefused):
        services.score(
            seated_evaluation.pk, actor=member, bid_id=bids(seated_evaluation)[0].pk, criterion=0, points="1"
        )


def test_an_incomplete_sheet_cannot_be_submitted(scoring):
    member = members(scoring)[0]
    services.score(scoring.pk, actor=member, bid_id=bids(scoring)[0].pk, criterion=0, points="1")
    with pytest.raises(EvaluationInvalid) as error:
        services.submit_scores(scoring.pk, actor=member)
    assert error.value.code == "scores_incomplete"
    assert ScoreSheet.objects.get(seat__member=member).status == ScoreSheet.Status.DRAFT


def _spread(n):
    """Points differing a little per member (no identical sheets), none far from the median."""

    def points(bid, index, criterion):
        top = Decimal(str(criterion["points"]))
        return (
            top * Decimal("0.7") + Decimal(n) * Decimal("0.1") + Decimal(bid.pk % 3) * Decimal("0.05")
        ).quantize(Decimal("0.01"))

    return points


def test_a_deviation_needs_a_written_reason_before_submitting(scoring):
    people = members(scoring)
    for n, member in enumerate(people[:4]):
        score_sheet(scoring, member, _spread(n))
    last = people[4]
    score_sheet(
        scoring,
        last,
        lambda bid, index, criterion: (
            Decimal(0) if index == 0 else Decimal(criterion["points"]) * Decimal("0.7")
        ),
        submit=False,
    )
    with pytest.raises(EvaluationInvalid) as error:
        services.submit_scores(scoring.pk, actor=last)
    assert error.value.code == "deviation_reason_missing"
    assert len(error.value.params["deviations"]) == 3  # criterion 0 of each of the three bids
    assert scoring.criteria[0]["name_zh"] in str(error.value)
    for bid in bids(scoring):
        services.score(
            scoring.pk, actor=last, bid_id=bid.pk, criterion=0, points="0", deviation_reason="方案不满足要求"
        )
    services.submit_scores(scoring.pk, actor=last)
    scoring.refresh_from_db()
    assert scoring.status == Evaluation.Status.SIGNING
    flags = EvaluationFlag.objects.filter(evaluation=scoring, kind=EvaluationFlag.Kind.DEVIATION)
    assert flags.count() == 3
    assert {f.evidence["reason"] for f in flags} == {"方案不满足要求"}
    assert all(list(f.seats.values_list("member", flat=True)) == [last.pk] for f in flags)
    assert not EvaluationFlag.objects.filter(kind=EvaluationFlag.Kind.IDENTICAL_SHEETS).exists()


def test_identical_sheets_are_flagged(scoring):
    people = members(scoring)
    for n, member in enumerate(people):
        score_sheet(scoring, member, _spread(0 if n < 2 else n))
    flag = EvaluationFlag.objects.get(evaluation=scoring, kind=EvaluationFlag.Kind.IDENTICAL_SHEETS)
    assert set(flag.seats.values_list("member", flat=True)) == {people[0].pk, people[1].pk}


def test_the_aggregation_computes_price_scores_deductions_and_ranks(scoring):
    for n, member in enumerate(members(scoring)):
        score_sheet(scoring, member, _spread(n))
    scoring.refresh_from_db()
    rows = {a.bid.price: a for a in BidAssessment.objects.filter(evaluation=scoring).select_related("bid")}
    small = rows[Decimal("200000.00")]
    percent = scoring.sme_deduction_percent
    assert small.deduction_percent == percent > 0
    assert small.evaluated_price == (Decimal("200000") * (100 - percent) / 100).quantize(Decimal("0.01"))
    assert small.price_score == scoring.price_weight
    medium = rows[Decimal("210000.00")]
    assert medium.deduction_percent == 0 and medium.evaluated_price == Decimal("210000.00")
    assert medium.price_score == (small.evaluated_price / Decimal("210000") * scoring.price_weight).quantize(
        Decimal("0.01")
    )
    for a in rows.values():
        assert a.total_score == a.price_score + a.technical_score + a.commercial_score
    ranked = sorted(rows.values(), key=lambda a: a.rank)
    assert [a.rank for a in ranked] == [1, 2, 3]
    assert [a.total_score for a in ranked] == sorted((a.total_score for a in ranked), reverse=True)
    assert events("bidding.evaluation_aggregated").count() == 1


# --- Signing and the report ------------------------------------------------------------------------


@pytest.fixture
def signing(scoring):
    for n, member in enumerate(members(scoring)):
        score_sheet(scoring, member, _spread(n))
    scoring.refresh_from_db()
    return scoring


def test_signing_needs_the_second_factor(signing):
    member = members(signing)[0]
    with pytest.raises(SecondFactorNeeded):
        services.sign_report(signing.pk, actor=member)
    assert ScoreSheet.objects.get(seat__member=member).status == ScoreSheet.Status.SUBMITTED


def test_the_last_signature_seals_the_report_and_proposes_the_award(
    signing, tmp_path, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        evaluation = sign_all(signing)
    assert evaluation.status == Evaluation.Status.REPORTED
    content = evaluation.report_pdf.open("rb").read()
    assert hashlib.sha256(content).hexdigest() == evaluation.report_sha256
    evaluation.lot.refresh_from_db()
    assert evaluation.lot.status == Lot.Status.CANDIDATES_PUBLISHED
    award = Award.objects.get(evaluation=evaluation)
    first = BidAssessment.objects.get(evaluation=evaluation, rank=1)
    assert award.candidates[0] == first.bid_id
    assert events("bidding.report_signed").count() == 5
    assert events("bidding.report_sealed").get().data["report_sha256"] == evaluation.report_sha256
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: install poppler-utils")
    path = tmp_path / "report.pdf"
    path.write_bytes(content)
    text = subprocess.run(
        [tool, "-layout", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    from experts.models import ExpertProfile

    for expert in ExpertProfile.objects.filter(seats__panel=evaluation.panel):
        assert expert.name_zh in text
    assert "评审报告" in text and str(first.total_score) in text and str(first.price_score) in text
    assert evaluation.criteria[0]["name_zh"] in text


def test_scoring_or_signing_again_after_signing_is_refused(signing):
    member = verified(members(signing)[0])
    services.sign_report(signing.pk, actor=member)
    with pytest.raises(EvaluationRefused):
        services.sign_report(signing.pk, actor=member)
    with pytest.raises(EvaluationRefused):
        services.score(signing.pk, actor=member, bid_id=bids(signing)[0].pk, criterion=0, points="1")


# --- Abnormally low prices -----------------------------------------------------------------------------


@pytest.fixture
def abnormal(seated_evaluation):
    cheapest = bids(seated_evaluation)[0]
    BidAssessment.objects.filter(evaluation=seated_evaluation, bid=cheapest).update(price=Decimal("90000.00"))
    return seated_evaluation, cheapest


def test_an_abnormally_low_price_must_be_explained(abnormal, django_capture_on_commit_callbacks):
    evaluation, cheapest = abnormal
    with django_capture_on_commit_callbacks():
        review_all(evaluation)
    assert evaluation.status == Evaluation.Status.AWAITING_EXPLANATIONS
    assessment = BidAssessment.objects.get(evaluation=evaluation, bid=cheapest)
    assert assessment.explanation_status == BidAssessment.Explanation.REQUESTED
    assert assessment.explanation_due > timezone.now() + datetime.timedelta(hours=23)
    bidder = supplier_user(cheapest)
    assert Notification.objects.filter(recipient=bidder, link__contains=str(cheapest.public_id)).exists()
    services.explain_price(
        cheapest.public_id, actor=bidder, explanation="我们自有工厂，原材料库存充足，成本较低。"
    )
    member = members(evaluation)[0]
    services.decide_explanation(evaluation.pk, actor=member, bid_id=cheapest.pk, accepted=True)
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SCORING
    assert BidAssessment.objects.get(pk=assessment.pk).qualified is True
    assert events("bidding.price_explained").count() == 1
    assert events("bidding.price_explanation_decided").get().data["accepted"] is True


def test_a_rejected_explanation_puts_the_bid_out(abnormal, two_valid):
    evaluation, cheapest = abnormal
    review_all(evaluation)
    bidder = supplier_user(cheapest)
    services.explain_price(cheapest.public_id, actor=bidder, explanation="价格是我们的正常价格，没有问题。")
    member = members(evaluation)[0]
    with pytest.raises(EvaluationInvalid):
        services.decide_explanation(evaluation.pk, actor=member, bid_id=cheapest.pk, accepted=False)
    services.decide_explanation(
        evaluation.pk, actor=member, bid_id=cheapest.pk, accepted=False, reason="无成本依据"
    )
    assessment = BidAssessment.objects.get(evaluation=evaluation, bid=cheapest)
    assert assessment.qualified is False and assessment.fail_reasons[-1]["reasons"] == ["无成本依据"]
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SCORING


def test_a_missing_explanation_puts_the_bid_out_and_a_late_one_is_refused(abnormal, two_valid):
    evaluation, cheapest = abnormal
    review_all(evaluation)
    BidAssessment.objects.filter(bid=cheapest).update(
        explanation_due=timezone.now() - datetime.timedelta(minutes=1)
    )
    bidder = supplier_user(cheapest)
    with pytest.raises(EvaluationRefused) as error:
        services.explain_price(cheapest.public_id, actor=bidder, explanation="迟到的说明，迟到的说明。")
    assert error.value.code == "explanation_late"
    from bidding.evaluation.tasks import sweep_explanations

    assert sweep_explanations() == 1
    assert sweep_explanations() == 0
    assessment = BidAssessment.objects.get(evaluation=evaluation, bid=cheapest)
    assert (
        assessment.explanation_status == BidAssessment.Explanation.NOT_GIVEN and assessment.qualified is False
    )
    evaluation.refresh_from_db()
    assert evaluation.status == Evaluation.Status.SCORING
    assert events("bidding.price_explanation_missing").count() == 1


def test_another_supplier_cannot_explain_a_bid(abnormal):
    evaluation, cheapest = abnormal
    review_all(evaluation)
    stranger = supplier_user(bids(evaluation)[1])
    with pytest.raises(EvaluationNotFound):
        services.explain_price(
            cheapest.public_id, actor=stranger, explanation="这不是我的投标，这不是我的投标。"
        )


# --- Other methods ---------------------------------------------------------------------------------------


def test_the_lowest_price_method_ranks_by_evaluated_price_and_goes_to_signing(seated_evaluation):
    Evaluation.objects.filter(pk=seated_evaluation.pk).update(
        method="lowest_price", criteria=[], price_weight=None
    )
    seated_evaluation.refresh_from_db()
    review_all(seated_evaluation)
    assert seated_evaluation.status == Evaluation.Status.SIGNING
    ranked = list(BidAssessment.objects.filter(evaluation=seated_evaluation).order_by("rank"))
    assert [a.evaluated_price for a in ranked] == sorted(a.evaluated_price for a in ranked)
    assert ranked[0].is_small_or_micro and ranked[0].total_score is None
    evaluation = sign_all(seated_evaluation)
    assert evaluation.status == Evaluation.Status.REPORTED


@pytest.mark.parametrize(
    ("method", "after"),
    [
        ("competitive_negotiation", Evaluation.Status.SIGNING),
        ("competitive_consultation", Evaluation.Status.SCORING),
    ],
)
def test_negotiation_and_consultation_go_through_final_quotations(seated_evaluation, method, after):
    project = seated_evaluation.lot.project
    type(project).objects.filter(pk=project.pk).update(method=method)
    seated_evaluation.lot.project.refresh_from_db()
    review_all(seated_evaluation)
    assert seated_evaluation.status == Evaluation.Status.NEGOTIATING
    final = bids(seated_evaluation)[2]
    BidAssessment.objects.filter(evaluation=seated_evaluation, bid=final).update(price=Decimal("150000.00"))
    with transaction.atomic():
        services.after_final_quotations(seated_evaluation)
    seated_evaluation.refresh_from_db()
    assert seated_evaluation.status == after
    if after == Evaluation.Status.SIGNING:
        assert BidAssessment.objects.get(evaluation=seated_evaluation, rank=1).bid == final
    with pytest.raises(EvaluationRefused):
        services.after_final_quotations(seated_evaluation)


# --- Reading the opened bids -------------------------------------------------------------------------------


def test_a_member_reads_a_bid_file_and_the_read_is_audited(seated_evaluation, expert_factory):
    member = members(seated_evaluation)[0]
    bid = bids(seated_evaluation)[0]
    bid_file = bid.files.filter(status="complete").order_by("pk").first()
    row, segments = services.read_bid_file(
        seated_evaluation.pk, actor=member, bid_id=bid.pk, file_id=bid_file.pk
    )
    content = b"".join(segments)
    assert content == pdf_bytes(f"bid0-{bid_file.document_key}")
    event = events("bidding.bid_file_read").get()
    assert event.actor_id == member.pk and event.data["file"] == bid_file.pk
    with pytest.raises(EvaluationNotFound):
        services.read_bid_file(
            seated_evaluation.pk, actor=expert_factory().user, bid_id=bid.pk, file_id=bid_file.pk
        )
    other = bids(seated_evaluation)[1]
    with pytest.raises(EvaluationNotFound):
        services.read_bid_file(seated_evaluation.pk, actor=member, bid_id=other.pk, file_id=bid_file.pk)
    assert events("bidding.bid_file_read").count() == 1
