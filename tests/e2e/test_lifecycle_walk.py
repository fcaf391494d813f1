"""The whole lifecycle in one browser walk (issue 7): one public tender from filing to final payment,
every role through the real pages, both languages, with a Celery worker and Celery beat running
and the bid deadline set a few seconds ahead. The walk itself is ops/walk.py, shared with
`make demo-walk` (which runs it against gunicorn, the worker and beat as `make run` starts them);
here it runs against Django's live server, a worker thread and a beat thread on the in-memory
broker. Screenshots go to var/screenshots/lifecycle-walk/."""

from pathlib import Path

import pytest
from celery.beat import EmbeddedService
from django.core.management import call_command

from config.celery import app as celery_app
from ops import walk as lifecycle
from ops.walk_schedule import FastScheduler

pytestmark = pytest.mark.e2e

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots" / "lifecycle-walk"


@pytest.fixture
def celery_beat(celery_worker, tmp_path):
    """Celery beat in a thread beside the worker thread: the production schedule, with the sweeps
    the walk waits on every two seconds (ops.walk_schedule.FastScheduler)."""
    schedule = celery_app.conf.beat_schedule
    beat = EmbeddedService(
        celery_app, thread=True, scheduler_cls=FastScheduler, schedule_filename=str(tmp_path / "beat")
    )
    beat.start()
    yield beat
    beat.stop()
    beat.join(10)
    celery_app.conf.beat_schedule = schedule


@pytest.fixture
def demo_data(transactional_db):
    call_command("load_demo", except_apps=["contracts", "disclosure"])  # not walked here


def test_one_public_tender_from_filing_to_final_payment_with_every_role(
    live_server, browser, demo_data, celery_beat
):
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    walk = lifecycle.Walk(browser=browser, base=live_server.url, out=SCREENSHOTS, wait_seconds=60)
    try:
        walk.run()
    finally:
        walk.close()
        print(f"lifecycle walk: {walk.shots} screenshots; seconds per step {walk.timings}")
    assert walk.shots >= 30
