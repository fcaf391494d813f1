"""The reads of the search: entries matching criteria, one page of them, a capped count, export rows.

Only public notices are ever returned: published_at at or before now (a scheduled notice is in
the index, never in a result before its time).

Two orders, both with keyset pagination on a unique key:
- newest first: (published_at, notice) descending, walking the index search_keyset;
- relevance: (ts_rank, published_at, notice) descending, among the newest
  SEARCH_RANK_CANDIDATES matches (the page says so when there are more); the rank is a float4
  that the cursor carries exactly (compared as ::real).
"""

from __future__ import annotations

import datetime
import hashlib
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.cache import cache
from django.db.models import F, Q, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.utils import timezone

from accounts.models import Organisation

from ..models import SearchEntry
from .tokenizer import tsquery_text

NEWEST = "newest"
RELEVANCE = "relevance"
# Newest first with words: how many of the newest entries are searched before the whole index.
PROBE_ROWS = 5_000
# By relevance with very many matches: how many of the newest entries the candidates come from.
RANK_WINDOW = 50_000
COUNT_CACHE_SECONDS = 60
# Organisations a name filter may stand for (the filter names one; a vague name gets the first).
MAX_NAMED_ORGANISATIONS = 50


class TokenQuery(SearchQuery):
    """A tsquery from our own tokens, cast without parsing: the tokenizer already did the work the
    text search parser would do, and Postgres' parser must not cut CJK bigrams differently."""

    template = "(%(expressions)s)::tsquery"

    def __init__(self, tokens: list[str]):
        super().__init__(Value(tsquery_text(tokens)), search_type="raw")


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
    """The public entries that match, unordered."""
    qs = SearchEntry.objects.filter(published_at__lte=now or timezone.now())
    if criteria.tokens:
        qs = qs.filter(words=TokenQuery(criteria.tokens))
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


def after(qs: QuerySet[SearchEntry], position: Position) -> QuerySet[SearchEntry]:
    """The rows that come after `position`, newest first."""
    older = Q(published_at__lt=position.published_at) | Q(
        published_at=position.published_at, notice_id__lt=position.notice_id
    )
    # published_at <= … is the index condition; the OR only drops the rows of the same instant.
    return qs.filter(published_at__lte=position.published_at).filter(older)


def _with_notices(qs: QuerySet[SearchEntry], english: bool) -> QuerySet[SearchEntry]:
    """With the notice (its titles and its text in the page's language), the project's number and
    the purchaser's names: only the columns a result shows."""
    return qs.select_related("notice__project", "purchaser").only(
        "notice_id",
        "published_at",
        "kind",
        "category",
        "method",
        "region_code",
        "amount",
        "suppliers",
        "purchaser_id",
        "notice__title_zh",
        "notice__title_en",
        "notice__body_en" if english else "notice__body_zh",
        "notice__project_id",
        "notice__project__reference",
        "purchaser__name_zh",
        "purchaser__name_en",
    )


def _unworded(criteria: Criteria) -> Criteria:
    return Criteria(**{**criteria.__dict__, "tokens": [], "order": NEWEST})


def _newest_window(criteria: Criteria, position: Position | None, rows: int) -> tuple[str, tuple]:
    """SQL of the newest `rows` entries that pass the criteria's filters but the words (notice_id,
    published_at, words), newest first: a walk down the keyset index."""
    window = matching_entries(_unworded(criteria))
    if position is not None:
        window = after(window, position)
    window = window.order_by("-published_at", "-notice_id").values("notice_id", "published_at", "words")
    return window[:rows].query.sql_with_params()


def _probe(criteria: Criteria, position: Position | None, n: int) -> RawSQL:
    """The keys of the newest n matches among the newest PROBE_ROWS entries that pass the other
    filters: a walk down the keyset index that stops as soon as it has n matches.

    Postgres estimates a word of k characters (k - 1 bigrams, AND) as if its bigrams were
    independent, far too rare, and then reads every match through the GIN index and sorts them
    all: tens of thousands of rows for a word in a few percent of the notices, where walking the
    newest entries finds a page within a few hundred. The walk is bounded, so a rare word costs
    at most PROBE_ROWS rows before the bitmap plan takes over (page())."""
    sql, params = _newest_window(criteria, position, PROBE_ROWS)
    return RawSQL(  # noqa: S611 - our own SQL around the ORM's; the tsquery is a parameter
        f"SELECT w.notice_id FROM ({sql}) w WHERE w.words @@ (%s)::tsquery "  # noqa: S608
        f"ORDER BY w.published_at DESC, w.notice_id DESC LIMIT {int(n)}",
        (*params, tsquery_text(criteria.tokens)),
    )


