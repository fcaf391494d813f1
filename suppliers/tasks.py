"""Celery entry points of the suppliers app: ids and ISO dates in, one service call, safe to run twice."""

from celery import shared_task
from django.utils import timezone

from . import services

# A scheduled notice's alerts wait for it at most this long per hop (ETAs beyond the broker's
# visibility timeout are redelivered: DESIGN §8).
MAX_WAIT_SECONDS = 1800


@shared_task(name="suppliers.warn_expiring_qualifications", acks_late=True, ignore_result=True)
def warn_expiring_qualifications(on: str | None = None) -> int:
    """Daily (beat): warn suppliers of qualifications expiring within 30 days, once each."""
    return services.warn_expiring_qualifications(on)


@shared_task(name="suppliers.lapse_expired_qualifications", acks_late=True, ignore_result=True)
def lapse_expired_qualifications(on: str | None = None) -> int:
    """Daily (beat): qualifications whose expiry date has come lapse; a lapsed one is not touched."""
    return services.lapse_expired_qualifications(on)


def _wait_for(notice_id: int, task) -> bool:
    """A notice scheduled for later: come back when it is out (in hops of at most half an hour)."""
    from procurement.models import Notice

    published_at = Notice.objects.filter(pk=notice_id).values_list("published_at", flat=True).first()
    if published_at is None:
        return True
    remaining = (published_at - timezone.now()).total_seconds()
    if remaining <= 0:
        return False
    task.apply_async(args=[notice_id], countdown=min(remaining + 1, MAX_WAIT_SECONDS), queue="default")
    return True


@shared_task(name="suppliers.notify_subscribers", acks_late=True, ignore_result=True)
def notify_subscribers(notice_id: int) -> int:
    """On commit of a published notice: alert the approved suppliers subscribed to its category
    or region (each once)."""
    if _wait_for(notice_id, notify_subscribers):
        return 0
    return services.notify_subscribers(notice_id)


@shared_task(name="suppliers.notify_clarification", acks_late=True, ignore_result=True)
def notify_clarification(notice_id: int) -> int:
    """On commit of a clarification: alert the suppliers that downloaded the documents (once)."""
    if _wait_for(notice_id, notify_clarification):
        return 0
    return services.notify_clarification(notice_id)
