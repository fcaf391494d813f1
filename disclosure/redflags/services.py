"""Recomputing the red flags: one transaction replaces the stored set with what the data raise
now — flags no longer raised are deleted, new ones created, changed ones updated, unchanged ones
left as they are (their `computed_at` says since when they hold). Safe to run twice, and at the
same time from two processes: an advisory lock makes the second wait for the first."""

import logging

from django.db import connection, transaction
from django.utils import timezone

from disclosure.models import RedFlag

from . import compute, facts
from .indicators import COLLUSION_PREFIX, INDICATORS

logger = logging.getLogger(__name__)

# pg_advisory_xact_lock key: "redflags" in ASCII, as a bigint.
_LOCK_KEY = int.from_bytes(b"redflags", "big") & 0x7FFFFFFFFFFFFFFF


def _parameter(code: str, name: str):
    return INDICATORS[code].parameter(name)


def raised_flags() -> list[compute.Raised]:
    """Every flag the data raise now (reads only)."""
    return compute.compute(
        facts.lot_facts(), facts.evaluation_facts(), _parameter, collusion_prefix=COLLUSION_PREFIX
    )


def _same(flag: RedFlag, raised: compute.Raised) -> bool:
    return (
        flag.value == raised.value and flag.threshold == raised.threshold and flag.evidence == raised.evidence
    )


@transaction.atomic
def compute_all() -> int:
    """Recompute every red flag and store the result; returns how many flags are raised."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
    now = timezone.now()
    raised = {flag.key: flag for flag in raised_flags() if flag.code in INDICATORS}
    stored = {
        (flag.code, flag.level, flag.lot_id, flag.organisation_id): flag
        for flag in RedFlag.objects.select_for_update().order_by("pk")
    }
    stale = [flag.pk for key, flag in stored.items() if key not in raised]
    if stale:
        RedFlag.objects.filter(pk__in=stale).delete()
    changed = []
    for key, flag in stored.items():
        new = raised.get(key)
        if new is not None and not _same(flag, new):
            flag.value, flag.threshold, flag.evidence, flag.computed_at = (
                new.value,
                new.threshold,
                new.evidence,
                now,
            )
            changed.append(flag)
    if changed:
        RedFlag.objects.bulk_update(
            changed, ["value", "threshold", "evidence", "computed_at"], batch_size=500
        )
    created = [
        RedFlag(
            code=new.code,
            level=new.level,
            lot_id=new.lot_id,
            organisation_id=new.organisation_id,
            value=new.value,
            threshold=new.threshold,
            evidence=new.evidence,
            computed_at=now,
        )
        for key, new in raised.items()
        if key not in stored
    ]
    if created:
        RedFlag.objects.bulk_create(created, batch_size=500)
    logger.info(
        "red flags: %s raised (%s new, %s changed, %s withdrawn)",
        len(raised),
        len(created),
        len(changed),
        len(stale),
    )
    return len(raised)