def _ranked(criteria: Criteria, position: Position | None, n: int, *, many: bool) -> RawSQL:
    """The keys of the next n entries by relevance (ts_rank, then newest), among the newest
    SEARCH_RANK_CANDIDATES matches: ts_rank reads every row it ranks, so a word in most notices is
    not ranked over the whole index.

    The candidates: with `many` matches (more than the count's cap), those within the newest
    RANK_WINDOW entries, walking the keyset index (Postgres would read every match through the GIN
    index first, see _probe); else the newest matches through the index Postgres chooses."""
    query = tsquery_text(criteria.tokens)
    candidates = int(settings.SEARCH_RANK_CANDIDATES)
    if many:
        window, window_params = _newest_window(criteria, None, RANK_WINDOW)
        source = (
            f"SELECT w.notice_id, w.published_at, w.words FROM ({window}) w "  # noqa: S608
            "WHERE w.words @@ (%s)::tsquery "
            f"ORDER BY w.published_at DESC, w.notice_id DESC LIMIT {candidates}"
        )
        source_params = (*window_params, query)
    else:
        newest = matching_entries(criteria).order_by("-published_at", "-notice_id")
        source, source_params = newest.values("notice_id", "published_at", "words")[
            :candidates
        ].query.sql_with_params()
    keyset, keyset_params = "", ()
    if position is not None and position.rank is not None:
        keyset = (
            "WHERE r.rank < (%s)::real OR (r.rank = (%s)::real AND (r.published_at < %s "
            "OR (r.published_at = %s AND r.notice_id < %s)))"
        )
        at = position.published_at
        keyset_params = (position.rank, position.rank, at, at, position.notice_id)
    return RawSQL(  # noqa: S611 - our own SQL around the ORM's; values are parameters
        "SELECT r.notice_id FROM (SELECT c.notice_id, c.published_at, "  # noqa: S608
        f"ts_rank(c.words, (%s)::tsquery) AS rank FROM ({source}) c) r {keyset} "
        f"ORDER BY r.rank DESC, r.published_at DESC, r.notice_id DESC LIMIT {int(n)}",
        (query, *source_params, *keyset_params),
    )


def page(
    criteria: Criteria,
    *,
    position: Position | None,
    size: int,
    english: bool,
    many: bool = False,
) -> tuple[list[SearchEntry], Position | None]:
    """One page of results with its notices, projects and purchasers, and the position to continue
    from (None on the last page). `many`: more matches than the count's cap (capped_count).

    The page's keys are chosen on the search entries alone and only those rows are joined, in one
    query. Newest first with words: first among the newest entries (_probe), then, when that
    window holds less than a page, over the whole index (a second query, the bitmap plan).
    By relevance: _ranked."""
    n = size + 1

    def fetch(keys) -> list[SearchEntry]:
        rows_qs = _with_notices(SearchEntry.objects.filter(pk__in=keys), english)
        if criteria.ranked:
            rows_qs = rows_qs.annotate(rank=SearchRank(F("words"), TokenQuery(criteria.tokens)))
        return list(ordered(rows_qs, criteria))

    if criteria.ranked:
        rows = fetch(_ranked(criteria, position, n, many=many))
    else:
        rows = fetch(_probe(criteria, position, n)) if criteria.tokens else []
        if len(rows) < n:  # no words, or the window ran out: ask the whole index
            qs = matching_entries(criteria)
            if position is not None:
                qs = after(qs, position)
            rows = fetch(ordered(qs, criteria).values("pk")[:n])
    if len(rows) <= size:
        return rows, None
    rows = rows[:size]
    last = rows[-1]
    return rows, Position(last.published_at, last.notice_id, getattr(last, "rank", None))


def capped_count(criteria: Criteria, cap: int) -> int:
    """How many public entries match, counted up to cap + 1 (above cap the page shows "cap+").

    Kept a minute in the cache (the same search's next pages, the same words from many people):
    counting reads up to cap + 1 rows, more than a page does."""
    key = (
        "disclosure:search:count:"
        + hashlib.blake2b(
            repr((cap, sorted((k, repr(v)) for k, v in criteria.__dict__.items() if k != "order"))).encode(),
            digest_size=16,
        ).hexdigest()
    )
    count = cache.get(key)
    if count is None:
        count = matching_entries(criteria).order_by()[: cap + 1].count()
        cache.set(key, count, timeout=COUNT_CACHE_SECONDS)
    return count


def export_rows(criteria: Criteria, limit: int) -> QuerySet[SearchEntry]:
    """At most `limit` matching entries, newest first (an export is a list to work on, in a fixed
    order; relevance is the page's), for streaming with iterator()."""
    return (
        matching_entries(criteria)
        .order_by("-published_at", "-notice_id")
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
