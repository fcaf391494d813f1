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


@shared_task(name="bidding.release_bonds_of_cancelled_lots", acks_late=True, ignore_result=True)
def release_bonds_of_cancelled_lots(project_id: int) -> int:
    """After a lot or the project is cancelled: every bond held for a cancelled lot becomes
    refundable (bonds already refundable are left alone, so running it twice changes nothing)."""
    from django.utils import timezone

    from procurement.models import Lot

    from . import bonds

    released = 0
    for lot_id in Lot.objects.filter(project_id=project_id, status=Lot.Status.CANCELLED).values_list(
        "pk", flat=True
    ):
        released += len(bonds.make_refundable(lot_id, event=bonds.LOT_CANCELLED, on=timezone.localdate()))
    return released
