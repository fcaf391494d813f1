"""The beat of the lifecycle walk (`make demo-walk` and tests/e2e/test_lifecycle_walk.py).

It is the production schedule (settings.CELERY_BEAT_SCHEDULE, every entry and task unchanged) except
that the sweeps the walk waits on run every few seconds instead of every minute or every hour: the
walk sets its bid deadline a few seconds ahead and must not wait a minute for the sweep that opens
the lot, nor an hour for the ones that move an awarded lot to contracting and prepare its contract.
Nothing of production reads this module: `make run` starts `celery beat` on the settings' schedule.

    celery -A config beat -S ops.walk_schedule:FastScheduler
"""

from celery.beat import PersistentScheduler

# The beat entries (names of settings.CELERY_BEAT_SCHEDULE) the walk waits on.
FAST_ENTRIES = (
    "procurement-close-due-bidding",
    "bidding-open-due-lots",
    "bidding-start-contracting",
    "contracts-prepare-drafts",
)
FAST_SECONDS = 2.0


def fast_schedule(schedule: dict, seconds: float = FAST_SECONDS) -> dict:
    """A copy of `schedule` whose FAST_ENTRIES run every `seconds` (their messages expire after a
    few periods, as the minute sweeps' expire before the next minute)."""
    fast = {}
    for name, entry in schedule.items():
        entry = dict(entry)
        if name in FAST_ENTRIES:
            entry["schedule"] = seconds
            entry["options"] = {**entry.get("options", {}), "expires": seconds * 5}
        fast[name] = entry
    return fast


class FastScheduler(PersistentScheduler):
    """PersistentScheduler on fast_schedule(app.conf.beat_schedule)."""

    def __init__(self, app, *args, **kwargs):
        app.conf.beat_schedule = fast_schedule(app.conf.beat_schedule)
        super().__init__(app, *args, **kwargs)
