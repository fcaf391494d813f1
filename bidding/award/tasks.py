"""Celery entry points of bidding.award (imported by BiddingConfig.ready()): ids in, one service
call, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(name="bidding.award.flag_overdue_awards", acks_late=True, ignore_result=True)
def flag_overdue_awards() -> int:
    """Twice a day (beat; the default queue by CELERY_TASK_ROUTES): awards the purchaser has not
    confirmed by their last day are escalated to the region's regulators once."""
    return services.flag_overdue_awards()
