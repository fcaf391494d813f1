"""Celery entry points of bidding.evaluation (imported by BiddingConfig.ready())."""

from celery import shared_task


@shared_task(name="bidding.evaluation.expire_explanation", acks_late=True, ignore_result=True)
def expire_explanation(evaluation_id: int) -> int:
    from .services import expire_explanation as expire

    return expire(evaluation_id)


@shared_task(name="bidding.evaluation.sweep_explanations", acks_late=True, ignore_result=True)
def sweep_explanations() -> int:
    """Every minute: each evaluation with an explanation past its deadline (idempotent)."""
    from .services import expire_explanation as expire
    from .services import overdue_explanations

    return sum(expire(pk) for pk in overdue_explanations())
