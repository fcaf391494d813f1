"""The portal's pages (no login): the home page, one kind of notice, a project's public timeline,
and /audit/verify, where anyone learns how to recompute the chain and a supplier checks its bid
receipt against the chain."""

import functools
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template import TemplateDoesNotExist
from django.template.loader import get_template, render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from audit import chain
from audit.selectors import chain_head, latest_checkpoint
from disclosure.ratelimit import rate_limited

from . import caching, kinds, selectors, seo, trail
from .forms import KindFilterForm, ReceiptForm
from .snippet import VERIFY_SNIPPET


@functools.cache
def has_template(name: str) -> bool:
    """Is a template another part provides (the red flags' lot include) installed?"""
    try:
        get_template(name)
    except TemplateDoesNotExist:
        return False
    return True


def optional_url(name: str, fallback: str, *args) -> str:
    """The address of a page another part of the portal provides, or its planned path until it does."""
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def _seo(request, *, title: str, description: str, structured: dict | None = None, keep: tuple = ()) -> dict:
    return {
        "seo": seo.page_seo(request, title=title, description=description, structured=structured, keep=keep)
    }


LIST_PARAMETERS = ("category", "method", "region", "after")


def _publisher(request) -> dict:
    return {"@type": "Organization", "name": _("Sunlight Procurement"), "url": seo.absolute(request, "/")}


@require_safe
@seo.with_language_parameter
def home(request: HttpRequest) -> HttpResponse:
    """The notices by kind are the same for every reader of a language: rendered once and cached
    (disclosure.portal.caching) while no notice is published, at most a minute, never past the next
    scheduled one; the rest (the search box, the workspace link) is rendered for each request."""

    built = {}  # the overview itself, only when freshly made (tests read it): not cached

    def build():
        overview = selectors.home_overview()
        built.update(overview)
        content = render_to_string("disclosure/portal/_home_kinds.html", overview)
        return {"kinds_content": content, "total": overview["total"]}, overview["next_due"]

    cached = caching.fetch(caching.key("home", request.get_host()), build)
    search_url = optional_url("disclosure:search", "/search/")
    context = {
        **built,
        **cached.entry,
        "search_url": search_url,
        "dashboards_url": optional_url("disclosure:dashboards", "/dashboards/"),
        "open_data_url": optional_url("ocds:index", "/api/ocds/"),
        "red_flags_url": optional_url("disclosure:redflag_about", "/red-flags/"),
    }
    description = _(
        "Every public procurement notice, project timeline, contract and audit record of the platform: "
        "search, read and download them without logging in."
    )
    structured = {
        "@context": "https://schema.org",
        "@type": "WebSite",
        "name": _("Sunlight Procurement"),
        "url": seo.absolute(request, "/"),
        "description": description,
        "inLanguage": ["zh-Hans", "en"],
        "publisher": _publisher(request),
        "potentialAction": {
            "@type": "SearchAction",
            "target": {
                "@type": "EntryPoint",
                "urlTemplate": seo.absolute(request, search_url) + "?q={search_term_string}",
            },
            "query-input": "required name=search_term_string",
        },
    }
    context |= _seo(
        request, title=_("Public procurement, in the open"), description=description, structured=structured
    )
    context["language_next"] = seo.language_next(request, keep=())
    return caching.respond(request, cached, "disclosure/portal/home.html", context)


