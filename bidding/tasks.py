"""Celery entry points of the bidding app: ids in, one service call, safe to run twice.
(The bond sweep's task is in bond_tasks.py.)"""

from celery import shared_task

from . import services


@shared_task(name="bidding.open_automatically", acks_late=True, ignore_result=True)
def open_automatically(lot_id: int) -> bool:
    """At the deadline of a lot whose tender documents open it automatically."""
    return services.open_automatically(lot_id) is not None


@shared_task(name="bidding.open_due_lots", acks_late=True, ignore_result=True)
def open_due_lots() -> int:
    """Every minute (beat): closes and opens every due lot that opens automatically."""
    return services.open_due_lots()
