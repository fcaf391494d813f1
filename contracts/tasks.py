"""Celery entry points of the contract core (autodiscovered; the beat schedule in settings names
them): no arguments, one service call each, safe to run twice."""

from celery import shared_task

from . import services


@shared_task(name="contracts.prepare_drafts", acks_late=True, ignore_result=True)
def prepare_drafts() -> int:
    """Draft the contract of every lot in contracting whose award is confirmed and which has none."""
    return services.prepare_drafts()


@shared_task(name="contracts.sweep_signing_limits", acks_late=True, ignore_result=True)
def sweep_signing_limits() -> dict:
    """Warn the parties of drafts near their signing limit; escalate drafts past it (once each)."""
    return services.sweep_signing_limits()


@shared_task(name="contracts.flag_late_contract_notices", acks_late=True, ignore_result=True)
def flag_late_contract_notices() -> int:
    """Escalate signed contracts whose notice is overdue (once each)."""
    return services.flag_late_contract_notices()
