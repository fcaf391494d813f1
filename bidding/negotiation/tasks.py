"""Celery entry points of bidding.negotiation (imported by BiddingConfig.ready()): ids in, one
service call, safe to run twice."""

from celery import shared_task

from common.exceptions import Conflict

from . import services


@shared_task(name="bidding.negotiation.open_final_quotations", acks_late=True, ignore_result=True)
def open_final_quotations(round_id: int) -> bool:
    """At a round's deadline (armed when the deadline is near): opens it, once."""
    try:
        services.open_final_quotations(round_id)
    except Conflict:  # early (a clock a little behind) or the evaluation moved on: the sweep retries
        return False
    return True


@shared_task(name="bidding.negotiation.open_due_rounds", acks_late=True, ignore_result=True)
def open_due_rounds() -> int:
    """Every minute (beat): opens every final-quotation round past its deadline (idempotent)."""
    return services.open_due_rounds()
