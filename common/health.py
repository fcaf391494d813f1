"""What /healthz reports: the database, the broker and the Celery worker's heartbeat."""

import datetime
import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

HEARTBEAT_KEY = "celery:worker-heartbeat"
CALENDAR_HORIZON_DAYS = 90


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as exc:  # noqa: BLE001 - any failure is "down"
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def check_broker() -> dict:
    from config.celery import app

    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}
    return {"ok": True}


def record_heartbeat(now: float | None = None) -> None:
    cache.set(HEARTBEAT_KEY, now if now is not None else time.time(), timeout=None)


def check_worker() -> dict:
    try:
        beat = cache.get(HEARTBEAT_KEY)
    except Exception as exc:  # noqa: BLE001
        return {"ok": False, "error": exc.__class__.__name__}
    if beat is None:
        return {"ok": False, "error": "no heartbeat yet"}
    age = time.time() - float(beat)
    return {"ok": age <= settings.WORKER_HEARTBEAT_MAX_AGE, "age_seconds": round(age, 1)}


def check_calendar_coverage(today: datetime.date | None = None) -> dict:
    """A warning, not a failure: working-day limits need calendar data 90 days ahead.

    Beyond chinesecalendar's data a date needs an override (rulebook), else deadlines refuse to
    compute; an operator should declare the next year as soon as the State Council publishes it.
    """
    from django.db.models import Max

    from rulebook.calendar import library_coverage
    from rulebook.models import CalendarOverride

    today = today or timezone.localdate()
    covered_until = library_coverage()[1]
    last_override = CalendarOverride.objects.aggregate(last=Max("date"))["last"]
    if last_override and last_override > covered_until:
        covered_until = last_override
    return {
        "ok": covered_until >= today + datetime.timedelta(days=CALENDAR_HORIZON_DAYS),
        "covered_until": covered_until.isoformat(),
    }


def health_report() -> dict:
    checks = {"database": check_database(), "broker": check_broker(), "worker": check_worker()}
    report = {"ok": all(c["ok"] for c in checks.values()), "checks": checks}
    if checks["database"]["ok"]:
        report["warnings"] = {"calendar": check_calendar_coverage()}
    return report
