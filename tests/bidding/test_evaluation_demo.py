"""bidding/evaluation_demo.py: load_demo takes the opened Yuxi soil-testing lot through its panel
draw, evaluation, award and a challenge to the result, through the services (the contracts demo,
loaded after it, then answers the challenge as yx_agency and takes the lot to contracting:
tests/contracts/test_demo.py); loading again adds nothing. The scoring stage (the Yuxi documents
have no scored criteria) is tested on a seated comprehensive evaluation."""

from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction
from hypothesis import given
from hypothesis import strategies as st

from audit.models import AuditEvent
from bidding import demo, evaluation_demo
from bidding.award.models import Award, AwardLetter
from bidding.challenges.models import Challenge
from bidding.models import BidAssessment, Evaluation, Score, ScoreSheet
from experts.models import DrawExclusion, Panel, PanelSeat
from procurement.models import Lot, Notice, Project
from tests.demo_once import declare_next_year, demo_once

pytestmark = pytest.mark.django_db


# The whole demo, loaded once for the module; each test runs in a savepoint over it
# (tests/demo_once.py). The tests that must not see the demo rows come first.
demo_rows = demo_once(before=declare_next_year)


@pytest.fixture
def loaded(demo_rows, db, settings):
    settings.MEDIA_ROOT = demo_rows  # the demo's files
    return Project.objects.get(title_zh=demo.YUXI_PROJECT).lots.get(number=1)


def _counts():
    return (
        Panel.objects.count(),
        PanelSeat.objects.count(),
        DrawExclusion.objects.count(),
        Evaluation.objects.count(),
        ScoreSheet.objects.count(),
        Award.objects.count(),
        AwardLetter.objects.count(),
        Challenge.objects.count(),
        Notice.objects.count(),
        AuditEvent.objects.exclude(action__startswith="credit.").count(),
    )


def test_the_evaluation_demo_skips_quietly_without_an_opened_yuxi_lot(caplog):
    with caplog.at_level("INFO", logger="bidding.evaluation_demo"):
        assert evaluation_demo.load() == []
    assert "not awaiting evaluation or award" in caplog.text
    assert not Panel.objects.exists() and not Award.objects.exists()


def test_a_comprehensive_evaluation_is_scored_with_the_demo_points_reasoned_and_signed(seated_evaluation):
    evaluation = seated_evaluation
    assert evaluation.criteria
    with transaction.atomic():
        done = evaluation_demo._evaluate(evaluation.lot)
    evaluation.refresh_from_db()
    assert done and evaluation.status == Evaluation.Status.REPORTED and evaluation.report_sha256
    scores = list(Score.objects.filter(sheet__evaluation=evaluation).select_related("sheet__seat__member"))
    qualified = BidAssessment.objects.filter(evaluation=evaluation, qualified=True).count()
    assert len(scores) == 5 * qualified * len(evaluation.criteria)
    for score in scores:
        maximum = Decimal(str(evaluation.criteria[score.criterion]["points"]))
        expected = evaluation_demo.demo_points(
            score.sheet.seat.member.username, score.bid.supplier.uscc, score.criterion, maximum
        )
        assert score.points == expected
    assert len({score.points for score in scores}) > 1
    assert Award.objects.filter(evaluation=evaluation, status=Award.Status.AWAITING_CONFIRMATION).exists()
    with transaction.atomic():
        assert evaluation_demo._evaluate(evaluation.lot) == []


@given(
    username=st.text(max_size=20),
    code=st.text(max_size=18),
    criterion=st.integers(min_value=0, max_value=50),
    maximum=st.decimals(min_value=1, max_value=100, places=2),
)
def test_demo_points_are_within_the_criterion_in_half_points(username, code, criterion, maximum):
    points = evaluation_demo.demo_points(username, code, criterion, maximum)
    assert points == evaluation_demo.demo_points(username, code, criterion, maximum)
    assert maximum * Decimal("0.6") - Decimal("0.25") <= points <= maximum
    assert points == maximum or points * 2 == (points * 2).to_integral_value()


