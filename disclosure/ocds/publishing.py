"""Writing OCDS releases: one per public event of each lot, once, never changed.

`publish_notice(notice_id)` runs on commit of every new notice (disclosure.ocds.signals), or at
its time for a scheduled one; `publish_pending()` is the sweep that catches whatever a lost job or
a scheduled notice left (every minute over the last days, in full before the nightly bulk files
and after the demo data). Both are idempotent: a release id exists once (a unique constraint), a
second run finds it and writes nothing.
"""

import datetime
import logging

from django.db import transaction
from django.utils import timezone

from disclosure.models import Release
from procurement.models import Notice

from . import releases, schema, selectors
from .facts import Event

logger = logging.getLogger(__name__)

# The minute sweep looks this far back (a notice published earlier without its release is
# caught by the full sweep before the nightly bulk files).
SWEEP_WINDOW = datetime.timedelta(days=3)


def _row(event: Event, lot, notice: Notice | None) -> Release | None:
    data = releases.build_release(event)
    problems = schema.release_errors(data)
    if problems:
        # Never publish what does not validate; the sweep tries again once the cause is fixed.
        logger.error("OCDS release %s does not validate: %s", event.release_id, "; ".join(problems[:5]))
        return None
    return Release(
        release_id=event.release_id,
        ocid=event.process.ocid,
        date=event.date,
        tags=data["tag"],
        lot=lot,
        notice=notice,
        buyer_id=event.process.purchaser.party_id,
        data=releases.dumps(data),
    )


def _write(rows: list[Release]) -> int:
    if not rows:
        return 0
    existing = set(
        Release.objects.filter(release_id__in=[row.release_id for row in rows]).values_list(
            "release_id", flat=True
        )
    )
    fresh = [row for row in rows if row.release_id not in existing]
    # A concurrent run may have written the same ids since: the unique release id settles it.
    Release.objects.bulk_create(fresh, ignore_conflicts=True)
    return len(fresh)


@transaction.atomic
def publish_notice(notice_id: int) -> int:
    """The releases of one public notice (one per lot it concerns); 0 for a scheduled notice, a
    notice of a kind without releases, or one already published."""
    notice = (
        Notice.objects.select_related("project__purchaser", "project__agency", "document")
        .filter(pk=notice_id, published_at__lte=timezone.now(), kind__in=releases.RELEASE_KINDS)
        .first()
    )
    if notice is None:
        return 0
    rows = []
    for lot in selectors.lots_of_notice(notice):
        event = selectors.event_for(notice, lot)
        if event is not None:
            row = _row(event, lot, notice)
            if row is not None:
                rows.append(row)
    return _write(rows)


@transaction.atomic
def publish_payment(payment) -> int:
    event = selectors.payment_event(payment)
    row = _row(event, payment.contract.lot, None)
    return _write([row] if row is not None else [])


def publish_pending(*, since: datetime.datetime | None = None) -> int:
    """Releases for every public notice and recorded payment that lacks them (all of them, or
    those since `since`); returns how many releases were written."""
    written = 0
    for notice_id in list(selectors.notices_to_publish(since=since).values_list("pk", flat=True)):
        written += publish_notice(notice_id)
    for payment in selectors.payments_to_publish(since=since):
        written += publish_payment(payment)
    return written


def sweep() -> int:
    """The minute sweep: the last SWEEP_WINDOW of notices and payments."""
    return publish_pending(since=timezone.now() - SWEEP_WINDOW)
