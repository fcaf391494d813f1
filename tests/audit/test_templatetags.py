"""The audit template filters: action labels and times with their zone spelled out."""

import datetime
import zoneinfo

import pytest
from django.utils import timezone, translation

from audit.templatetags.audit import action_label, zoned_time

UTC = datetime.UTC
INSTANT = datetime.datetime(2026, 11, 22, 0, 23, 13, 512630, tzinfo=UTC)


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", "2026-11-22 08:23:13（北京时间，UTC+8）"),
        ("en", "2026-11-22 08:23:13 (Beijing time, UTC+8)"),
    ],
)
def test_beijing_time_to_the_second_in_both_languages(language, expected):
    with translation.override(language), timezone.override("Asia/Shanghai"):
        assert zoned_time(INSTANT) == expected


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("UTC", "2026-11-22 00:23:13 (UTC+0)"),
        ("Asia/Kolkata", "2026-11-22 05:53:13 (UTC+5:30)"),
        ("America/St_Johns", "2026-11-21 20:53:13 (UTC-3:30)"),
        ("Asia/Tokyo", "2026-11-22 09:23:13 (UTC+9)"),
    ],
)
def test_other_zones_show_their_offset_without_a_name(zone, expected):
    with translation.override("en"), timezone.override(zoneinfo.ZoneInfo(zone)):
        assert zoned_time(INSTANT) == expected


def test_an_empty_time_shows_nothing():
    assert zoned_time(None) == ""


def test_the_action_label_filter_translates():
    with translation.override("zh-hans"):
        assert action_label("accounts.login") == "登录"
