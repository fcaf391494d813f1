from celery import shared_task
from celery.signals import worker_ready

from .health import record_heartbeat


@shared_task(name="common.record_worker_heartbeat", acks_late=True, ignore_result=True)
def record_worker_heartbeat() -> None:
    """Beat sends this every 30 s; the worker that runs it proves it is alive (read by /healthz)."""
    record_heartbeat()


@worker_ready.connect
def _heartbeat_on_start(**kwargs) -> None:
    """A worker that just started is alive: /healthz need not wait for beat's first heartbeat."""
    record_heartbeat()
