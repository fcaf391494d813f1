"""load_demo once per test module instead of once per test.

`demo_once(...)` makes a module-scoped fixture that loads the demo data inside a transaction kept
open for the module and rolled back after its last test, as Django's TestCase.setUpTestData does:
each test (with the `db` fixture) runs in a savepoint over the loaded rows, so what one test writes
the next does not see. Use it only in modules whose tests read the demo data or write through
services (never a live server or a second connection: they would not see uncommitted rows).

The fixture's value is the media folder holding the demo's files: a test that reads them sets
`settings.MEDIA_ROOT` to it (the autouse fixture gives each test an empty folder of its own).

Tests of the module that must not see the demo rows must not request the fixture and must come
before the first test that does: the rows stay loaded until the module ends.
"""

import datetime
from collections.abc import Callable

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from rulebook import calendar
from rulebook.services import declare_calendar_year


def declare_next_year() -> None:
    """Next year's calendar, declared if chinesecalendar does not cover it (weekends, 1 January off):
    the demo's tender dates may fall in it."""
    year = timezone.localdate().year + 1
    if not calendar.is_covered(datetime.date(year, 1, 1)):
        declare_calendar_year(
            year,
            days_off=[datetime.date(year, 1, 1)],
            working_days=[],
            reason_zh="测试：按周末排定",
            reason_en="Test: weekends only",
            actor=None,
        )


def demo_once(*, before: Callable[[], None] | None = None, **load_demo_options):
    @pytest.fixture(scope="module")
    def fixture(django_db_setup, django_db_blocker, tmp_path_factory):
        # The per-test autouse fixtures (media folder, fast hasher) do not reach a module fixture.
        media = tmp_path_factory.mktemp("demo-media")
        with (
            django_db_blocker.unblock(),
            override_settings(
                MEDIA_ROOT=media, PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]
            ),
            transaction.atomic(),
        ):
            if before is not None:
                before()
            call_command("load_demo", **load_demo_options)
            yield media
            transaction.set_rollback(True)

    return fixture
