"""Celery entry points of bid bonds: ids in, one service call, safe to run twice."""

from celery import shared_task

from . import bonds


@shared_task(name="bidding.flag_overdue_refunds", acks_late=True, ignore_result=True)
def flag_overdue_refunds() -> int:
    """Twice a day (beat; routed to the default queue by CELERY_TASK_ROUTES): refundable bonds past
    their refund day are flagged to the regulator once."""
    return bonds.flag_overdue_refunds()
