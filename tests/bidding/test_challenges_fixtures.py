"""Fixtures of the challenge and complaint tests, built row by row on the shared evaluation
fixtures (so they do not wait for the award and evaluation services): an awarded lot whose
confirmed award published its result notice through procurement.services.publish_notice, the
bidders' representatives, and helpers that move a notice's publication back in time. The last
tests check the fixtures themselves."""

import datetime

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import Membership, Role
from bidding.award.models import Award
from bidding.challenges import services
from bidding.evaluation.models import Evaluation
from procurement.models import Lot, Notice
from procurement.services import publish_notice
from rulebook.models import CalendarOverride
from rulebook.selectors import add_working_days, is_working_day
from tests.bidding.helpers import pdf_bytes, verified  # noqa: F401  (re-exported for the tests)


def representative_of(bid):
    return Membership.objects.get(organisation_id=bid.supplier_id, role=Role.SUPPLIER_REPRESENTATIVE).user


@pytest.fixture
def bidders(opened_lot):
    """The opened lot's three bidders' representatives, cheapest bid first."""
    bids = sorted(opened_lot.bids.filter(status="opened"), key=lambda bid: bid.price)
    return [representative_of(bid) for bid in bids]


def publish_result(lot, award):
    """The result notice of the award, as bidding.award publishes it (a smaller context)."""
    with transaction.atomic():
        notice = publish_notice(
            lot.project,
            Notice.Kind.RESULT,
            "bidding/award/notices/result.txt",
            {"project": lot.project, "lot": lot, "winner": award.winner.supplier, "amount": award.amount},
            lot=lot,
        )
    today = timezone.localdate()
    award.result_notice = notice
    award.notice_stands_until = add_working_days(today, 1)
    award.save(update_fields=["result_notice", "notice_stands_until", "updated_at"])
    return notice


@pytest.fixture
def awarded_lot(seated_evaluation, clerk):
    """The seated evaluation's lot, reported and awarded to the cheapest bid (the small enterprise),
    its result notice published today (standing one working day): lot.award is the Award."""
    lot = seated_evaluation.lot
    Evaluation.objects.filter(pk=seated_evaluation.pk).update(
        status=Evaluation.Status.REPORTED, reported_at=timezone.now(), report_sha256="ab" * 32
    )
    bids = sorted(lot.bids.filter(status="opened"), key=lambda bid: bid.price)
    award = Award.objects.create(
        lot=lot,
        evaluation=seated_evaluation,
        status=Award.Status.CONFIRMED,
        candidates=[bid.pk for bid in bids],
        confirm_by=timezone.localdate(),
        winner=bids[0],
        amount=bids[0].price,
        confirmed_by=clerk,
        confirmed_at=timezone.now(),
    )
    Lot.objects.filter(pk=lot.pk).update(status=Lot.Status.AWARDED)
    lot.refresh_from_db()
    publish_result(lot, award)
    lot.award = award
    return lot


def notice_of(lot, kind):
    return Notice.objects.filter(project=lot.project, kind=kind).order_by("-pk").first()


def publish_on(notice, day: datetime.date) -> Notice:
    """Move the notice's publication to `day` (10:00 local time)."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(10)))
    Notice.objects.filter(pk=notice.pk).update(published_at=moment)
    notice.refresh_from_db()
    return notice


def today_is_a_working_day(operator=None) -> datetime.date:
    """Today, declared a working day if the calendar says it is not (so that a deadline can fall
    on it whatever day the tests run)."""
    today = timezone.localdate()
    if not is_working_day(today):
        CalendarOverride.objects.create(
            date=today, is_working_day=True, reason_zh="测试：调休上班", reason_en="Test: working day"
        )
    return today


def start_for_last_day_today(n: int) -> datetime.date:
    """The day d with add_working_days(d, n) == today (today a working day)."""
    today = today_is_a_working_day()
    day = today - datetime.timedelta(days=n)
    while add_working_days(day, n) > today:
        day -= datetime.timedelta(days=1)
    while add_working_days(day, n) < today:
        day += datetime.timedelta(days=1)
    assert add_working_days(day, n) == today
    return day


def file(lot, actor, *, subject="result", notice=None, grounds="评分有误", evidence=None):
    notice = notice or (lot.award.result_notice if subject == "result" else notice_of(lot, "tender"))
    return services.file_challenge(
        lot.pk, actor=actor, subject=subject, notice_id=notice.pk, grounds=grounds, evidence=evidence
    )


# --- The fixtures' own checks ----------------------------------------------------------------------


@pytest.mark.django_db
def test_the_awarded_lot_has_a_confirmed_award_and_its_result_notice(awarded_lot, bidders):
    award = awarded_lot.award
    assert awarded_lot.status == Lot.Status.AWARDED
    assert (
        award.status == Award.Status.CONFIRMED
        and award.winner.supplier_id == bidders[0].active_membership.organisation_id
    )
    assert (
        award.result_notice.kind == Notice.Kind.RESULT
        and award.result_notice.project_id == awarded_lot.project_id
    )
    assert award.notice_stands_until > timezone.localdate()


@pytest.mark.django_db
def test_the_start_day_puts_the_last_day_on_today(db):
    day = start_for_last_day_today(7)
    assert add_working_days(day, 7) == timezone.localdate()
    assert add_working_days(day - datetime.timedelta(days=1), 7) < timezone.localdate()
