"""The award services: proposing from the sealed report, confirming (the result notice, the
letters, the bonds), passing over with a recorded ground, the escalation sweep, cancelling."""

import datetime
import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import Notification, Role
from audit.models import AuditEvent
from bidding.award import services
from bidding.award.exceptions import (
    AwardNotFound,
    AwardTransitionRefused,
    InvalidCandidate,
    NotAwardConfirmer,
    PassOverRequired,
    ReasonRequired,
)
from bidding.award.models import Award, AwardLetter
from bidding.models import Bond
from procurement.models import Lot, Notice
from rulebook.selectors import add_working_days, rule_int
from tests.bidding.helpers import verified
from tests.bidding.test_award_fixtures import *  # noqa: F401,F403
from tests.bidding.test_award_fixtures import FAIL_REASON

pytestmark = pytest.mark.django_db


def _confirm(award, actor, bid, passed_over=None):
    with transaction.atomic():
        return services.confirm_award(award.pk, actor=verified(actor), bid_id=bid.pk, passed_over=passed_over)


def _pdf_text(content: bytes, tmp_path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: install poppler-utils")
    path = tmp_path / "letter.pdf"
    path.write_bytes(content)
    text = subprocess.run(  # noqa: S603 - poppler, fixed arguments
        [tool, "-raw", "-enc", "UTF-8", str(path), "-"], check=True, capture_output=True
    ).stdout.decode()
    return re.sub(r"\s+", "", text)


def test_propose_lists_the_qualified_bids_in_rank_order_due_in_working_days(
    reported_evaluation, ranked_bids, clerk, approvers
):
    with transaction.atomic():
        award = services.propose_award(reported_evaluation)
    today = timezone.localdate()
    rules_on = reported_evaluation.lot.project.rules_date or today
    assert award.status == Award.Status.AWAITING_CONFIRMATION
    assert award.candidates == [ranked_bids[0].pk, ranked_bids[1].pk]
    assert award.confirm_by == add_working_days(
        today, rule_int("award.confirmation_working_days", on=rules_on)
    )
    assert award.confirm_by > today
    event = AuditEvent.objects.get(action="bidding.award_proposed")
    assert event.object_id == str(award.pk) and event.data["candidates"] == award.candidates
    told = set(
        Notification.objects.filter(link=f"/bidding/awards/{award.pk}/").values_list("recipient", flat=True)
    )
    assert told == {clerk.pk, *(a.pk for a in approvers)}


def test_propose_is_idempotent(reported_evaluation, proposed_award):
    with transaction.atomic():
        again = services.propose_award(reported_evaluation)
    assert again.pk == proposed_award.pk
    assert Award.objects.count() == 1
    assert AuditEvent.objects.filter(action="bidding.award_proposed").count() == 1


def test_propose_refuses_an_unsealed_evaluation(seated_evaluation):
    with pytest.raises(services.AwardNotProposable), transaction.atomic():
        services.propose_award(seated_evaluation)
    assert not Award.objects.exists()


def test_confirming_the_first_ranked_publishes_the_result_and_letters(
    proposed_award, ranked_bids, clerk, approvers, tmp_path
):
    first, second, failed = ranked_bids
    award = _confirm(proposed_award, approvers[0], first)
    award.refresh_from_db()
    assert award.status == Award.Status.CONFIRMED
    assert award.winner_id == first.pk and award.amount == Decimal("200000.00")
    assert award.confirmed_by_id == approvers[0].pk and award.passed_over == []
    assert award.lot.status == Lot.Status.AWARDED
    today = timezone.localdate()
    rules_on = award.lot.project.rules_date or today
    assert award.notice_stands_until == add_working_days(
        today, rule_int("result_notice.standing_working_days", on=rules_on)
    )
    # The result notice: winner, amount, items, panel, draw record, losers' scores or reasons.
    notice = award.result_notice
    assert notice.kind == Notice.Kind.RESULT and notice.attachment_sha256
    panel = award.evaluation.panel
    for body, winner_name in (
        (notice.body_zh, first.supplier.name_zh),
        (notice.body_en, first.supplier.name_en),
    ):
        assert winner_name in body
        assert "200,000.00" in body
        assert award.lot.quantity_and_specification in body
        assert panel.seed_sha256 in body and panel.seed in body and panel.candidates_sha256 in body
        assert f"/experts/draws/{panel.pk}/" in body
        assert "88.00" in body and FAIL_REASON in body
        for seat in panel.seats.filter(kind="expert").select_related("expert"):
            assert seat.expert.name_zh in notice.body_zh and seat.expert.name_en in notice.body_en
        assert (clerk.get_full_name() or clerk.username) in body
    assert "第1包" in notice.title_zh and "结果公告" in notice.title_zh
    # Letters: an award notice for the winner, a result letter for each other bidder, sealed.
    letters = {letter.bid_id: letter for letter in AwardLetter.objects.filter(award=award)}
    assert letters[first.pk].kind == AwardLetter.Kind.AWARD_NOTICE
    assert letters[second.pk].kind == letters[failed.pk].kind == AwardLetter.Kind.RESULT_LETTER
    import hashlib

    for letter in letters.values():
        content = letter.pdf.read()
        assert hashlib.sha256(content).hexdigest() == letter.sha256
    assert first.supplier.name_zh in _pdf_text(letters[first.pk].pdf.open("rb").read(), tmp_path)
    assert first.supplier.name_zh in _pdf_text(letters[failed.pk].pdf.open("rb").read(), tmp_path)
    # Bonds: the losers' refundable, the winner's held.
    bonds = {bond.supplier_id: bond for bond in Bond.objects.filter(lot=award.lot)}
    assert bonds[second.supplier_id].status == Bond.Status.REFUNDABLE
    assert bonds[failed.supplier_id].status == Bond.Status.REFUNDABLE
    assert bonds[first.supplier_id].status != Bond.Status.REFUNDABLE
    # The draw record is public; every bidder is told; the chain records it.
    panel.refresh_from_db()
    assert panel.published_at is not None
    for bid in ranked_bids:
        assert Notification.objects.filter(
            recipient__memberships__organisation=bid.supplier,
            link=f"/bidding/award-letters/{letters[bid.pk].pk}.pdf",
        ).exists()
    event = AuditEvent.objects.get(action="bidding.award_confirmed")
    assert event.data["winner"] == first.pk and event.data["rank"] == 1
    assert AuditEvent.objects.filter(action="bidding.bond_refundable").count() == 2


def test_confirming_the_second_without_a_recorded_pass_over_is_refused(proposed_award, ranked_bids, clerk):
    with pytest.raises(PassOverRequired) as refused:
        _confirm(proposed_award, clerk, ranked_bids[1])
    assert ranked_bids[0].supplier.name in str(refused.value)
    proposed_award.refresh_from_db()
    assert proposed_award.status == Award.Status.AWAITING_CONFIRMATION and proposed_award.passed_over == []
    assert proposed_award.lot.status == Lot.Status.CANDIDATES_PUBLISHED
    assert not Notice.objects.filter(kind=Notice.Kind.RESULT).exists()
    assert not AwardLetter.objects.exists()
    assert (
        not AuditEvent.objects.filter(action__startswith="bidding.award_")
        .exclude(action="bidding.award_proposed")
        .exists()
    )


def test_a_pass_over_without_its_reason_is_refused(proposed_award, ranked_bids, clerk):
    with pytest.raises(ReasonRequired):
        _confirm(
            proposed_award,
            clerk,
            ranked_bids[1],
            [{"bid": ranked_bids[0].pk, "ground": "withdrawn", "reason": " "}],
        )
    proposed_award.refresh_from_db()
    assert proposed_award.status == Award.Status.AWAITING_CONFIRMATION


def test_the_second_is_confirmed_once_the_first_withdrawal_is_recorded(proposed_award, ranked_bids, clerk):
    first, second, failed = ranked_bids
    passed = [{"bid": first.pk, "ground": "withdrawn", "reason": "书面放弃中标资格"}]
    award = _confirm(proposed_award, clerk, second, passed)
    award.refresh_from_db()
    assert award.status == Award.Status.CONFIRMED and award.winner_id == second.pk
    assert award.amount == Decimal("210000.00")
    assert award.passed_over == passed
    event = AuditEvent.objects.get(action="bidding.award_passed_over")
    assert event.data["bid"] == first.pk and event.data["ground"] == "withdrawn"
    assert "书面放弃中标资格" in award.result_notice.body_zh
    bonds = {bond.supplier_id: bond.status for bond in Bond.objects.filter(lot=award.lot)}
    assert bonds[first.supplier_id] == Bond.Status.REFUNDABLE
    assert bonds[second.supplier_id] != Bond.Status.REFUNDABLE


def test_a_bid_outside_the_candidates_is_refused(proposed_award, ranked_bids, clerk):
    with pytest.raises(InvalidCandidate):
        _confirm(proposed_award, clerk, ranked_bids[2])
    proposed_award.refresh_from_db()
    assert proposed_award.status == Award.Status.AWAITING_CONFIRMATION


def test_who_may_confirm(
    proposed_award, ranked_bids, approvers, officer, foreign_clerk, regulator, make_member
):
    first = ranked_bids[0]
    for outsider in (foreign_clerk, regulator, make_member(Role.SUPPLIER_REPRESENTATIVE)):
        with pytest.raises(AwardNotFound), transaction.atomic():
            services.confirm_award(proposed_award.pk, actor=verified(outsider), bid_id=first.pk)
    # The agency sees the award but does not confirm; an approver without the second factor neither.
    with pytest.raises(NotAwardConfirmer), transaction.atomic():
        services.confirm_award(proposed_award.pk, actor=verified(officer), bid_id=first.pk)
    with pytest.raises(NotAwardConfirmer), transaction.atomic():
        services.confirm_award(proposed_award.pk, actor=approvers[0], bid_id=first.pk)
    with pytest.raises(AwardNotFound), transaction.atomic():
        services.confirm_award(10**9, actor=verified(approvers[0]), bid_id=first.pk)
    proposed_award.refresh_from_db()
    assert proposed_award.status == Award.Status.AWAITING_CONFIRMATION


def test_an_award_is_confirmed_once(proposed_award, ranked_bids, clerk):
    _confirm(proposed_award, clerk, ranked_bids[0])
    with pytest.raises(AwardTransitionRefused):
        _confirm(proposed_award, clerk, ranked_bids[0])
    assert Notice.objects.filter(kind=Notice.Kind.RESULT).count() == 1


def test_the_sweep_escalates_an_overdue_award_once(proposed_award, regulator, other_regulator):
    on = proposed_award.confirm_by + datetime.timedelta(days=1)
    assert services.flag_overdue_awards(proposed_award.confirm_by) == 0
    assert services.flag_overdue_awards(on) == 1
    assert services.flag_overdue_awards(on) == 0
    proposed_award.refresh_from_db()
    assert proposed_award.escalated_at is not None
    assert Notification.objects.filter(recipient=regulator, link="/bidding/awards/overdue/").count() == 1
    assert not Notification.objects.filter(recipient=other_regulator).exists()
    assert AuditEvent.objects.filter(action="bidding.award_escalated").count() == 1


def test_the_sweep_leaves_a_confirmed_award(proposed_award, ranked_bids, clerk):
    _confirm(proposed_award, clerk, ranked_bids[0])
    assert services.flag_overdue_awards(proposed_award.confirm_by + datetime.timedelta(days=30)) == 0


def test_cancel_award_allows_a_new_one(proposed_award, reported_evaluation, regulator):
    with transaction.atomic():
        award = services.cancel_award(proposed_award, reason="投诉成立，重新评审", actor=regulator)
    assert award.status == Award.Status.CANCELLED and award.cancellation_reason == "投诉成立，重新评审"
    assert (
        AuditEvent.objects.get(action="bidding.award_cancelled").data["previous"] == "awaiting_confirmation"
    )
    with pytest.raises(ReasonRequired), transaction.atomic():
        services.cancel_award(proposed_award, reason="", actor=regulator)


def test_through_the_evaluation_services_the_sealed_report_proposes_and_the_purchaser_confirms(
    seated_evaluation, approvers, tmp_path
):
    """The whole way with bidding.evaluation's own services (lowest evaluated price): the last
    signature seals the report and proposes the award; the purchaser confirms the first-ranked."""
    from bidding.evaluation.models import Evaluation
    from tests.bidding.evaluation_helpers import bids, review_all, sign_all

    Evaluation.objects.filter(pk=seated_evaluation.pk).update(
        method="lowest_price", criteria=[], price_weight=None
    )
    seated_evaluation.refresh_from_db()
    offered = bids(seated_evaluation)
    with transaction.atomic():
        review_all(seated_evaluation)
        sign_all(seated_evaluation)
    award = Award.objects.get(evaluation=seated_evaluation)
    assert award.candidates == [bid.pk for bid in offered]
    assert award.status == Award.Status.AWAITING_CONFIRMATION
    award = _confirm(award, approvers[0], offered[0])
    award.refresh_from_db()
    assert award.status == Award.Status.CONFIRMED and award.lot.status == Lot.Status.AWARDED
    for loser in offered[1:]:
        assert loser.supplier.name_zh in award.result_notice.body_zh
    assert AwardLetter.objects.filter(award=award).count() == 3
    assert first_name_in(award.result_notice.body_en, offered[0])


def first_name_in(body: str, bid) -> bool:
    return bid.supplier.name_en in body


def test_the_beat_runs_the_escalation_task(proposed_award, settings):
    from bidding.award import tasks

    entry = settings.CELERY_BEAT_SCHEDULE["bidding-award-flag-overdue-awards"]
    assert entry["task"] == tasks.flag_overdue_awards.name == "bidding.award.flag_overdue_awards"
    Award.objects.filter(pk=proposed_award.pk).update(
        confirm_by=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert tasks.flag_overdue_awards.run() == 1
    assert tasks.flag_overdue_awards.run() == 0
