"""The reads of the search: entries matching criteria, one page of them, a capped count, export rows.

Only public notices are ever returned: published_at at or before now (a scheduled notice is in
the index, never in a result before its time).

Two orders, both with keyset pagination on a unique key:
- newest first: (published_at, notice) descending, walking the index search_keyset;
- relevance: (ts_rank, published_at, notice) descending; the rank is a float4 that the cursor
  carries exactly (compared as ::real).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field, replace
from decimal import Decimal

from django.contrib.postgres.search import SearchQuery, SearchRank
from django.db.models import F, FloatField, Func, Q, QuerySet, Value
from django.utils import timezone

from accounts.models import Organisation

from ..models import SearchEntry
from .tokenizer import tsquery_text

NEWEST = "newest"
RELEVANCE = "relevance"
# Organisations a name filter may stand for (the filter names one; a vague name gets the first).
MAX_NAMED_ORGANISATIONS = 50


class TokenQuery(SearchQuery):
    """A tsquery from our own tokens, cast without parsing: the tokenizer already did the work the
    text search parser would do, and Postgres' parser must not cut CJK bigrams differently."""

    template = "(%(expressions)s)::tsquery"

    def __init__(self, tokens: list[str]):
        super().__init__(Value(tsquery_text(tokens)), search_type="raw")


class AsReal(Func):
    """A number compared as Postgres' float4 (ts_rank's type), so a rank read back compares equal."""

    template = "(%(expressions)s)::real"
    output_field = FloatField()


@dataclass
class Criteria:
    """What a search asks, validated (disclosure.search.forms.SearchForm.criteria)."""

    tokens: list[str] = field(default_factory=list)
    kind: str = ""
    category: str = ""
    method: str = ""
    region: str = ""
    purchaser_ids: list[int] | None = None  # None: any purchaser; []: a name that matches nobody
    supplier_ids: list[int] | None = None
    published_from: datetime.datetime | None = None
    published_before: datetime.datetime | None = None
    amount_min: Decimal | None = None
    amount_max: Decimal | None = None
    order: str = NEWEST

    @property
    def ranked(self) -> bool:
        return self.order == RELEVANCE and bool(self.tokens)


@dataclass(frozen=True)
class Position:
    """Where a page ends: the key of its last row in the page's order."""

    published_at: datetime.datetime
    notice_id: int
    rank: float | None = None


def organisations_named(text: str, kind: str) -> list[int]:
    """The ids of the organisations of `kind` a filter names: an id (from a result's link) or a
    part of the name in either language."""
    text = text.strip()
    qs = Organisation.objects.filter(kind=kind)
    if text.isdigit():
        qs = qs.filter(pk=int(text))
    else:
        qs = qs.filter(Q(name_zh__icontains=text) | Q(name_en__icontains=text))
    return list(qs.order_by("pk").values_list("pk", flat=True)[:MAX_NAMED_ORGANISATIONS])


def _region_filter(code: str) -> Q:
    """A province (xx0000) or a city (xxxx00) includes the regions below it."""
    if code.endswith("0000"):
        return Q(region_code__startswith=code[:2])
    if code.endswith("00"):
        return Q(region_code__startswith=code[:4])
    return Q(region_code=code)


def matching_entries(criteria: Criteria, *, now: datetime.datetime | None = None) -> QuerySet[SearchEntry]:
    """The public entries that match, unordered; `rank` annotated when ranked."""
    qs = SearchEntry.objects.filter(published_at__lte=now or timezone.now())
    if criteria.tokens:
        query = TokenQuery(criteria.tokens)
        qs = qs.filter(words=query)
        if criteria.ranked:
            qs = qs.annotate(rank=SearchRank(F("words"), query))
    for name in ("kind", "category", "method"):
        value = getattr(criteria, name)
        if value:
            qs = qs.filter(**{name: value})
    if criteria.region:
        qs = qs.filter(_region_filter(criteria.region))
    if criteria.purchaser_ids is not None:
        qs = qs.filter(purchaser_id__in=criteria.purchaser_ids)
    if criteria.supplier_ids is not None:
        qs = qs.filter(suppliers__overlap=criteria.supplier_ids)
    if criteria.published_from is not None:
        qs = qs.filter(published_at__gte=criteria.published_from)
    if criteria.published_before is not None:
        qs = qs.filter(published_at__lt=criteria.published_before)
    if criteria.amount_min is not None:
        qs = qs.filter(amount__gte=criteria.amount_min)
    if criteria.amount_max is not None:
        qs = qs.filter(amount__lte=criteria.amount_max)
    return qs


def ordered(qs: QuerySet[SearchEntry], criteria: Criteria) -> QuerySet[SearchEntry]:
    if criteria.ranked:
        return qs.order_by("-rank", "-published_at", "-notice_id")
    return qs.order_by("-published_at", "-notice_id")


def after(qs: QuerySet[SearchEntry], criteria: Criteria, position: Position) -> QuerySet[SearchEntry]:
    """The rows that come after `position` in the criteria's order."""
    older = Q(published_at__lt=position.published_at) | Q(
        published_at=position.published_at, notice_id__lt=position.notice_id
    )
    if criteria.ranked and position.rank is not None:
        rank = AsReal(Value(position.rank))
        return qs.filter(Q(rank__lt=rank) | (Q(rank=rank) & older))
    # published_at <= … is the index condition; the OR only drops the rows of the same instant.
    return qs.filter(published_at__lte=position.published_at).filter(older)


def _with_notices(qs: QuerySet[SearchEntry], english: bool) -> QuerySet[SearchEntry]:
    other_body = "notice__body_zh" if english else "notice__body_en"
    return qs.select_related("notice__project", "purchaser").defer(
        other_body,
        "words",
        "notice__project__description_zh",
        "notice__project__description_en",
        "notice__project__method_justification",
        "notice__project__imported_products_justification",
        "notice__project__cancellation_reason",
    )


def page(
    criteria: Criteria, *, position: Position | None, size: int, english: bool
) -> tuple[list[SearchEntry], Position | None]:
    """One page of results with its notices, projects and purchasers (one query), and the
    position to continue from (None on the last page)."""
    qs = matching_entries(criteria)
    if position is not None:
        qs = after(qs, criteria, position)
    rows = list(_with_notices(ordered(qs, criteria), english)[: size + 1])
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    last = rows[-1]
    return rows, Position(last.published_at, last.notice_id, getattr(last, "rank", None))


def capped_count(criteria: Criteria, cap: int) -> int:
    """How many entries match, counted up to cap + 1 (a number above cap shows as "cap+")."""
    unranked = replace(criteria, order=NEWEST)  # the count needs no rank
    return matching_entries(unranked).order_by()[: cap + 1].count()


def export_rows(criteria: Criteria, limit: int) -> QuerySet[SearchEntry]:
    """At most `limit` matching entries in the criteria's order, for streaming with iterator()."""
    return (
        ordered(matching_entries(criteria), criteria)
        .select_related("notice__project", "purchaser")
        .only(
            "notice_id",
            "published_at",
            "kind",
            "category",
            "method",
            "region_code",
            "suppliers",
            "amount",
            "notice__title_zh",
            "notice__title_en",
            "notice__project__reference",
            "purchaser__name_zh",
            "purchaser__name_en",
        )[:limit]
    )


def organisation_names(ids: set[int]) -> dict[int, Organisation]:
    return {org.pk: org for org in Organisation.objects.filter(pk__in=ids).only("name_zh", "name_en")}
