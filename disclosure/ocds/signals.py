"""Releases follow notices: a new notice is published as OCDS once its transaction commits.

Connected when DisclosureConfig.ready imports this module. The receiver only queues the job (a
broker that is down does not undo the caller's work; the minute sweep disclosure.ocds.publish_pending
writes whatever a lost job missed). A scheduled notice is queued for its time when that is near
(Celery redelivers ETAs beyond the visibility timeout: DESIGN §8), else left to the sweep.
"""

import datetime

from django.db import transaction
from django.db.models.signals import post_save
from django.dispatch import receiver
from django.utils import timezone

from procurement.models import Notice

from . import tasks

NEAR = datetime.timedelta(minutes=30)


@receiver(post_save, sender=Notice, dispatch_uid="disclosure.ocds.publish_saved_notice")
def publish_saved_notice(
    sender, instance: Notice, created: bool = False, raw: bool = False, **kwargs
) -> None:
    if raw or not created:  # a notice never changes once published; fixtures are swept
        return
    pk, at = instance.pk, instance.published_at

    def enqueue() -> None:
        if at is not None and at > timezone.now():
            if at - timezone.now() <= NEAR:
                tasks.publish_notice.apply_async(args=[pk], eta=at)
            return
        tasks.publish_notice.delay(pk)

    transaction.on_commit(enqueue, robust=True)