def test_the_yuxi_lot_is_drawn_evaluated_awarded_and_challenged(loaded):
    lot = loaded
    assert lot.status == Lot.Status.CONTRACTING  # awarded here; the contracts demo takes it on
    panel = Panel.objects.get(lot=lot)
    assert panel.status == Panel.Status.SEATED and panel.published_at is not None
    assert panel.specialties == [lot.project.classification_code] and panel.seed
    assert (panel.size, panel.expert_seats, panel.purchaser_seats) == (5, 4, 1)
    seated = list(panel.seats.filter(status=PanelSeat.Status.SEATED).select_related("member"))
    assert len(seated) == 5
    representative = [s.member.username for s in seated if s.kind == PanelSeat.Kind.PURCHASER_REPRESENTATIVE]
    assert representative == ["yx_approver2"]
    experts = {s.member.username for s in seated if s.kind == PanelSeat.Kind.EXPERT}
    assert not experts & {"yx_expert01", "yx_expert02", "yx_expert04"}
    exclusions = dict(panel.exclusions.values_list("expert__user__username", "reason"))
    assert exclusions["yx_expert01"] == DrawExclusion.Reason.WORKED_FOR_BIDDER
    assert exclusions["yx_expert02"] == DrawExclusion.Reason.RELATIVE_AT_BIDDER
    assert exclusions["yx_expert04"] == DrawExclusion.Reason.UNAVAILABLE
    assert all(panel.exclusions.values_list("detail", flat=True))

    evaluation = Evaluation.objects.get(lot=lot)
    assert evaluation.status == Evaluation.Status.REPORTED and evaluation.report_pdf
    assert len(evaluation.report_sha256) == 64 and evaluation.reported_at
    assert evaluation.report_pdf.open("rb").read(5) == b"%PDF-"
    assert set(evaluation.sheets.values_list("status", flat=True)) == {ScoreSheet.Status.SIGNED}
    assert set(BidAssessment.objects.filter(evaluation=evaluation).values_list("qualified", flat=True)) == {
        True
    }
    assert evaluation.marks.count() == 5 * 3 * len(evaluation.qualification_items)

    award = Award.objects.select_related("winner__supplier", "result_notice").get(lot=lot)
    first = BidAssessment.objects.get(evaluation=evaluation, rank=1)
    assert award.status == Award.Status.CONFIRMED and award.winner_id == first.bid_id
    assert award.confirmed_by.username == "yx_approver" and award.amount == first.price
    notice = award.result_notice
    assert notice.kind == Notice.Kind.RESULT and notice.published_at and notice.attachment_sha256
    assert AwardLetter.objects.filter(award=award).count() == 3
    winner_letter = AwardLetter.objects.get(award=award, kind=AwardLetter.Kind.AWARD_NOTICE)
    assert winner_letter.bid == award.winner

    challenge = Challenge.objects.select_related("supplier", "filed_by", "answered_by").get(lot=lot)
    # Filed by this demo; answered (not upheld) by yx_agency in the contracts demo loaded after it.
    assert challenge.status == Challenge.Status.ANSWERED and challenge.upheld is False
    assert challenge.answered_by.username == "yx_agency"
    assert challenge.notice == notice and challenge.subject == "result"
    assert challenge.supplier != award.winner.supplier
    assert challenge.filed_by.username == "zz_supplier"  # the highest price never wins here
    assert challenge.answer_due >= challenge.created_at.date()
    actions = set(AuditEvent.objects.values_list("action", flat=True))
    assert {
        "bidding.panel_requested",
        "experts.panel_drawn",
        "experts.panel_seated",
        "bidding.report_sealed",
        "bidding.award_confirmed",
        "experts.draw_published",
        "bidding.challenge_filed",
        "bidding.challenge_answered",
    } <= actions


def test_loading_again_creates_nothing(loaded):
    counts = _counts()
    assert evaluation_demo.load() == []
    assert demo.load() == []
    call_command("load_demo")
    assert _counts() == counts
