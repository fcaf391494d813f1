"""Celery entry points of performance (imported by ContractsConfig.ready()): ids in, one service
call, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(name="contracts.performance.flag_late_sme_payments", acks_late=True, ignore_result=True)
def flag_late_sme_payments() -> int:
    """Daily (beat): payment applications of small or micro suppliers unpaid after their last day
    are flagged once (regulators and the purchaser told, the purchaser's credit event)."""
    return services.flag_late_sme_payments()
