"""Keeps the search index up to date: a notice saved is indexed once its transaction commits.

Connected when DisclosureConfig.ready imports this module. The receiver only queues the job
(robust: a broker that is down does not undo the caller's work; the beat sweep
disclosure.search.index_pending indexes whatever a lost job missed).
"""

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver

from procurement.models import Notice

from . import tasks


@receiver(post_save, sender=Notice, dispatch_uid="disclosure.search.index_saved_notice")
def index_saved_notice(sender, instance: Notice, raw: bool = False, **kwargs) -> None:
    if raw:  # fixtures loaded as they are; the sweep indexes them
        return
    pk = instance.pk
    transaction.on_commit(lambda: tasks.index_notice.delay(pk), robust=True)
