"""Celery entry points of the credit app: ids in, one service call, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(name="credit.recompute_records", acks_late=True, ignore_result=True)
def recompute_records(record_ids: list[int]) -> int:
    """After an event (on commit): the records' scores from their events; idempotent."""
    return services.recompute_records(record_ids)


@shared_task(name="credit.recompute_scores", acks_late=True, ignore_result=True)
def recompute_scores() -> int:
    """Nightly (beat): every record in one statement; a second run the same day changes nothing."""
    return services.recompute_scores()


@shared_task(name="credit.expire_blacklist_entries", acks_late=True, ignore_result=True)
def expire_blacklist_entries() -> int:
    """Hourly (beat): end the bans whose last day has passed; an ended ban is not touched again."""
    return services.expire_blacklist_entries()


@shared_task(name="credit.import_feed_folder", acks_late=True, ignore_result=True)
def import_feed_folder() -> int:
    """Every 15 minutes (beat): import new feed files; a file already imported is skipped."""
    return len(services.import_feed_folder())
