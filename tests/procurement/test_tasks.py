"""The procurement app's Celery entry points, called as plain functions (ids in, safe to run twice)."""

import datetime

import pytest
from django.conf import settings
from django.utils import timezone

from audit.models import AuditEvent
from procurement import tasks
from procurement.models import Lot, Project

pytestmark = pytest.mark.django_db


def lot_statuses(project: Project) -> set[str]:
    return set(project.lots.values_list("status", flat=True))


def closed_events(project: Project) -> int:
    return AuditEvent.objects.filter(action="procurement.bidding_closed", object_id=str(project.pk)).count()


def move_deadline(project: Project, delta: datetime.timedelta) -> None:
    Project.objects.filter(pk=project.pk).update(bid_deadline=timezone.now() + delta)


def test_the_deadline_job_run_early_changes_nothing(tendering_project):
    # e.g. an amendment moved the deadline after this job was scheduled
    assert tasks.close_bidding(tendering_project.pk) == 0
    assert lot_statuses(tendering_project) == {Lot.Status.OPEN_FOR_BIDS}
    assert closed_events(tendering_project) == 0


def test_the_deadline_job_opens_the_lots_and_a_second_run_changes_nothing(tendering_project):
    move_deadline(tendering_project, -datetime.timedelta(seconds=1))
    assert tasks.close_bidding(tendering_project.pk) == 2
    assert lot_statuses(tendering_project) == {Lot.Status.CLOSED}
    assert tasks.close_bidding(tendering_project.pk) == 0
    assert closed_events(tendering_project) == 1


def test_the_deadline_job_of_a_missing_project_does_nothing(db):
    assert tasks.close_bidding(2_000_000_000) == 0


def test_the_sweep_catches_a_lost_job(tendering_project):
    move_deadline(tendering_project, datetime.timedelta(hours=1))
    assert tasks.close_due_bidding() == 0
    move_deadline(tendering_project, -datetime.timedelta(minutes=5))
    assert tasks.close_due_bidding() == 2
    assert tasks.close_due_bidding() == 0
    assert lot_statuses(tendering_project) == {Lot.Status.CLOSED}
    assert closed_events(tendering_project) == 1


def test_a_cancelled_lot_stays_cancelled_at_the_deadline(tendering_project, officer):
    from procurement import services

    services.cancel_lot(tendering_project.lots.get(number=1).pk, actor=officer, reason="第1包需求取消")
    move_deadline(tendering_project, -datetime.timedelta(seconds=1))
    assert tasks.close_bidding(tendering_project.pk) == 1
    statuses = dict(tendering_project.lots.values_list("number", "status"))
    assert statuses == {1: Lot.Status.CANCELLED, 2: Lot.Status.CLOSED}


def test_the_tasks_have_stable_names_and_the_sweep_runs_every_minute():
    assert tasks.close_bidding.name == "procurement.close_bidding"
    assert tasks.close_due_bidding.name == "procurement.close_due_bidding"
    assert tasks.close_bidding.acks_late and tasks.close_due_bidding.acks_late
    sweep = settings.CELERY_BEAT_SCHEDULE["procurement-close-due-bidding"]
    assert sweep["task"] == "procurement.close_due_bidding" and sweep["schedule"] == 60.0
