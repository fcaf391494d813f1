"""From the figures (metrics.py) to what the page shows: for each chart its title, its
description, its SVG and the table of the same numbers, in the reader's language.

Plain functions, no ORM: every shown number is formatted once here, and the chart and the table
take the same string, so the table always says what the chart draws."""

import dataclasses
import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.dates import MONTHS_3
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from common.i18n import in_english
from procurement.models import Category, Method

from . import charts
from .metrics import Dashboard, Duration, Month, PartyFigures, Timeliness, share
from .regions import region_label

# The purchasers drawn in the on-time chart (the least punctual first); the table holds the same.
DISCLOSURE_ROWS = 20
# The parties drawn in the regulator's breakdown charts (largest first).
PARTY_ROWS = 15
# Bid counts from this many up share one column ("5 or more").
MANY_BIDS = 5
# Longer periods are drawn by year, not by month.
MAX_MONTHS = 24


@dataclasses.dataclass
class Figure:
    """One chart and its table: `head` names the columns (the first is the rows' header),
    `rows` the cells (the first of each row is its header), `chart_column` the column whose
    cells are the values the chart shows."""

    id: str
    title: str
    desc: str
    svg: SafeString
    head: list[str]
    rows: list[list[str]]
    chart_column: int = 1
    note: str = ""
    wide: bool = False  # a table too wide to sit beside its chart


@dataclasses.dataclass
class KeyFigure:
    label: str
    value: str
    detail: str = ""


# --- Formatting ------------------------------------------------------------------------------------


def money(amount) -> str:
    return f"{Decimal(amount or 0):,.2f}"


def percent(value: Decimal | None) -> str:
    return "—" if value is None else f"{value}%"


def days(value: Decimal | None) -> str:
    if value is None:
        return "—"
    return _("%(days)s days") % {"days": value}


def name(zh: str, en: str) -> str:
    return en if in_english() and en else zh


def category_label(key: str) -> str:
    return str(dict(Category.choices).get(key, key))


def method_label(key: str) -> str:
    return str(dict(Method.choices).get(key, key))


def month_label(month: datetime.date, *, with_year: bool) -> str:
    if in_english():
        text = str(MONTHS_3[month.month]).capitalize()
        return f"{text} {month.year}" if with_year else text
    return f"{month.year}年{month.month}月" if with_year else f"{month.month}月"


def period_label(first: datetime.date | None, last: datetime.date | None) -> str:
    if first is None and last is None:
        return _("All years")
    if first and last and first.month == 1 and first.day == 1 and last == first.replace(month=12, day=31):
        return str(first.year)
    return _("%(first)s to %(last)s") % {
        "first": first.isoformat() if first else "…",
        "last": last.isoformat() if last else "…",
    }


def scope_label(period: str, region: str) -> str:
    where = region_label(region) if region else _("all regions")
    return _("%(period)s, %(region)s") % {"period": period, "region": where}


# --- Key figures -----------------------------------------------------------------------------------


def key_figures(data: Dashboard) -> list[KeyFigure]:
    spend, competition, sme, total = data.spend, data.competition, data.sme, data.disclosure_total
    return [
        KeyFigure(
            _("Awarded amount (CNY)"),
            money(spend.amount),
            ngettext("%(count)s award", "%(count)s awards", spend.count) % {"count": spend.count},
        ),
        KeyFigure(
            _("Public tender share"),
            percent(spend.public_tender_amount_share),
            _("of the amount; %(share)s of the awards") % {"share": percent(spend.public_tender_count_share)},
        ),
        KeyFigure(
            _("Average bids per lot"),
            "—" if competition.average_bids is None else str(competition.average_bids),
            ngettext("%(count)s lot opened", "%(count)s lots opened", competition.lots)
            % {"count": competition.lots},
        ),
        KeyFigure(
            _("Single-bid lots"),
            percent(competition.single_bid_share),
            ngettext("%(count)s lot", "%(count)s lots", competition.single_bid_lots)
            % {"count": competition.single_bid_lots},
        ),
        KeyFigure(
            _("Small and micro enterprises' share"),
            percent(sme.amount_share),
            _("of the amount; %(share)s of the awards") % {"share": percent(sme.count_share)},
        ),
        KeyFigure(
            _("Tender notice to result notice"),
            days(data.to_award.average),
            _("on average"),
        ),
        KeyFigure(
            _("Acceptance to payment"),
            days(data.to_payment.average),
            _("on average"),
        ),
        KeyFigure(
            _("Disclosure on time"),
            percent(total.rate),
            _("%(on_time)s of %(notices)s notices") % {"on_time": total.on_time, "notices": total.notices},
        ),
    ]


