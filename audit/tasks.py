from celery import shared_task

from . import services


@shared_task(name="audit.record_checkpoint", acks_late=True, ignore_result=True)
def record_checkpoint() -> int | None:
    """Daily (beat): sign the chain head. Safe to run twice: an unchanged head is signed once."""
    checkpoint = services.record_checkpoint()
    return checkpoint.sequence if checkpoint else None
