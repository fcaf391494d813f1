"""The dashboards' figures (visual management, 可视化监管): aggregate reads over awards, openings,
contracts and payments, one query per figure, money as Decimal.

Every figure is read for a Scope: a period (the dates of the public event that dates the figure:
the result notice for awards, the opening for bid counts, the payment for payments), a region
(a prefix of the purchaser's administrative region code, accounts.policies.jurisdiction_prefix)
and whether it is the public's view or a regulator's.

What counts (DESIGN §3): an award once confirmed and its result notice out; a bid once its lot is
opened (a sealed bid is never counted, not even as a number); a contract's disclosure once its
notice is out. The regulator's view adds what the public does not see yet: signed contracts whose
notice is overdue, and payments of contracts whose notice is not out.
"""

import dataclasses
import datetime
from decimal import Decimal

from django.db.models import (
    Count,
    DateField,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce, TruncDate, TruncMonth
from django.utils import timezone

from bidding.models import Award, Bid, BidAssessment, Opening
from contracts.models import Contract
from contracts.performance.models import PaymentApplication
from procurement.models import Method, Notice

ZERO = Decimal("0.00")
HUNDRED = Decimal(100)
# How many rows the regulator's lists behind the figures show (newest or worst first).
LIST_LIMIT = 100


@dataclasses.dataclass(frozen=True)
class Scope:
    """Which events a figure counts: start <= moment < end (aware datetimes, None = open), the
    purchasers whose region code starts with `region` ('' = everywhere), public or regulator."""

    start: datetime.datetime | None = None
    end: datetime.datetime | None = None
    region: str = ""
    public: bool = True

    @property
    def first_day(self) -> datetime.date | None:
        return timezone.localdate(self.start) if self.start else None

    @property
    def end_day(self) -> datetime.date | None:
        """The first day after the period (exclusive bound for date fields)."""
        return timezone.localdate(self.end) if self.end else None

    def moments(self, field: str) -> Q:
        """The period on a datetime field."""
        q = Q()
        if self.start is not None:
            q &= Q(**{f"{field}__gte": self.start})
        if self.end is not None:
            q &= Q(**{f"{field}__lt": self.end})
        return q

    def days(self, field: str) -> Q:
        """The period on a date field (local dates)."""
        q = Q()
        if self.start is not None:
            q &= Q(**{f"{field}__gte": self.first_day})
        if self.end is not None:
            q &= Q(**{f"{field}__lt": self.end_day})
        return q

    def within(self, field: str) -> Q:
        """The region on a region-code field."""
        return Q(**{f"{field}__startswith": self.region}) if self.region else Q()


# --- Results: the small records the pages draw --------------------------------------------------


def share(part, whole) -> Decimal | None:
    """part / whole in percent with one decimal, None when there is nothing to divide."""
    if not whole:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(Decimal("0.1"))


def mean(total, count) -> Decimal | None:
    if not count:
        return None
    return (Decimal(total) / Decimal(count)).quantize(Decimal("0.1"))


@dataclasses.dataclass
class Total:
    """An amount and a number of awards (one bar or one table row)."""

    key: str
    amount: Decimal = ZERO
    count: int = 0

    def add(self, amount, count) -> None:
        self.amount += amount or ZERO
        self.count += count or 0


@dataclasses.dataclass
class Spend:
    """Awarded amounts by category, method and region (largest first), and the public tender's
    share of them."""

    by_category: list[Total]
    by_method: list[Total]
    by_region: list[Total]
    amount: Decimal
    count: int

    def _method(self, method: str) -> Total:
        return next((t for t in self.by_method if t.key == method), Total(method))

    @property
    def public_tender_amount_share(self) -> Decimal | None:
        return share(self._method(Method.PUBLIC_TENDER).amount, self.amount)

    @property
    def public_tender_count_share(self) -> Decimal | None:
        return share(self._method(Method.PUBLIC_TENDER).count, self.count)


@dataclasses.dataclass
class Month:
    month: datetime.date  # the first day of the month
    amount: Decimal
    count: int


@dataclasses.dataclass
class Competition:
    """Opened lots of competitive methods (single source left out: it has one supplier by law):
    how many lots had how many opened bids."""

    distribution: dict[int, int]

    @property
    def lots(self) -> int:
        return sum(self.distribution.values())

    @property
    def bids(self) -> int:
        return sum(bids * lots for bids, lots in self.distribution.items())

    @property
    def single_bid_lots(self) -> int:
        return self.distribution.get(1, 0)

    @property
    def average_bids(self) -> Decimal | None:
        return mean(self.bids, self.lots)

    @property
    def single_bid_share(self) -> Decimal | None:
        return share(self.single_bid_lots, self.lots)


@dataclasses.dataclass
class SmeShare:
    amount: Decimal
    count: int
    sme_amount: Decimal
    sme_count: int

    @property
    def amount_share(self) -> Decimal | None:
        return share(self.sme_amount, self.amount)

    @property
    def count_share(self) -> Decimal | None:
        return share(self.sme_count, self.count)


@dataclasses.dataclass
class Duration:
    """How many cases and their days together (calendar days, local dates)."""

    count: int
    days: int

    @property
    def average(self) -> Decimal | None:
        return mean(self.days, self.count)


@dataclasses.dataclass
class Timeliness:
    """One purchaser's disclosure on time: result notices by the award's confirmation deadline,
    contract notices by their due date (contract.notice_working_days after signing)."""

    purchaser_id: int | None
    name_zh: str = ""
    name_en: str = ""
    results: int = 0
    results_on_time: int = 0
    contracts: int = 0
    contracts_on_time: int = 0

    @property
    def notices(self) -> int:
        return self.results + self.contracts

    @property
    def on_time(self) -> int:
        return self.results_on_time + self.contracts_on_time

    @property
    def rate(self) -> Decimal | None:
        return share(self.on_time, self.notices)


# --- The base sets -------------------------------------------------------------------------------


def confirmed_awards(scope: Scope) -> QuerySet[Award]:
    """Awards confirmed with their result notice out, dated by the notice, in the region."""
    return Award.objects.filter(
        scope.moments("result_notice__published_at"),
        scope.within("lot__project__purchaser__region_code"),
        status=Award.Status.CONFIRMED,
        result_notice__isnull=False,
        result_notice__published_at__lte=timezone.now(),
    )


def opened_lots(scope: Scope) -> QuerySet[Opening]:
    """Openings done (with their public record), of competitive methods, dated by the opening,
    each with its number of opened bids. Sealed bids are not counted: a bid counts once opened."""
    opened_bids = (
        Bid.objects.filter(lot_id=OuterRef("lot_id"), status=Bid.Status.OPENED)
        .order_by()
        .values("lot_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    qs = Opening.objects.filter(
        scope.moments("opened_at"),
        scope.within("lot__project__purchaser__region_code"),
        status=Opening.Status.OPENED,
        opened_at__isnull=False,
    ).exclude(lot__project__method=Method.SINGLE_SOURCE)
    if scope.public:
        qs = qs.filter(notice__isnull=False, notice__published_at__lte=timezone.now())
    return qs.annotate(bids=Coalesce(Subquery(opened_bids, output_field=IntegerField()), 0))


def _winner_is_sme():
    """The winning bid was assessed as a small or micro enterprise's (as the result notice says)."""
    return Exists(
        BidAssessment.objects.filter(
            evaluation_id=OuterRef("evaluation_id"), bid_id=OuterRef("winner_id"), is_small_or_micro=True
        )
    )


def _local_day(field: str) -> TruncDate:
    return TruncDate(field, tzinfo=timezone.get_current_timezone())


def _days_between(later: str, earlier: str) -> ExpressionWrapper:
    return ExpressionWrapper(F(later) - F(earlier), output_field=DurationField())


def _tender_notice_day() -> Subquery:
    """The day of the project's latest tender notice before the award's result notice (a
    re-tendered lot counts from its own tender notice)."""
    return Subquery(
        Notice.objects.filter(
            project_id=OuterRef("lot__project_id"),
            kind=Notice.Kind.TENDER,
            published_at__lte=OuterRef("result_notice__published_at"),
        )
        .order_by("-published_at")
        .annotate(day=_local_day("published_at"))
        .values("day")[:1],
        output_field=DateField(),
    )


def _whole_days(total: datetime.timedelta | None) -> int:
    return total.days if total else 0


# --- The figures -----------------------------------------------------------------------------------


def spend(scope: Scope) -> Spend:
    """Awarded amounts and counts by category, method and region: one grouped query."""
    rows = (
        confirmed_awards(scope)
        .values(
            category=F("lot__project__category"),
            method=F("lot__project__method"),
            region_code=F("lot__project__purchaser__region_code"),
        )
        .annotate(total=Sum("amount"), awards=Count("pk"))
        .order_by()
    )
    groups: dict[str, dict[str, Total]] = {"category": {}, "method": {}, "region_code": {}}
    amount, count = ZERO, 0
    for row in rows:
        amount += row["total"] or ZERO
        count += row["awards"]
        for field, totals in groups.items():
            totals.setdefault(row[field], Total(row[field])).add(row["total"], row["awards"])

    def ordered(totals: dict[str, Total]) -> list[Total]:
        return sorted(totals.values(), key=lambda t: (-t.amount, -t.count, t.key))

    return Spend(
        by_category=ordered(groups["category"]),
        by_method=ordered(groups["method"]),
        by_region=ordered(groups["region_code"]),
        amount=amount,
        count=count,
    )


def spend_by_month(scope: Scope) -> list[Month]:
    """Awarded amounts by the month of their result notice (months without awards left out)."""
    rows = (
        confirmed_awards(scope)
        .annotate(month=TruncMonth("result_notice__published_at", tzinfo=timezone.get_current_timezone()))
        .values("month")
        .annotate(total=Sum("amount"), awards=Count("pk"))
        .order_by("month")
    )
    return [
        Month(timezone.localtime(row["month"]).date().replace(day=1), row["total"] or ZERO, row["awards"])
        for row in rows
    ]


def competition(scope: Scope) -> Competition:
    """Opened lots by their number of opened bids: one grouped query (the averages and the
    single-bid share follow from it)."""
    rows = opened_lots(scope).values("bids").annotate(lots=Count("pk")).order_by()
    return Competition(distribution={row["bids"]: row["lots"] for row in rows})


def sme_share(scope: Scope) -> SmeShare:
    """Awards won by small and micro enterprises, by amount and by count: one query."""
    totals = (
        confirmed_awards(scope)
        .annotate(sme=_winner_is_sme())
        .aggregate(
            total=Sum("amount"),
            awards=Count("pk"),
            sme_amount=Sum("amount", filter=Q(sme=True)),
            sme_count=Count("pk", filter=Q(sme=True)),
        )
    )
    return SmeShare(
        amount=totals["total"] or ZERO,
        count=totals["awards"],
        sme_amount=totals["sme_amount"] or ZERO,
        sme_count=totals["sme_count"],
    )


def days_to_award(scope: Scope) -> Duration:
    """Calendar days from the tender notice to the result notice, over awards with a tender
    notice (a single-source lot has none): one query."""
    totals = (
        confirmed_awards(scope)
        .annotate(tender_day=_tender_notice_day(), result_day=_local_day("result_notice__published_at"))
        .filter(tender_day__isnull=False)
        .aggregate(cases=Count("pk"), total_days=Sum(_days_between("result_day", "tender_day")))
    )
    return Duration(count=totals["cases"], days=_whole_days(totals["total_days"]))


def paid_applications(scope: Scope) -> QuerySet[PaymentApplication]:
    """Payments made against an accepted milestone, dated by the payment; for the public only
    those of contracts whose notice is out."""
    qs = PaymentApplication.objects.filter(
        scope.days("paid_on"),
        scope.within("contract__purchaser__region_code"),
        status=PaymentApplication.Status.PAID,
        paid_on__isnull=False,
        milestone__accepted_at__isnull=False,
    )
    if scope.public:
        qs = qs.filter(contract__notice__isnull=False, contract__notice__published_at__lte=timezone.now())
    return qs.annotate(accepted_day=_local_day("milestone__accepted_at"))


def days_to_payment(scope: Scope) -> Duration:
    """Calendar days from the milestone's acceptance to its payment: one query."""
    totals = paid_applications(scope).aggregate(
        cases=Count("pk"), total_days=Sum(_days_between("paid_on", "accepted_day"))
    )
    return Duration(count=totals["cases"], days=_whole_days(totals["total_days"]))


def _result_disclosures(scope: Scope) -> QuerySet[Award]:
    return confirmed_awards(scope).annotate(
        notice_day=_local_day("result_notice__published_at"),
        on_time=Q(notice_day__lte=F("confirm_by")),
    )


def contract_disclosures(scope: Scope) -> QuerySet[Contract]:
    """Contracts whose notice came out in the period; for a regulator also signed contracts
    whose notice is overdue and not out (dated by the due date). Each with notice_day (None while
    not out) and on_time."""
    now = timezone.now()
    published = Q(notice__isnull=False, notice__published_at__lte=now) & scope.moments("notice__published_at")
    wanted = published
    if not scope.public:
        overdue = Q(
            status=Contract.Status.SIGNED,
            notice__isnull=True,
            notice_due__isnull=False,
            notice_due__lt=timezone.localdate(now),
        ) & scope.days("notice_due")
        wanted = published | overdue
    return (
        Contract.objects.filter(wanted, scope.within("purchaser__region_code"))
        .annotate(notice_day=_local_day("notice__published_at"))
        .annotate(
            on_time=Q(notice_day__isnull=False)
            & (Q(notice_due__isnull=True) | Q(notice_day__lte=F("notice_due")))
        )
    )


def disclosure_by_purchaser(scope: Scope) -> list[Timeliness]:
    """Per purchaser: result and contract notices and how many came out on time (two grouped
    queries, merged), the least punctual first."""
    by_purchaser: dict[int, Timeliness] = {}

    def row(pk, name_zh, name_en) -> Timeliness:
        return by_purchaser.setdefault(pk, Timeliness(pk, name_zh, name_en))

    results = (
        _result_disclosures(scope)
        .values(
            party=F("lot__project__purchaser_id"),
            name_zh=F("lot__project__purchaser__name_zh"),
            name_en=F("lot__project__purchaser__name_en"),
        )
        .annotate(total=Count("pk"), on_time_count=Count("pk", filter=Q(on_time=True)))
        .order_by()
    )
    for r in results:
        item = row(r["party"], r["name_zh"], r["name_en"])
        item.results, item.results_on_time = r["total"], r["on_time_count"]
    contracts = (
        contract_disclosures(scope)
        .values(party=F("purchaser_id"), name_zh=F("purchaser__name_zh"), name_en=F("purchaser__name_en"))
        .annotate(total=Count("pk"), on_time_count=Count("pk", filter=Q(on_time=True)))
        .order_by()
    )
    for r in contracts:
        item = row(r["party"], r["name_zh"], r["name_en"])
        item.contracts, item.contracts_on_time = r["total"], r["on_time_count"]
    return sorted(by_purchaser.values(), key=lambda t: (t.rate, -t.notices, t.name_zh))


def disclosure_total(rows: list[Timeliness]) -> Timeliness:
    total = Timeliness(None)
    for r in rows:
        total.results += r.results
        total.results_on_time += r.results_on_time
        total.contracts += r.contracts
        total.contracts_on_time += r.contracts_on_time
    return total


@dataclasses.dataclass
class Dashboard:
    """Every figure of the dashboard for one scope."""

    scope: Scope
    spend: Spend
    months: list[Month]
    competition: Competition
    sme: SmeShare
    to_award: Duration
    to_payment: Duration
    disclosure: list[Timeliness]

    @property
    def disclosure_total(self) -> Timeliness:
        return disclosure_total(self.disclosure)


def dashboard(scope: Scope) -> Dashboard:
    """The figures both dashboards show: eight queries."""
    return Dashboard(
        scope=scope,
        spend=spend(scope),
        months=spend_by_month(scope),
        competition=competition(scope),
        sme=sme_share(scope),
        to_award=days_to_award(scope),
        to_payment=days_to_payment(scope),
        disclosure=disclosure_by_purchaser(scope),
    )


# --- The regulator's breakdowns and lists ----------------------------------------------------------


@dataclasses.dataclass
class PartyFigures:
    """One purchaser's or agency's figures in the regulator's breakdown."""

    pk: int | None
    name_zh: str = ""
    name_en: str = ""
    amount: Decimal = ZERO
    awards: int = 0
    public_tender_amount: Decimal = ZERO
    sme_amount: Decimal = ZERO
    sme_awards: int = 0
    lots_opened: int = 0
    bids: int = 0
    single_bid_lots: int = 0

    @property
    def public_tender_share(self) -> Decimal | None:
        return share(self.public_tender_amount, self.amount)

    @property
    def sme_amount_share(self) -> Decimal | None:
        return share(self.sme_amount, self.amount)

    @property
    def average_bids(self) -> Decimal | None:
        return mean(self.bids, self.lots_opened)

    @property
    def single_bid_share(self) -> Decimal | None:
        return share(self.single_bid_lots, self.lots_opened)


def _party_figures(scope: Scope, party: str) -> list[PartyFigures]:
    """Awards and openings grouped by the project's `party` ("purchaser" or "agency"): two
    grouped queries, merged; the largest amount first."""
    field = f"lot__project__{party}"
    figures: dict[int | None, PartyFigures] = {}

    def row(r) -> PartyFigures:
        return figures.setdefault(
            r["party"], PartyFigures(r["party"], r["name_zh"] or "", r["name_en"] or "")
        )

    names = {"party": F(f"{field}_id"), "name_zh": F(f"{field}__name_zh"), "name_en": F(f"{field}__name_en")}
    awards = (
        confirmed_awards(scope)
        .annotate(sme=_winner_is_sme())
        .values(**names)
        .annotate(
            total=Sum("amount"),
            awards=Count("pk"),
            public_tender=Sum("amount", filter=Q(lot__project__method=Method.PUBLIC_TENDER)),
            sme_amount=Sum("amount", filter=Q(sme=True)),
            sme_count=Count("pk", filter=Q(sme=True)),
        )
        .order_by()
    )
    for r in awards:
        item = row(r)
        item.amount, item.awards = r["total"] or ZERO, r["awards"]
        item.public_tender_amount = r["public_tender"] or ZERO
        item.sme_amount, item.sme_awards = r["sme_amount"] or ZERO, r["sme_count"]
    openings = (
        opened_lots(scope)
        .values(**names)
        .annotate(lots=Count("pk"), bid_total=Sum("bids"), single=Count("pk", filter=Q(bids=1)))
        .order_by()
    )
    for r in openings:
        item = row(r)
        item.lots_opened, item.bids, item.single_bid_lots = r["lots"], r["bid_total"] or 0, r["single"]
    return sorted(figures.values(), key=lambda f: (-f.amount, -f.lots_opened, f.name_zh))


def by_purchaser(scope: Scope) -> list[PartyFigures]:
    return _party_figures(scope, "purchaser")


def by_agency(scope: Scope) -> list[PartyFigures]:
    return _party_figures(scope, "agency")


def award_rows(scope: Scope, limit: int = LIST_LIMIT) -> list[Award]:
    """The awards behind the spend, SME and days-to-award figures, newest first: each with
    `sme`, `tender_day`, `result_day` and `on_time` (the result notice by the confirmation
    deadline)."""
    return list(
        confirmed_awards(scope)
        .select_related(
            "lot__project__purchaser", "lot__project__agency", "winner__supplier", "result_notice"
        )
        .annotate(
            sme=_winner_is_sme(),
            tender_day=_tender_notice_day(),
            result_day=_local_day("result_notice__published_at"),
            on_time=Q(result_day__lte=F("confirm_by")),
        )
        .order_by("-result_notice__published_at", "-pk")[:limit]
    )


def opening_rows(scope: Scope, limit: int = LIST_LIMIT) -> list[Opening]:
    """The opened lots behind the bid figures, fewest bids first (single-bid lots on top)."""
    return list(
        opened_lots(scope)
        .select_related("lot__project__purchaser", "lot__project__agency")
        .order_by("bids", "-opened_at", "-pk")[:limit]
    )


def payment_rows(scope: Scope, limit: int = LIST_LIMIT) -> list[PaymentApplication]:
    """The payments behind the days-to-payment figure, slowest first, each with `days`."""
    return list(
        paid_applications(scope)
        .select_related("contract__purchaser", "contract__supplier")
        .annotate(
            days=ExpressionWrapper(F("paid_on") - F("accepted_day"), output_field=DurationField()),
            late=Q(pay_by__isnull=False, paid_on__gt=F("pay_by")),
        )
        .order_by("-days", "-paid_on", "-pk")[:limit]
    )


def late_disclosure_rows(scope: Scope, limit: int = LIST_LIMIT) -> dict[str, list]:
    """The notices behind the on-time rate that were not on time: result notices after the
    confirmation deadline, contract notices after their due date (and, for the regulator,
    overdue contracts whose notice is not out), latest due first."""
    results = list(
        _result_disclosures(scope)
        .filter(on_time=False)
        .select_related("lot__project__purchaser", "result_notice")
        .order_by("-confirm_by", "-pk")[:limit]
    )
    contracts = list(
        contract_disclosures(scope)
        .filter(on_time=False)
        .select_related("purchaser", "supplier", "notice", "lot__project")
        .order_by("-notice_due", "-pk")[:limit]
    )
    return {"results": results, "contracts": contracts}