# --- The figures -----------------------------------------------------------------------------------


def _no_data() -> str:
    return _("No data for this period.")


def _spend_figure(fid: str, title: str, definition: str, totals, label, whole: Decimal) -> Figure:
    bars = [charts.Bar(label(t.key), t.amount, money(t.amount)) for t in totals]
    desc = definition + " " + _("The table gives the same numbers.")
    return Figure(
        id=fid,
        title=title,
        desc=desc,
        svg=charts.bar_chart(chart_id=fid, title=title, desc=desc, bars=bars, empty_text=_no_data()),
        head=["", _("Amount (CNY)"), pgettext("dashboard", "Awards"), _("Share of the amount")],
        rows=[[label(t.key), money(t.amount), str(t.count), percent(share(t.amount, whole))] for t in totals],
    )


def spend_figures(data: Dashboard) -> list[Figure]:
    spend = data.spend
    category = _spend_figure(
        "spend-category",
        _("Awarded amount by category"),
        _("Amounts of the confirmed awards whose result notice is out, by goods, works and services."),
        spend.by_category,
        category_label,
        spend.amount,
    )
    category.head[0] = _("Category")
    method = _spend_figure(
        "spend-method",
        _("Awarded amount by procurement method"),
        _("Amounts of the confirmed awards whose result notice is out, by the project's procurement method."),
        spend.by_method,
        method_label,
        spend.amount,
    )
    method.head[0] = _("Method")
    region = _spend_figure(
        "spend-region",
        _("Awarded amount by region"),
        _("Amounts of the confirmed awards whose result notice is out, by the purchaser's region."),
        spend.by_region,
        region_label,
        spend.amount,
    )
    region.head[0] = _("Region")
    return [category, method, public_tender_figure(data), region]


def _share_figure(fid: str, title: str, definition: str, named: tuple[str, str], figures) -> Figure:
    """A share chart of two parts (the named one and the rest), by amount and by count. figures:
    (part amount, total amount, part count, total count)."""
    part_amount, amount, part_count, count = figures
    rest_amount, rest_count = amount - part_amount, count - part_count
    rows = [
        [
            named[0],
            money(part_amount),
            percent(share(part_amount, amount)),
            str(part_count),
            percent(share(part_count, count)),
        ],
        [
            named[1],
            money(rest_amount),
            percent(share(rest_amount, amount)),
            str(rest_count),
            percent(share(rest_count, count)),
        ],
    ]
    share_rows = [
        charts.ShareRow(
            _("By amount"),
            [charts.Bar(named[0], part_amount, rows[0][2]), charts.Bar(named[1], rest_amount, rows[1][2])],
        ),
        charts.ShareRow(
            _("By number of awards"),
            [charts.Bar(named[0], part_count, rows[0][4]), charts.Bar(named[1], rest_count, rows[1][4])],
        ),
    ]
    desc = definition + " " + _("The table gives the same numbers.")
    return Figure(
        id=fid,
        title=title,
        desc=desc,
        svg=charts.share_chart(chart_id=fid, title=title, desc=desc, rows=share_rows, empty_text=_no_data()),
        head=[
            "",
            _("Amount (CNY)"),
            _("Share of the amount"),
            pgettext("dashboard", "Awards"),
            _("Share of the awards"),
        ],
        rows=rows,
        chart_column=2,
        note=_("The legend shows the share of the amount, then the share of the awards."),
    )


