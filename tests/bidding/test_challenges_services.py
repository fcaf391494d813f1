# ruff: noqa: F811  (pytest fixtures imported from test_challenges_fixtures are parameters here)
"""Challenge and complaint services: working-day deadlines (a late challenge refused naming the
day, the last day accepted), who may challenge, who answers, the overdue sweeps, complaints only
after a challenge and within their limit, the regulator's suspension (at most 30 days) and each
decision outcome, the contracting sweep, and signing_blocked. Each asserts the change, the audit
event and what was sent; a refused call changes nothing."""

import datetime
import time

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connections
from django.urls import reverse
from django.utils import timezone, translation

from accounts.models import Notification
from audit.models import AuditEvent
from bidding.award.models import Award
from bidding.challenges import selectors, services
from bidding.challenges.exceptions import (
    ChallengeLate,
    ChallengeLotNotFound,
    ChallengeNotFound,
    ChallengeRefused,
    ComplaintLate,
    ComplaintNotFound,
    ComplaintStateRefused,
    ComplaintTooEarly,
    NotAllowed,
    NotChallenged,
    SecondFactorRequired,
    SuspensionTooLong,
)
from bidding.challenges.models import Challenge, Complaint
from bidding.evaluation.models import Evaluation, ScoreSheet
from bidding.models import Bond
from common.exceptions import DomainError
from config.celery import app as celery_app
from procurement.models import Lot, Notice
from rulebook.selectors import add_working_days
from suppliers.models import DocumentDownload

from .test_challenges_fixtures import (  # noqa: F401  (awarded_lot and bidders are fixtures)
    awarded_lot,
    bidders,
    file,
    notice_of,
    pdf_bytes,
    publish_on,
    start_for_last_day_today,
    verified,
)

pytestmark = pytest.mark.django_db


def days_ago(n: int) -> datetime.date:
    return timezone.localdate() - datetime.timedelta(days=n)


def answered(challenge, by, *, upheld=False):
    return services.answer_challenge(challenge.pk, actor=by, answer="经复核，评分无误。", upheld=upheld)


@pytest.fixture
def challenge(awarded_lot, bidders):
    """The second-ranked bidder challenges the result."""
    return file(awarded_lot, bidders[1])


@pytest.fixture
def complaint(challenge, clerk, bidders):
    answered(challenge, clerk)
    return services.file_complaint(challenge.pk, actor=bidders[1], grounds="答复未解决评分问题")


# --- Filing a challenge --------------------------------------------------------------------------------


def test_a_bidder_challenges_the_result_and_the_purchaser_and_agency_are_told(
    awarded_lot, bidders, clerk, officer
):
    evidence = SimpleUploadedFile("evidence.pdf", pdf_bytes("evidence"), content_type="application/pdf")
    challenge = file(awarded_lot, bidders[1], evidence=evidence)
    stands_until = awarded_lot.award.notice_stands_until
    assert challenge.status == Challenge.Status.OPEN and challenge.subject == "result"
    assert challenge.deadline == add_working_days(stands_until, 7)
    assert challenge.answer_due == add_working_days(timezone.localdate(), 7)
    assert len(challenge.evidence_sha256) == 64 and challenge.evidence.name.endswith(".pdf")
    event = AuditEvent.objects.get(action="bidding.challenge_filed")
    assert event.object_id == str(challenge.pk) and event.data["subject"] == "result"
    assert event.data["evidence_sha256"] == challenge.evidence_sha256
    told = set(
        Notification.objects.filter(link=reverse("bidding:challenge", args=[challenge.pk])).values_list(
            "recipient_id", flat=True
        )
    )
    assert {clerk.pk, officer.pk} <= told and bidders[1].pk not in told


def test_a_challenge_after_its_deadline_is_refused_naming_the_last_day(awarded_lot, bidders):
    tender = publish_on(notice_of(awarded_lot, "tender"), days_ago(40))
    last_day = add_working_days(days_ago(40), 7)
    with pytest.raises(ChallengeLate) as error:
        file(awarded_lot, bidders[1], subject="documents", notice=tender)
    assert last_day.isoformat() in str(error.value.message) and error.value.status == 409
    assert (
        not Challenge.objects.exists()
        and not AuditEvent.objects.filter(action="bidding.challenge_filed").exists()
    )


