"""The public search (no login): the page, its Atom feeds and its CSV and Excel exports.

All of them read the same query string (SearchForm), so a search's page, feed and export list the
same notices. Every endpoint is rate-limited per client (disclosure.ratelimit); bad input gets a
translated 400 and never reaches the database unchecked.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from common.i18n import in_english
from procurement.models import Category, Method, Notice

from ..ratelimit import rate_limited
from . import cursor as cursors
from . import exports, feeds, selectors
from .forms import SearchForm
from .highlight import highlight, snippet

# Query-string keys of a search: what a feed link, an export link or the next page repeats.
CRITERIA_KEYS = (
    "q",
    "kind",
    "category",
    "method",
    "region",
    "purchaser",
    "supplier",
    "published_from",
    "published_to",
    "amount_min",
    "amount_max",
    "order",
)


FILTER_KEYS = CRITERIA_KEYS[1:-1]  # all but the words and the order


def _query_string(form: SearchForm, **extra) -> str:
    """The form's criteria as given (only the keys that are set), plus `extra`."""
    params = {key: form.data.get(key, "") for key in CRITERIA_KEYS if form.is_bound}
    params.update(extra)
    return urlencode({key: value for key, value in params.items() if value not in ("", None)})


def _count_text(count: int) -> str:
    cap = settings.SEARCH_COUNT_CAP
    return f"{cap:,}+" if count > cap else f"{count:,}"


def _labels() -> tuple[dict, dict, dict]:
    return tuple(
        {value: str(label) for value, label in choices}
        for choices in (Notice.Kind.choices, Category.choices, Method.choices)
    )


def result_rows(entries, tokens: list[str]) -> list[dict]:
    """What the results list shows of each entry, in the page's language, matches highlighted."""
    english = in_english()
    kinds, categories, methods = _labels()
    rows = []
    for entry in entries:
        notice = entry.notice
        title, other = (notice.title_en, notice.title_zh) if english else (notice.title_zh, notice.title_en)
        shown, other_shown = highlight(title, tokens), highlight(other, tokens)
        rows.append(
            {
                "entry": entry,
                "notice": notice,
                "title": shown,
                # Words of the other language matched its title: show that title too, marked.
                "other_title": other_shown if "<mark>" in other_shown and "<mark>" not in shown else None,
                "other_lang": "zh-Hans" if english else "en",
                "snippet": snippet(notice.body_en if english else notice.body_zh, tokens),
                "kind": kinds.get(entry.kind, entry.kind),
                "category": categories.get(entry.category, entry.category),
                "method": methods.get(entry.method, entry.method),
                "purchaser": entry.purchaser.name,
            }
        )
    return rows


def _invalid(request: HttpRequest, form: SearchForm) -> HttpResponse:
    """The page again with the form's translated errors (filters unfolded), status 400."""
    context = {"form": form, "rows": [], "invalid": True, "kinds": Notice.Kind.choices, "filters_open": True}
    return render(request, "disclosure/search/search.html", context, status=400)


@rate_limited("search")
@require_safe
def search(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return _invalid(request, form)
    criteria = form.criteria()
    size = form.page_size()
    cap = settings.SEARCH_COUNT_CAP
    count = selectors.capped_count(criteria, cap)
    entries, next_position = selectors.page(
        criteria,
        position=form.position if form.is_bound else None,
        size=size,
        english=in_english(),
        many=count > cap,
    )
    next_url = None
    if next_position is not None:
        extra = {"cursor": cursors.dump(next_position, criteria.order)}
        if size != settings.SEARCH_PAGE_SIZE:
            extra["size"] = size
        next_url = "?" + _query_string(form, **extra)
    query_string = _query_string(form)
    filters_set = sum(1 for name in FILTER_KEYS if form.is_bound and form.cleaned_data.get(name))
    context = {
        "form": form,
        "filters_set": filters_set,
        "filters_open": filters_set > 0,
        "notes": form.notes,
        "rows": result_rows(entries, criteria.tokens),
        "count": count,
        "count_text": _count_text(count),
        # Relevance is ranked among the newest matches, so many of them (selectors.ranked_entries).
        "ranked_among_newest": criteria.ranked and count > settings.SEARCH_RANK_CANDIDATES,
        "candidates": settings.SEARCH_RANK_CANDIDATES,
        "next_url": next_url,
        "first_page_url": ("?" + query_string) if form.is_bound and form.position else None,
        "query_string": query_string,
        "feed_url": reverse("disclosure:search_feed") + ("?" + query_string if query_string else ""),
        "kinds": Notice.Kind.choices,
    }
    return render(request, "disclosure/search/search.html", context)


@rate_limited("feeds")
@require_safe
def search_feed(request: HttpRequest) -> HttpResponse:
    """The Atom feed of a saved search: the newest matching notices."""
    form = SearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return feeds.invalid(request, form)
    criteria = form.criteria()
    criteria.order = selectors.NEWEST
    query = form.cleaned_data.get("q") if form.is_bound else ""
    if query:
        title = _("Sunlight Procurement: notices matching “%(query)s”") % {"query": query}
    else:
        title = _("Sunlight Procurement: notices")
    query_string = _query_string(form)
    page_url = reverse("disclosure:search") + ("?" + query_string if query_string else "")
    return feeds.atom(request, criteria, title=title, page_url=page_url)


@rate_limited("feeds")
@require_safe
def kind_feed(request: HttpRequest, kind: str) -> HttpResponse:
    """The Atom feed of one kind of notice (tender notices, results, contracts…)."""
    labels = dict(Notice.Kind.choices)
    if kind not in labels:
        raise Http404(_("There is no such kind of notice."))
    criteria = selectors.Criteria(kind=kind)
    title = _("Sunlight Procurement: %(kind)s") % {"kind": labels[kind]}
    page_url = reverse("disclosure:search") + "?" + urlencode({"kind": kind})
    return feeds.atom(request, criteria, title=title, page_url=page_url)


def _export(request: HttpRequest, writer) -> HttpResponse:
    form = SearchForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        return _invalid(request, form)
    return writer(request, form.criteria(), settings.SEARCH_EXPORT_MAX_ROWS)


@rate_limited("exports")
@require_safe
def export_csv(request: HttpRequest) -> HttpResponse:
    return _export(request, exports.csv_response)


@rate_limited("exports")
@require_safe
def export_xlsx(request: HttpRequest) -> HttpResponse:
    return _export(request, exports.xlsx_response)