def public_tender_figure(data: Dashboard) -> Figure:
    spend = data.spend
    public = next((t for t in spend.by_method if t.key == Method.PUBLIC_TENDER), None)
    figure = _share_figure(
        "public-tender",
        _("Share of public tender"),
        _("The share of public tender among the confirmed awards, by amount and by number."),
        (method_label(Method.PUBLIC_TENDER), _("Other methods")),
        (public.amount if public else Decimal(0), spend.amount, public.count if public else 0, spend.count),
    )
    figure.head[0] = _("Method")
    return figure


def sme_figure(data: Dashboard) -> Figure:
    sme = data.sme
    figure = _share_figure(
        "sme-share",
        _("Small and micro enterprises' share of awards"),
        _(
            "Confirmed awards won by a small or micro enterprise (as assessed in the evaluation), "
            "by amount and by number."
        ),
        (_("Small and micro enterprises"), _("Other suppliers")),
        (sme.sme_amount, sme.amount, sme.sme_count, sme.count),
    )
    figure.head[0] = _("Winner")
    return figure


def _months(data: Dashboard, first: datetime.date | None, last: datetime.date | None) -> list[Month]:
    """Every month of the period (those without awards at zero), or of the data when open."""
    found = {m.month: m for m in data.months}
    if first is None and found:
        first = min(found)
    if last is None and found:
        last = max(found)
    if first is None or last is None:
        return []
    months, month = [], first.replace(day=1)
    while month <= last:
        months.append(found.get(month, Month(month, Decimal("0.00"), 0)))
        month = (month + datetime.timedelta(days=32)).replace(day=1)
    return months


def month_figure(data: Dashboard, first=None, last=None) -> Figure:
    months = _months(data, first, last)
    by_year = len(months) > MAX_MONTHS
    if by_year:
        years: dict[int, Month] = {}
        for m in months:
            year = years.setdefault(m.month.year, Month(m.month.replace(month=1), Decimal("0.00"), 0))
            year.amount += m.amount
            year.count += m.count
        points = [(str(y.month.year), y) for y in years.values()]
        title = _("Awarded amount by year")
    else:
        with_year = len({m.month.year for m in months}) > 1
        points = [(month_label(m.month, with_year=with_year), m) for m in months]
        title = _("Awarded amount by month")
    desc = (
        _("Amounts of the confirmed awards by the month (or year) of their result notice.")
        + " "
        + _("The table gives the same numbers.")
    )
    columns = [charts.Bar(label, m.amount, money(m.amount)) for label, m in points]
    largest = max((m.amount for _label, m in points), default=Decimal(0))
    svg = charts.column_chart(
        chart_id="spend-month",
        title=title,
        desc=desc,
        columns=columns if any(m.amount for _label, m in points) else [],
        top_label=_("Highest: %(amount)s CNY") % {"amount": money(largest)},
        empty_text=_no_data(),
    )
    return Figure(
        id="spend-month",
        title=title,
        desc=desc,
        svg=svg,
        head=[_("Year") if by_year else _("Month"), _("Amount (CNY)"), pgettext("dashboard", "Awards")],
        rows=[[label, money(m.amount), str(m.count)] for label, m in points],
    )


def bids_figure(data: Dashboard) -> Figure:
    competition = data.competition
    buckets: dict[int, int] = {}
    for bids, lots in competition.distribution.items():
        buckets[min(bids, MANY_BIDS)] = buckets.get(min(bids, MANY_BIDS), 0) + lots
    top = max(buckets, default=-1)

    def label(n: int) -> str:
        if n >= MANY_BIDS:
            return _("%(count)s or more") % {"count": MANY_BIDS}
        return str(n)

    points = [(label(n), buckets.get(n, 0)) for n in range(0, max(top, 3) + 1)] if buckets else []
    title = _("Lots by number of bids")
    desc = (
        _(
            "Opened lots of competitive methods (single source left out) by the number of bids opened; "
            "bids not yet opened are not counted."
        )
        + " "
        + _("The table gives the same numbers.")
    )
    columns = [charts.Bar(text, lots, str(lots)) for text, lots in points]
    svg = charts.column_chart(
        chart_id="bids-per-lot",
        title=title,
        desc=desc,
        columns=columns,
        top_label=_("Highest: %(count)s lots") % {"count": max((lots for _t, lots in points), default=0)},
        empty_text=_no_data(),
    )
    return Figure(
        id="bids-per-lot",
        title=title,
        desc=desc,
        svg=svg,
        head=[pgettext("dashboard", "Bids"), pgettext("dashboard", "Lots"), _("Share of the lots")],
        rows=[[text, str(lots), percent(share(lots, competition.lots))] for text, lots in points],
    )


