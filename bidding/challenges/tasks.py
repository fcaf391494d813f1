"""Celery entry points of bidding.challenges (imported by BiddingConfig.ready()): no arguments, one
service call each, safe to run twice (each flags a row once, or moves a lot once)."""

from celery import shared_task

from . import services


@shared_task(name="bidding.flag_overdue_challenge_answers", acks_late=True, ignore_result=True)
def flag_overdue_challenge_answers() -> int:
    """Twice a day (beat): challenges past their answer day are flagged to the regulator once."""
    return services.flag_overdue_answers()


@shared_task(name="bidding.flag_overdue_complaint_decisions", acks_late=True, ignore_result=True)
def flag_overdue_complaint_decisions() -> int:
    """Twice a day (beat): complaints past their decision day are flagged to the regulators once."""
    return services.flag_overdue_decisions()


@shared_task(name="bidding.start_contracting", acks_late=True, ignore_result=True)
def start_contracting() -> int:
    """Hourly (beat): awarded lots whose result can no longer be challenged and that nothing blocks
    move to contracting."""
    return services.start_contracting()
