import datetime

from django import template
from django.utils import dateformat, timezone
from django.utils.translation import gettext

from audit.actions import action_label as _action_label

register = template.Library()

# tz database names of China Standard Time (UTC+8 all year, no daylight saving time).
_BEIJING_TIME_ZONES = frozenset({"Asia/Shanghai", "Asia/Chongqing", "Asia/Chungking", "Asia/Harbin", "PRC"})


@register.filter
def action_label(action: str) -> str:
    return _action_label(action)


def utc_offset(value: datetime.datetime) -> str:
    """The offset of an aware datetime as people write it: UTC+8, UTC-3:30, UTC+0."""
    minutes = round(value.utcoffset().total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}:{minutes:02d}" if minutes else f"UTC{sign}{hours}"


@register.filter
def zoned_time(value: datetime.datetime | None) -> str:
    """An aware time to the second in the current time zone, with the zone spelled out:
    "2026-11-22 08:23:13 (Beijing time, UTC+8)", "2026-11-22 08:23:13（北京时间，UTC+8）".

    Abbreviations such as "CST" are ambiguous (China, Cuba and US Central Standard Time); the
    exact instant belongs in the <time datetime="..."> attribute (the date filter's "c").
    """
    if not value:
        return ""
    local = timezone.localtime(value)
    parts = {"time": dateformat.format(local, "Y-m-d H:i:s"), "offset": utc_offset(local)}
    if timezone.get_current_timezone_name() in _BEIJING_TIME_ZONES:
        return gettext("%(time)s (Beijing time, %(offset)s)") % parts
    return gettext("%(time)s (%(offset)s)") % parts
