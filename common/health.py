"""What /healthz reports: the database, the broker and the Celery worker's heartbeat."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connection

HEARTBEAT_KEY = "celery:worker-heartbeat"


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


def health_report() -> dict:
    checks = {"database": check_database(), "broker": check_broker(), "worker": check_worker()}
    return {"ok": all(c["ok"] for c in checks.values()), "checks": checks}