def test_a_challenge_of_the_result_counts_from_the_end_of_the_standing_period(awarded_lot, bidders):
    award = awarded_lot.award
    Award.objects.filter(pk=award.pk).update(notice_stands_until=days_ago(30))
    with pytest.raises(ChallengeLate) as error:
        file(awarded_lot, bidders[1])
    assert add_working_days(days_ago(30), 7).isoformat() in str(error.value.message)


def test_a_challenge_on_its_last_day_is_accepted(awarded_lot, bidders):
    start = start_for_last_day_today(7)
    tender = publish_on(notice_of(awarded_lot, "tender"), start)
    challenge = file(awarded_lot, bidders[2], subject="documents", notice=tender)
    assert challenge.deadline == timezone.localdate()
    # The day before the start, the same notice would be one day too late.
    publish_on(tender, start - datetime.timedelta(days=1))
    with pytest.raises(ChallengeLate):
        file(awarded_lot, bidders[1], subject="process", notice=tender)


def test_a_supplier_that_did_not_bid_may_not_challenge(awarded_lot, supplier_factory):
    stranger = supplier_factory().representative
    with pytest.raises(ChallengeLotNotFound) as error:
        file(awarded_lot, stranger)
    assert error.value.status == 404 and not Challenge.objects.exists()


def test_a_supplier_that_downloaded_the_documents_may_challenge_them_but_not_the_result(
    awarded_lot, supplier_factory
):
    downloader = supplier_factory().representative
    DocumentDownload.objects.create(
        supplier=downloader.active_membership.organisation,
        tender_document=awarded_lot.project.tender_documents.first(),
        user=downloader,
    )
    with pytest.raises(ChallengeRefused) as error:
        file(awarded_lot, downloader)
    assert error.value.code == "not_a_bidder"
    challenge = file(awarded_lot, downloader, subject="documents", notice=notice_of(awarded_lot, "tender"))
    assert (
        challenge.subject == "documents"
        and challenge.supplier_id == downloader.active_membership.organisation_id
    )


def test_the_notice_must_fit_what_is_challenged(awarded_lot, bidders):
    opening = notice_of(awarded_lot, "opening_record")
    with pytest.raises(ChallengeRefused) as error:
        file(awarded_lot, bidders[1], subject="result", notice=opening)
    assert error.value.code == "notice_mismatch"
    with pytest.raises(ChallengeRefused):
        file(awarded_lot, bidders[1], subject="documents", notice=awarded_lot.award.result_notice)
    assert file(awarded_lot, bidders[1], subject="process", notice=opening).notice == opening