def days_figure(data: Dashboard) -> Figure:
    measures: list[tuple[str, Duration]] = [
        (_("Tender notice to result notice"), data.to_award),
        (_("Acceptance to payment"), data.to_payment),
    ]
    title = _("Average days")
    desc = (
        _(
            "Calendar days from the tender notice to the result notice of each award, and from the "
            "acceptance of a delivery to its payment."
        )
        + " "
        + _("The table gives the same numbers.")
    )
    bars = [charts.Bar(text, d.average or 0, days(d.average)) for text, d in measures]
    if not any(d.count for _text, d in measures):
        bars = []
    return Figure(
        id="average-days",
        title=title,
        desc=desc,
        svg=charts.bar_chart(
            chart_id="average-days", title=title, desc=desc, bars=bars, empty_text=_no_data()
        ),
        head=[_("Measure"), _("Average"), _("Cases")],
        rows=[[text, days(d.average), str(d.count)] for text, d in measures],
    )


def disclosure_figure(rows: list[Timeliness], *, limit: int = DISCLOSURE_ROWS, public: bool = True) -> Figure:
    shown = rows[:limit]
    title = _("Disclosure on time by purchaser")
    definition = _(
        "Share of each purchaser's result notices out by the award's confirmation deadline and of "
        "its contract notices out by their due date (the rulebook's working days after signing)."
    )
    if public:
        definition += " " + _("Only published notices count.")
    else:
        definition += " " + _("Contracts whose notice is overdue and not out count as late.")
    desc = definition + " " + _("The table gives the same numbers.")
    bars = [charts.Bar(name(r.name_zh, r.name_en), r.rate or 0, percent(r.rate)) for r in shown]
    note = ""
    if len(rows) > limit:
        note = _("The %(shown)s purchasers with the lowest rate of %(all)s.") % {
            "shown": limit,
            "all": len(rows),
        }
    return Figure(
        id="disclosure",
        title=title,
        desc=desc,
        svg=charts.bar_chart(
            chart_id="disclosure", title=title, desc=desc, bars=bars, scale=100, empty_text=_no_data()
        ),
        head=[_("Purchaser"), _("On time"), _("Result notices on time"), _("Contract notices on time")],
        rows=[
            [
                name(r.name_zh, r.name_en),
                percent(r.rate),
                _("%(on_time)s of %(all)s") % {"on_time": r.results_on_time, "all": r.results},
                _("%(on_time)s of %(all)s") % {"on_time": r.contracts_on_time, "all": r.contracts},
            ]
            for r in shown
        ],
        note=note,
    )


def figures(data: Dashboard, first=None, last=None, *, public: bool = True) -> list[Figure]:
    """The dashboard's charts in reading order."""
    return [
        *spend_figures(data),
        month_figure(data, first, last),
        bids_figure(data),
        sme_figure(data),
        days_figure(data),
        disclosure_figure(data.disclosure, public=public),
    ]


# --- The regulator's breakdowns ------------------------------------------------------------------


