"""Celery entry points of disclosure.ocds: ids in, one publishing call each, safe to run twice."""

import datetime

from celery import shared_task

from . import bulk, publishing


@shared_task(name="disclosure.ocds.publish_notice", acks_late=True, ignore_result=True)
def publish_notice(notice_id: int) -> int:
    """On commit of a new notice (or at the time of a scheduled one): its releases, if public."""
    return publishing.publish_notice(notice_id)


@shared_task(name="disclosure.ocds.publish_pending", acks_late=True, ignore_result=True)
def publish_pending() -> int:
    """Every minute (beat): the releases a lost job or a scheduled notice left to write."""
    return publishing.sweep()


@shared_task(name="disclosure.ocds.write_bulk_files", acks_late=True, ignore_result=True)
def write_bulk_files(day: str | None = None) -> int:
    """Nightly (beat): every release first, then the daily bulk files of the days that changed
    (or of `day`, an ISO date). Returns the number of days written."""
    publishing.publish_pending()
    days = [datetime.date.fromisoformat(day)] if day else None
    return len(bulk.write_changed_days(days=days))
