"""Celery entry points of the expert pool and the draw (imported by ExpertsConfig.ready())."""

from celery import shared_task

from . import panels


@shared_task(name="experts.lapse_invitation", acks_late=True, ignore_result=True)
def lapse_invitation(seat_id: int) -> bool:
    """At an invitation's answer deadline: no answer yet lapses it and calls the next reserve."""
    return panels.lapse_invitation(seat_id) is not None


@shared_task(name="experts.lapse_unanswered_invitations", acks_late=True, ignore_result=True)
def lapse_unanswered_invitations() -> int:
    """Every minute (beat): catches any lapse job that was lost (idempotent)."""
    return panels.lapse_unanswered()
