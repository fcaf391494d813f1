"""Celery entry points of disclosure.redflags: no arguments, one service call each, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(name="disclosure.redflags.compute_all", queue="default", acks_late=True)
def compute_all() -> int:
    """Recompute every red flag (beat: hourly, and nightly; see config/settings.py)."""
    return services.compute_all()
