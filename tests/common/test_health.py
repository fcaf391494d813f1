import time

from django.urls import reverse

from common.health import record_heartbeat


def test_healthz_is_503_without_a_worker_heartbeat(client, db):
    response = client.get(reverse("healthz"))
    assert response.status_code == 503
    body = response.json()
    assert body["checks"]["database"] == {"ok": True}
    assert body["checks"]["broker"]["ok"] is True
    assert body["checks"]["worker"]["ok"] is False


def test_healthz_is_ok_with_a_fresh_heartbeat(client, db):
    record_heartbeat()
    response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.json()["ok"] is True


def test_a_stale_heartbeat_is_reported(client, db, settings):
    record_heartbeat(time.time() - settings.WORKER_HEARTBEAT_MAX_AGE - 5)
    body = client.get(reverse("healthz")).json()
    assert body["checks"]["worker"]["ok"] is False
    assert body["checks"]["worker"]["age_seconds"] > settings.WORKER_HEARTBEAT_MAX_AGE


def test_the_heartbeat_task_runs_on_a_real_worker(celery_worker, client):
    from common.tasks import record_worker_heartbeat

    record_worker_heartbeat.delay()
    for _ in range(100):
        if client.get(reverse("healthz")).json()["checks"]["worker"]["ok"]:
            break
        time.sleep(0.05)
    assert client.get(reverse("healthz")).json()["checks"]["worker"]["ok"] is True


def test_calendar_coverage_warns_ninety_days_ahead(db):
    import datetime

    from common.health import check_calendar_coverage
    from rulebook.calendar import library_coverage
    from rulebook.models import CalendarOverride

    end = library_coverage()[1]
    assert check_calendar_coverage(end - datetime.timedelta(days=120))["ok"] is True
    late = check_calendar_coverage(end - datetime.timedelta(days=10))
    assert late == {"ok": False, "covered_until": end.isoformat()}
    CalendarOverride.objects.create(
        date=end + datetime.timedelta(days=200),
        is_working_day=True,
        reason_zh="调休",
        reason_en="Adjusted working day",
    )
    assert check_calendar_coverage(end - datetime.timedelta(days=10))["ok"] is True


def test_every_task_is_routed_to_a_named_queue():
    from config.celery import app

    app.loader.import_default_modules()
    ours = [name for name in app.tasks if not name.startswith("celery.")]
    assert {
        "accounts.send_notification_email",
        "audit.record_checkpoint",
        "common.record_worker_heartbeat",
    } <= set(ours)
    from fnmatch import fnmatch

    from django.conf import settings

    for name in ours:
        assert any(fnmatch(name, pattern) for pattern in settings.CELERY_TASK_ROUTES), f"{name} has no route"
        assert app.amqp.router.route({}, name)["queue"].name == "default", name


def test_tests_never_share_the_brokers_redis_database(settings):
    """Database 15 of the broker's Redis, or 14, 13, … for the second, third xdist worker: never the
    broker's own, never another worker's (a cache.clear() there would break its tests)."""
    import os

    top = int(os.environ.get("TEST_CACHE_DB_TOP", "15"))  # moved down for runs sharing a server
    number = top - int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    location = settings.CACHES["default"]["LOCATION"]
    assert location.endswith(f"db={number}") or location.endswith(f"/{number}")
