"""Celery entry points of the procurement app: ids in, one service call, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(name="procurement.close_bidding", acks_late=True, ignore_result=True)
def close_bidding(project_id: int) -> int:
    """At the bid deadline (scheduled on publishing): the open lots move to `closed`. Run early
    (the deadline moved) or twice, it changes nothing."""
    return services.close_bidding(project_id)


@shared_task(name="procurement.close_due_bidding", acks_late=True, ignore_result=True)
def close_due_bidding() -> int:
    """Every minute (beat): any project whose deadline passed while its job was lost."""
    return services.close_due_bidding()
