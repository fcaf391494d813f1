"""Names of administrative regions (行政区划) for the dashboards' labels, from the region-code
table python-stdnum ships for resident identity numbers (stdnum/cn/loc.dat, Chinese names only).
A code the table does not know is shown as the code alone."""

import functools
import re

from stdnum import numdb

_DATED = re.compile(r"^\[[0-9-]*\]")


def _current(names: str) -> str:
    """'[1983-1992]城区,[1993-2004]秀城区,[2005-]南湖区' -> '南湖区' (the latest name)."""
    return _DATED.sub("", names.split(",")[-1]).strip()


@functools.cache
def _lookup(code: str) -> tuple[str, str]:
    """(province name, the name of the code's own level) or ('', '') when unknown."""
    try:
        info = numdb.get("cn/loc").info(code)
    except Exception:  # noqa: BLE001 - a malformed code simply has no name
        return "", ""
    province = info[0][1].get("province", "") if info else ""
    own = info[1][1].get("county", "") if len(info) > 1 else ""
    return _current(province), _current(own)


@functools.cache
def region_name(code: str) -> str:
    """The region's name: a province's (330000 浙江省), a city's (330400 嘉兴市), a county's with
    its city (330402 嘉兴市南湖区); '' when unknown."""
    if len(code) != 6 or not code.isdigit():
        return ""
    province, own = _lookup(code)
    if code.endswith("0000"):
        return province or own
    if code.endswith("00"):
        return own
    _province, city = _lookup(code[:4] + "00")
    if city in ("市辖区", "县"):  # the counties of a municipality (北京市东城区)
        city = province
    if own and city and not own.startswith(city):
        return city + own
    return own


def region_label(code: str) -> str:
    """'嘉兴市 330400', or the code alone."""
    name = region_name(code)
    return f"{name} {code}" if name else code