@require_safe
@seo.with_language_parameter
def notice_type(request: HttpRequest, kind: kinds.NoticeKind) -> HttpResponse:
    """One kind of notice: newest first, filtered by category, method and region, keyset pages.
    The page's content is the same for every reader of a language: cached (disclosure.portal.caching)
    while no notice is published, at most a minute; bad filters or a forged cursor answer 400."""
    feed_url = optional_url("disclosure:search_kind_feed", "", kind.value)
    asked = [(name, request.GET.get(name, "")) for name in LIST_PARAMETERS]
    built = {}  # the rows themselves, only when freshly read (tests and debugging): not cached

    def build():
        form = KindFilterForm(request.GET or None)
        context = {"kind": kind, "kinds": kinds.KINDS, "form": form, "rows": [], "first_page": True}
        seo_args = {"title": str(kind.heading), "description": str(kind.when), "keep": LIST_PARAMETERS}
        if any(value for _name, value in asked) and not form.is_valid():
            content = render_to_string("disclosure/portal/_notice_type_content.html", context)
            return {"content": content, "status": 400, **_seo(request, **seo_args)}, None
        data = form.cleaned_data if form.is_bound else {}
        page = selectors.kind_page(
            kind.value,
            category=data.get("category", ""),
            region=data.get("region", ""),
            method=data.get("method", ""),
            after=data.get("after"),
        )
        next_url = None
        if page["next"]:
            params = {name: data.get(name) for name in ("category", "method", "region") if data.get(name)}
            next_url = "?" + urlencode({**params, "after": page["next"]})
        context |= {
            "rows": page["rows"],
            "next_url": next_url,
            "first_page": not data.get("after"),
            "feed_url": feed_url,
        }
        structured = {
            "@context": "https://schema.org",
            "@type": "CollectionPage",
            "name": str(kind.heading),
            "description": str(kind.when),
            "url": seo.absolute(request, reverse("disclosure:notice_type", args=[kind])),
            "publisher": _publisher(request),
            "mainEntity": {
                "@type": "ItemList",
                "itemListElement": [
                    {
                        "@type": "ListItem",
                        "position": n,
                        "url": seo.absolute(request, reverse("notices:detail", args=[row.pk])),
                        "name": row.title,
                    }
                    for n, row in enumerate(page["rows"][:20], start=1)
                ],
            },
        }
        built.update(rows=page["rows"], next_url=next_url)
        entry = {
            "content": render_to_string("disclosure/portal/_notice_type_content.html", context),
            **_seo(request, structured=structured, **seo_args),
        }
        return entry, page["next_due"]

    cached = caching.fetch(caching.key("kind", kind.value, asked, request.get_host()), build)
    language_next = seo.language_next(request, keep=LIST_PARAMETERS)
    context = {"kind": kind, "feed_url": feed_url, "language_next": language_next, **cached.entry, **built}
    return caching.respond(request, cached, "disclosure/portal/notice_type.html", context)


def _project_structured(request, timeline: selectors.Timeline, url: str) -> dict:
    project = timeline.project
    demand = {
        "@type": "Demand",
        "name": project.title,
        "identifier": project.reference,
        "url": url,
        "description": project.description or project.title,
        "priceSpecification": {
            "@type": "PriceSpecification",
            "price": str(project.budget),
            "priceCurrency": "CNY",
        },
        "category": project.get_category_display(),
    }
    if project.bid_deadline:
        demand["availabilityEnds"] = project.bid_deadline.isoformat()
    if timeline.notices:
        demand["availabilityStarts"] = timeline.notices[0].published_at.isoformat()
    return {
        "@context": "https://schema.org",
        "@type": "ItemPage",
        "name": project.title,
        "url": url,
        "publisher": _publisher(request),
        "mainEntity": demand,
        "about": {"@type": "GovernmentOrganization", "name": project.purchaser.name},
        "dateModified": timeline.notices[-1].published_at.isoformat() if timeline.notices else None,
        "hasPart": [
            {
                "@type": "Article",
                "headline": notice.title,
                "datePublished": notice.published_at.isoformat(),
                "url": seo.absolute(request, reverse("notices:detail", args=[notice.pk])),
            }
            for notice in timeline.notices
        ],
    }


@require_safe
@seo.with_language_parameter
def project(request: HttpRequest, pk: int) -> HttpResponse:
    """A project's public timeline: its notices, documents, and per lot the opening record, the
    result with its scores, the draw, the contract, acceptances and breaches, and its audit trail.
    Cached (disclosure.portal.caching): while no notice is published anywhere, or the project's own
    notices stay as they were; at most a minute (a trail event without a notice shows within it)
    and never past the project's next scheduled notice."""
    built = {}  # what only a fresh rendering has (the timeline, for tests and debugging): not cached

    def build():
        found = selectors.public_project(pk)
        timeline = selectors.timeline(found)
        url = seo.absolute(request, reverse("disclosure:project", args=[found.pk]))
        description = _(
            "%(reference)s · %(purchaser)s · %(method)s · budget %(budget)s CNY: every notice, "
            "document, result, contract and audit record of the project."
        ) % {
            "reference": found.reference,
            "purchaser": found.purchaser.name,
            "method": found.get_method_display(),
            "budget": f"{found.budget:,.2f}",
        }
        context = {
            "timeline": timeline,
            "project": found,
            "verify_url": reverse("disclosure:audit_verify"),
            "has_flags_template": has_template("disclosure/redflags/_lot_flags.html"),
        }
        built["timeline"] = timeline
        entry = {
            "content": render_to_string("disclosure/portal/_project_content.html", context),
            **_seo(
                request,
                title=found.title,
                description=description,
                structured=_project_structured(request, timeline, url),
            ),
        }
        return entry

    def check():
        marks = selectors.notice_marks(pk)  # 404 unless public
        return marks.newest, marks.next_due

    cached = caching.fetch_checked(caching.key("project", int(pk), request.get_host()), check, build)
    context = {**cached.entry, **built, "language_next": seo.language_next(request, keep=())}
    return caching.respond(request, cached, "disclosure/portal/project.html", context)