def test_a_second_challenge_of_the_same_matter_and_a_disguised_evidence_are_refused(
    challenge, awarded_lot, bidders
):
    with pytest.raises(ChallengeRefused) as error:
        file(awarded_lot, bidders[1])
    assert error.value.code == "challenge_exists"
    exe = SimpleUploadedFile("evidence.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(DomainError):
        file(awarded_lot, bidders[2], evidence=exe)
    assert Challenge.objects.count() == 1


def test_empty_grounds_are_refused(awarded_lot, bidders):
    with pytest.raises(ChallengeRefused) as error:
        file(awarded_lot, bidders[1], grounds="   ")
    assert error.value.code == "grounds_required" and not Challenge.objects.exists()


# --- Answering -----------------------------------------------------------------------------------------


def test_the_purchaser_clerk_answers_and_the_challenger_is_told(challenge, clerk, bidders):
    answered(challenge, clerk, upheld=True)
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.ANSWERED and challenge.upheld is True
    assert challenge.answered_by == clerk and challenge.answered_at is not None
    event = AuditEvent.objects.get(action="bidding.challenge_answered")
    assert event.data["upheld"] is True and event.data["late"] is False
    assert Notification.objects.filter(recipient=bidders[1], body_zh="经复核，评分无误。").exists()


def test_the_agency_officer_answers_with_the_second_factor(challenge, officer):
    with pytest.raises(SecondFactorRequired):
        answered(challenge, officer)
    answered(challenge, verified(officer))
    assert Challenge.objects.get(pk=challenge.pk).answered_by == officer


@pytest.mark.parametrize("who", ["other_officer", "foreign_clerk", "regulator", "challenger"])
def test_only_the_purchaser_or_its_agency_answers(challenge, bidders, request, who):
    user = bidders[1] if who == "challenger" else verified(request.getfixturevalue(who))
    expected = NotAllowed if who in ("regulator", "challenger") else ChallengeNotFound
    with pytest.raises(expected):
        answered(challenge, user)
    assert Challenge.objects.get(pk=challenge.pk).status == Challenge.Status.OPEN


def test_an_answer_twice_or_an_empty_answer_is_refused(challenge, clerk):
    with pytest.raises(ChallengeRefused):
        services.answer_challenge(challenge.pk, actor=clerk, answer=" ", upheld=False)
    answered(challenge, clerk)
    with pytest.raises(DomainError) as error:
        answered(challenge, clerk)
    assert error.value.status == 409
    assert AuditEvent.objects.filter(action="bidding.challenge_answered").count() == 1


def test_the_challenger_withdraws(challenge, bidders, awarded_lot):
    services.withdraw_challenge(challenge.pk, actor=bidders[1])
    assert Challenge.objects.get(pk=challenge.pk).status == Challenge.Status.WITHDRAWN
    assert AuditEvent.objects.filter(action="bidding.challenge_withdrawn").count() == 1
    with pytest.raises(ChallengeNotFound):
        services.withdraw_challenge(challenge.pk, actor=bidders[2])
    assert selectors.signing_blocked(awarded_lot) == []


# --- The overdue sweeps -----------------------------------------------------------------------------------


def test_an_overdue_answer_is_flagged_once_to_the_regulator(challenge, regulator, other_regulator):
    assert services.flag_overdue_answers() == 0
    Challenge.objects.filter(pk=challenge.pk).update(answer_due=days_ago(1))
    assert services.flag_overdue_answers() == 1
    assert services.flag_overdue_answers() == 0
    assert Challenge.objects.get(pk=challenge.pk).overdue_flagged_at is not None
    assert AuditEvent.objects.filter(action="bidding.challenge_answer_overdue").count() == 1
    assert (
        Notification.objects.filter(
            recipient=regulator, subject_en__startswith="Challenge answer overdue"
        ).count()
        == 1
    )
    assert not Notification.objects.filter(recipient=other_regulator).exists()


def test_an_overdue_decision_is_flagged_once(complaint, regulator):
    assert services.flag_overdue_decisions() == 0
    Complaint.objects.filter(pk=complaint.pk).update(decision_due=days_ago(1))
    assert services.flag_overdue_decisions() == 1
    assert services.flag_overdue_decisions() == 0
    assert AuditEvent.objects.filter(action="bidding.complaint_decision_overdue").count() == 1
    assert Notification.objects.filter(
        recipient=regulator, subject_en__startswith="Complaint decision overdue"
    ).exists()


# --- Complaints ------------------------------------------------------------------------------------------


def test_a_complaint_after_the_answer_goes_to_the_regulator(
    challenge, clerk, bidders, regulator, other_regulator
):
    answered(challenge, clerk)
    complaint = services.file_complaint(challenge.pk, actor=bidders[1], grounds="答复未解决评分问题")
    assert complaint.status == Complaint.Status.FILED and complaint.lot_id == challenge.lot_id
    assert complaint.deadline == add_working_days(timezone.localdate(), 15)
    assert complaint.decision_due == add_working_days(timezone.localdate(), 30)
    assert AuditEvent.objects.get(action="bidding.complaint_filed").data["challenge"] == challenge.pk
    assert Notification.objects.filter(
        recipient=regulator, link=reverse("bidding:complaint", args=[complaint.pk])
    ).exists()
    assert not Notification.objects.filter(recipient=other_regulator).exists()


def test_a_complaint_before_the_answer_is_due_is_too_early_then_allowed_once_overdue(challenge, bidders):
    with pytest.raises(ComplaintTooEarly) as error:
        services.file_complaint(challenge.pk, actor=bidders[1], grounds="未答复")
    assert challenge.answer_due.isoformat() in str(error.value.message)
    Challenge.objects.filter(pk=challenge.pk).update(answer_due=days_ago(1))
    complaint = services.file_complaint(challenge.pk, actor=bidders[1], grounds="逾期未答复")
    assert complaint.deadline == add_working_days(days_ago(1), 15)


def test_a_complaint_on_a_matter_never_challenged_is_refused(challenge, clerk, bidders):
    answered(challenge, clerk)
    # Another bidder, who never challenged, names this challenge; or a challenge that does not exist.
    for actor, challenge_id in ((bidders[2], challenge.pk), (bidders[1], 999999), (bidders[1], "x")):
        with pytest.raises(NotChallenged) as error:
            services.file_complaint(challenge_id, actor=actor, grounds="评分有误")
        assert error.value.code == "not_challenged" and error.value.status == 404
        with translation.override("en"):
            assert "challenged first" in str(error.value.message)
    # The challenger, about another matter than the one challenged.
    with pytest.raises(ChallengeRefused) as error:
        services.file_complaint(challenge.pk, actor=bidders[1], grounds="文件有误", subject="documents")
    with translation.override("en"):
        assert error.value.code == "not_challenged" and "The result" in str(error.value.message)
    assert not Complaint.objects.exists()


def test_a_complaint_about_a_withdrawn_challenge_is_refused(challenge, bidders):
    services.withdraw_challenge(challenge.pk, actor=bidders[1])
    with pytest.raises(ComplaintStateRefused) as error:
        services.file_complaint(challenge.pk, actor=bidders[1], grounds="x")
    assert error.value.code == "not_challenged"


def test_a_late_complaint_is_refused_naming_the_last_day(challenge, clerk, bidders):
    answered(challenge, clerk)
    answered_at = timezone.now() - datetime.timedelta(days=60)
    Challenge.objects.filter(pk=challenge.pk).update(answered_at=answered_at)
    last_day = add_working_days(timezone.localdate(answered_at), 15)
    with pytest.raises(ComplaintLate) as error:
        services.file_complaint(challenge.pk, actor=bidders[1], grounds="答复未解决评分问题")
    assert last_day.isoformat() in str(error.value.message)
    assert not Complaint.objects.exists()


def test_a_second_complaint_about_the_same_challenge_is_refused(complaint, bidders):
    with pytest.raises(ComplaintStateRefused) as error:
        services.file_complaint(complaint.challenge_id, actor=bidders[1], grounds="再次投诉")
    assert error.value.code == "complaint_exists"


# --- Suspension ---------------------------------------------------------------------------------------------


def test_the_regulator_suspends_for_at_most_thirty_days(complaint, regulator, awarded_lot):
    today = timezone.localdate()
    with pytest.raises(SuspensionTooLong) as error:
        services.suspend_lot(
            complaint.pk, actor=verified(regulator), until=today + datetime.timedelta(days=31), reason="待查"
        )
    assert (today + datetime.timedelta(days=30)).isoformat() in str(error.value.message)
    assert Complaint.objects.get(pk=complaint.pk).suspended_until is None
    services.suspend_lot(
        complaint.pk, actor=regulator, until=today + datetime.timedelta(days=30), reason="待查"
    )
    assert Complaint.objects.get(pk=complaint.pk).suspended_until == today + datetime.timedelta(days=30)
    event = AuditEvent.objects.get(action="bidding.lot_suspended")
    assert event.data["until"] == (today + datetime.timedelta(days=30)).isoformat()
    with translation.override("en"):
        assert any("suspended" in str(reason) for reason in selectors.signing_blocked(awarded_lot))
    with pytest.raises(ComplaintStateRefused):
        services.suspend_lot(complaint.pk, actor=regulator, until=today, reason="再次")


def test_only_a_verified_regulator_of_the_region_suspends(complaint, regulator, other_regulator, clerk):
    until = timezone.localdate() + datetime.timedelta(days=5)
    with pytest.raises(SecondFactorRequired):
        services.suspend_lot(complaint.pk, actor=regulator, until=until, reason="待查")
    for user in (verified(other_regulator), clerk):
        with pytest.raises(ComplaintNotFound):
            services.suspend_lot(complaint.pk, actor=user, until=until, reason="待查")
    assert not AuditEvent.objects.filter(action="bidding.lot_suspended").exists()


# --- Decisions ----------------------------------------------------------------------------------------


def decide(complaint, regulator, outcome):
    return services.decide_complaint(
        complaint.pk, actor=verified(regulator), outcome=outcome, decision="经调查，处理如下。"
    )


def test_a_dismissed_complaint_leaves_the_award_and_publishes_the_decision(
    complaint, regulator, awarded_lot, client
):
    decided = decide(complaint, regulator, Complaint.Status.DISMISSED)
    assert decided.status == Complaint.Status.DISMISSED and decided.decided_by == regulator
    notice = decided.notice
    assert notice.kind == Notice.Kind.COMPLAINT_DECISION and notice.project_id == awarded_lot.project_id
    assert "经调查，处理如下。" in notice.body_zh and "dismissed" in notice.body_en
    assert "投诉处理决定公告" in notice.title_zh
    assert Award.objects.get(pk=awarded_lot.award.pk).status == Award.Status.CONFIRMED
    assert Lot.objects.get(pk=awarded_lot.pk).status == Lot.Status.AWARDED
    event = AuditEvent.objects.get(action="bidding.complaint_decided")
    assert event.data["outcome"] == "dismissed" and event.data["notice"] == notice.pk
    # The decision is public: anyone reads it.
    client.logout()
    page = client.get(reverse("notices:detail", args=[notice.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200 and "经调查，处理如下。" in page.content.decode()
    assert selectors.signing_blocked(awarded_lot) == []


def test_upheld_with_reevaluation_supersedes_and_starts_round_two(complaint, regulator, awarded_lot):
    old = Evaluation.objects.get(lot=awarded_lot)
    decide(complaint, regulator, Complaint.Status.UPHELD_REEVALUATION)
    assert Award.objects.get(pk=awarded_lot.award.pk).status == Award.Status.CANCELLED
    assert Evaluation.objects.get(pk=old.pk).status == Evaluation.Status.SUPERSEDED
    new = Evaluation.objects.exclude(pk=old.pk).get(lot=awarded_lot)
    assert new.round == 2 and new.panel_id == old.panel_id and new.status == Evaluation.Status.QUALIFICATION
    assert ScoreSheet.objects.filter(evaluation=new).count() == 5
    assert Lot.objects.get(pk=awarded_lot.pk).status == Lot.Status.EVALUATING
    assert AuditEvent.objects.filter(action="bidding.award_cancelled").count() == 1
    assert AuditEvent.objects.get(action="bidding.complaint_decided").data["round"] == 2


def test_upheld_with_retender_fails_the_lot(complaint, regulator, awarded_lot):
    decide(complaint, regulator, Complaint.Status.UPHELD_RETENDER)
    assert Award.objects.get(pk=awarded_lot.award.pk).status == Award.Status.CANCELLED
    assert Lot.objects.get(pk=awarded_lot.pk).status == Lot.Status.FAILED
    held = Bond.objects.filter(lot=awarded_lot, status__in=["lodged", "verified"])
    assert not held.exists()
    assert "procured again" in Complaint.objects.get(pk=complaint.pk).notice.body_en


def test_a_decision_needs_a_verified_regulator_a_known_outcome_and_reasons(
    complaint, regulator, other_regulator
):
    with pytest.raises(SecondFactorRequired):
        services.decide_complaint(complaint.pk, actor=regulator, outcome="dismissed", decision="x")
    with pytest.raises(ComplaintNotFound):
        decide(complaint, other_regulator, "dismissed")
    for outcome, decision in (("withdrawn", "x"), ("maybe", "x"), ("dismissed", "  ")):
        with pytest.raises(DomainError) as error:
            services.decide_complaint(
                complaint.pk, actor=verified(regulator), outcome=outcome, decision=decision
            )
        assert error.value.status == 400
    assert Complaint.objects.get(pk=complaint.pk).status == Complaint.Status.FILED
    assert not Notice.objects.filter(kind=Notice.Kind.COMPLAINT_DECISION).exists()
    decide(complaint, regulator, "dismissed")
    with pytest.raises(DomainError) as error:
        decide(complaint, regulator, "dismissed")
    assert error.value.status == 409


def test_a_decision_ends_the_suspension(complaint, regulator, awarded_lot):
    today = timezone.localdate()
    services.suspend_lot(
        complaint.pk, actor=verified(regulator), until=today + datetime.timedelta(days=10), reason="待查"
    )
    decide(complaint, regulator, "dismissed")
    assert Complaint.objects.get(pk=complaint.pk).suspended_until == today
    assert selectors.signing_blocked(awarded_lot) == []


# --- What blocks signing, and the contracting sweep ----------------------------------------------------


def test_signing_blocked_names_each_reason(challenge, awarded_lot, clerk, bidders):
    with translation.override("en"):
        reasons = [str(r) for r in selectors.signing_blocked(awarded_lot)]
    assert len(reasons) == 1 and f"Challenge {challenge.pk}" in reasons[0]
    answered(challenge, clerk)
    assert selectors.signing_blocked(awarded_lot) == []
    complaint = services.file_complaint(challenge.pk, actor=bidders[1], grounds="不服")
    with translation.override("zh-hans"):
        reasons = [str(r) for r in selectors.signing_blocked(awarded_lot)]
    assert len(reasons) == 1 and f"投诉 {complaint.pk}" in reasons[0]


def past_window(lot):
    Award.objects.filter(pk=lot.award.pk).update(notice_stands_until=days_ago(30))


def test_the_contracting_sweep_moves_an_unchallenged_lot_once(awarded_lot):
    assert services.start_contracting() == 0  # the window is still open
    past_window(awarded_lot)
    assert services.start_contracting() == 1
    assert services.start_contracting() == 0
    assert Lot.objects.get(pk=awarded_lot.pk).status == Lot.Status.CONTRACTING
    event = AuditEvent.objects.get(action="bidding.contracting_started")
    assert event.object_id == str(awarded_lot.pk) and event.actor_id is None


def test_the_contracting_sweep_waits_for_an_open_challenge(challenge, awarded_lot, clerk):
    past_window(awarded_lot)
    assert services.start_contracting() == 0
    assert Lot.objects.get(pk=awarded_lot.pk).status == Lot.Status.AWARDED
    answered(challenge, clerk)
    assert services.start_contracting() == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_transactional_db")
def test_the_real_worker_runs_the_overdue_sweep_once(celery_worker, awarded_lot, bidders):
    challenge = file(awarded_lot, bidders[1])
    Challenge.objects.filter(pk=challenge.pk).update(answer_due=days_ago(1))
    celery_app.send_task("bidding.flag_overdue_challenge_answers")
    celery_app.send_task("bidding.flag_overdue_challenge_answers")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if Challenge.objects.filter(pk=challenge.pk, overdue_flagged_at__isnull=False).exists():
            break
        time.sleep(0.2)
    time.sleep(0.5)  # the second task has run too
    assert Challenge.objects.get(pk=challenge.pk).overdue_flagged_at is not None
    assert AuditEvent.objects.filter(action="bidding.challenge_answer_overdue").count() == 1
    connections.close_all()
