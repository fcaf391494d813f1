"""Celery entry points of disclosure.redflags: no arguments, one service call each, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(name="disclosure.redflags.compute_all", acks_late=True, ignore_result=True)
def compute_all() -> int:
    """Recompute every red flag (beat: hourly; the queue comes from CELERY_TASK_ROUTES)."""
    return services.compute_all()
