"""Celery entry points of disclosure.search: ids in, one indexing call each, safe to run twice."""

from celery import shared_task

from . import indexing


@shared_task(name="disclosure.search.index_notice", acks_late=True, ignore_result=True)
def index_notice(notice_id: int) -> bool:
    """On commit of a notice's save: (re)write its search entry. A notice gone since is skipped."""
    return indexing.index_notice(notice_id)


@shared_task(name="disclosure.search.index_pending", acks_late=True, ignore_result=True)
def index_pending() -> int:
    """Every minute (beat): index the notices that have no entry yet (a lost job, a bulk load)."""
    return indexing.index_pending()