def party_figure(fid: str, title: str, parties: list[PartyFigures], *, party_head: str) -> Figure:
    """Awards and competition of each purchaser or agency; the chart draws the amounts of the
    PARTY_ROWS largest, the table lists every one."""
    desc = (
        _("Awarded amount, awards, public tender and SME shares, opened lots and bids per lot.")
        + " "
        + _("The table gives the same numbers.")
    )
    drawn = parties[:PARTY_ROWS]
    bars = [charts.Bar(name(p.name_zh, p.name_en) or "—", p.amount, money(p.amount)) for p in drawn]
    return Figure(
        id=fid,
        title=title,
        desc=desc,
        svg=charts.bar_chart(chart_id=fid, title=title, desc=desc, bars=bars, empty_text=_no_data()),
        head=[
            party_head,
            _("Amount (CNY)"),
            pgettext("dashboard", "Awards"),
            _("Public tender share"),
            _("SME share of the amount"),
            _("Lots opened"),
            _("Average bids per lot"),
            _("Single-bid lots"),
        ],
        rows=[
            [
                name(p.name_zh, p.name_en) or "—",
                money(p.amount),
                str(p.awards),
                percent(p.public_tender_share),
                percent(p.sme_amount_share),
                str(p.lots_opened),
                "—" if p.average_bids is None else str(p.average_bids),
                str(p.single_bid_lots),
            ]
            for p in parties
        ],
        note=(
            _("The chart draws the %(shown)s largest of %(all)s.")
            % {"shown": PARTY_ROWS, "all": len(parties)}
            if len(parties) > PARTY_ROWS
            else ""
        ),
        wide=True,
    )


# --- The regulator's lists behind the figures ----------------------------------------------------


def _day(day: datetime.date | None) -> str:
    return day.isoformat() if day else "—"


def _between(later: datetime.date | None, earlier: datetime.date | None) -> str:
    if later is None or earlier is None:
        return "—"
    return str((later - earlier).days)


def award_list(awards) -> list[dict]:
    """metrics.award_rows as table rows."""
    return [
        {
            "project": a.lot.project,
            "lot": a.lot,
            "purchaser": a.lot.project.purchaser.name,
            "agency": a.lot.project.agency.name if a.lot.project.agency else "—",
            "winner": a.winner.supplier.name if a.winner else "—",
            "method": method_label(a.lot.project.method),
            "amount": money(a.amount),
            "sme": a.sme,
            "tender_day": _day(a.tender_day),
            "result_day": _day(a.result_day),
            "days": _between(a.result_day, a.tender_day),
            "confirm_by": _day(a.confirm_by),
            "on_time": a.on_time,
            "notice_id": a.result_notice_id,
        }
        for a in awards
    ]


def opening_list(openings) -> list[dict]:
    return [
        {
            "project": o.lot.project,
            "lot": o.lot,
            "purchaser": o.lot.project.purchaser.name,
            "agency": o.lot.project.agency.name if o.lot.project.agency else "—",
            "method": method_label(o.lot.project.method),
            "opened_on": _day(timezone.localdate(o.opened_at)),
            "bids": o.bids,
            "notice_id": o.notice_id,
        }
        for o in openings
    ]


def payment_list(payments) -> list[dict]:
    return [
        {
            "contract": p.contract,
            "purchaser": p.contract.purchaser.name,
            "supplier": p.contract.supplier.name,
            "amount": money(p.paid_amount),
            "accepted_on": _day(p.accepted_day),
            "paid_on": _day(p.paid_on),
            "days": _between(p.paid_on, p.accepted_day),
            "pay_by": _day(p.pay_by),
            "late": p.late,
        }
        for p in payments
    ]


def late_list(late: dict) -> dict[str, list[dict]]:
    return {
        "results": [
            {
                "project": a.lot.project,
                "lot": a.lot,
                "purchaser": a.lot.project.purchaser.name,
                "due": _day(a.confirm_by),
                "published": _day(a.notice_day),
                "notice_id": a.result_notice_id,
            }
            for a in late["results"]
        ],
        "contracts": [
            {
                "contract": c,
                "purchaser": c.purchaser.name,
                "supplier": c.supplier.name,
                "due": _day(c.notice_due),
                "published": _day(c.notice_day),
                "notice_id": c.notice_id,
            }
            for c in late["contracts"]
        ],
    }