def _sequence(value: str) -> int | None:
    try:
        number = int(value)
    except ValueError:
        return None
    return number if 0 < number < 2**63 else None


@require_safe
@seo.with_language_parameter
def project_trail(request: HttpRequest, pk: int) -> HttpResponse:
    """Every public event of a project's trail, newest first, TRAIL_PAGE_SIZE a page (keyset on the
    sequence: ?before=N)."""
    selectors.notice_marks(pk)  # 404 unless public
    found = selectors.public_project(pk)
    raw = request.GET.get("before", "")
    before = _sequence(raw) if raw else None
    status = 200
    if raw and before is None:
        events, more, status = [], False, 400
    else:
        events, more = trail.trail_events(
            trail.public_objects(found), limit=trail.TRAIL_PAGE_SIZE, before=before
        )
    older_url = f"?{urlencode({'before': events[-1].sequence})}" if more else None
    context = {
        "project": found,
        "events": events,
        "older_url": older_url,
        "first_page": before is None,
        "bad_cursor": status == 400,
        "verify_url": reverse("disclosure:audit_verify"),
        "language_next": seo.language_next(request),
    }
    context |= _seo(
        request,
        title=_("Audit trail: %(title)s") % {"title": found.title},
        description=_("Every public event of the audit trail of project %(reference)s, with its hash.")
        % {"reference": found.reference},
        keep=("before",),
    )
    return render(request, "disclosure/portal/trail.html", context, status=status)


@require_safe
def project_by_reference(request: HttpRequest, reference: str) -> HttpResponse:
    return redirect(
        "disclosure:project", pk=selectors.public_project_by_reference(reference).pk, permanent=True
    )


def _verify_context(request) -> dict:
    head = chain_head()
    description = _(
        "How anyone recomputes the audit chain's head and checks its signed checkpoints, and where a "
        "supplier checks that its bid is in the chain before the deadline."
    )
    structured = {
        "@context": "https://schema.org",
        "@type": "HowTo",
        "name": _("Verify the audit chain"),
        "description": description,
        "step": [
            {
                "@type": "HowToStep",
                "position": 1,
                "text": _("Keep the chain head and the signed checkpoints."),
            },
            {"@type": "HowToStep", "position": 2, "text": _("Recompute each event's SHA-256 and its link.")},
            {"@type": "HowToStep", "position": 3, "text": _("Check each checkpoint's Ed25519 signature.")},
        ],
    }
    context = {
        "snippet": VERIFY_SNIPPET,
        "checkpoints_json": reverse("audit:checkpoints_json"),
        "head_api": reverse("audit_api:head"),
        "head_sequence": head.sequence if head else 0,
        "head_hash": head.hash if head else chain.GENESIS_HASH,
        "checkpoint": latest_checkpoint(),
        "genesis_hash": chain.GENESIS_HASH,
        "checkpoint_purpose": chain.CHECKPOINT_PURPOSE,
    }
    return context | _seo(
        request, title=_("Verify the audit chain"), description=description, structured=structured
    )


@require_http_methods(["GET", "HEAD", "POST"])
@rate_limited("audit_verify")
@seo.with_language_parameter
def audit_verify(request: HttpRequest) -> HttpResponse:
    """GET: the explanation, the receipt form, and (?sequence=N) the check of one public event.
    POST: the check of a bid receipt. Bad input answers 400 with what is wrong; nothing is stored."""
    context = _verify_context(request)
    status = 200
    if request.method == "POST":
        form = ReceiptForm(request.POST, request.FILES)
        if form.is_valid():
            context["receipt_check"] = trail.check_receipt(form.cleaned_data["parsed"])
            if context["receipt_check"].outcome == "altered":
                status = 400
        else:
            status = 400
    else:
        form = ReceiptForm()
        sequence = request.GET.get("sequence")
        if sequence is not None:
            found = trail.public_event(sequence)
            context["asked_sequence"] = sequence[:40]
            if found is None:
                status = 404
                context["event_missing"] = True
            else:
                event, project_id = found
                context["event"] = event
                context["event_project_url"] = reverse("disclosure:project", args=[project_id])
                context["event_check"] = trail.check_event(event.sequence)
    context["form"] = form
    context["language_next"] = seo.language_next(request)
    return render(request, "disclosure/portal/verify.html", context, status=status)
