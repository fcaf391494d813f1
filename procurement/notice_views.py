"""The public notice pages (no login): the list with filters and keyset pagination, one notice
with its history of corrections, and the frozen PDF of the tender documents a notice carries."""

import hashlib
from urllib.parse import urlencode

from django.core.cache import cache
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language
from django.views.decorators.http import require_GET

from accounts.models import Role
from accounts.policies import acting_membership

from . import selectors
from .exceptions import DocumentNotFound
from .forms import NoticeFilterForm
from .models import Category, Lot, Method, Notice, TenderDocument

PAGE_SIZE = 50
# A cached page of the list lives at most this long (and never past the next scheduled notice nor
# past a new one: see _list_content); the bound also covers notices written outside the services.
LIST_CACHE_SECONDS = 60


@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    """The list's content (filters, rows, page links) is the same for every visitor of a language,
    so it is rendered once and cached; the page around it (CSRF token, CSP nonce) is not."""
    form = NoticeFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        content = render_to_string(_CONTENT, {"form": form, "notices": []})
        context = {"content": content, "notices": [], "next_url": None}
        return render(request, "procurement/notice_list.html", context, status=400)
    data = form.cleaned_data if request.GET else {}
    content, notices, next_url = _list_content(form, data)
    context = {"content": content, "notices": notices, "next_url": next_url}
    return render(request, "procurement/notice_list.html", context)


_CONTENT = "procurement/_notice_list_content.html"
_FILTERS = ("kind", "category", "region", "method")


def _list_content(form: NoticeFilterForm, data: dict) -> tuple[str, list[Notice] | None, str | None]:
    """The rendered content of one page and its next page's link, from the cache when it is still
    valid (notices are None then), else from the database.

    An entry is valid while the notices version (bumped on commit of every published notice) is the
    one it was rendered under, and until the earliest scheduled notice comes out, at most
    LIST_CACHE_SECONDS. The version is read before the rows, so rows read before a notice commits
    carry the old version."""
    after = data.get("after")
    filters = [data.get(name, "") for name in _FILTERS]
    cursor = f"{after[0].isoformat()}|{after[1]}" if after else ""
    key = (
        "procurement:notice_list:"
        + hashlib.blake2b(
            repr((get_language(), timezone.get_current_timezone_name(), filters, cursor)).encode(),
            digest_size=16,
        ).hexdigest()
    )
    version = selectors.notices_version()
    now = timezone.now().timestamp()
    entry = cache.get(key)
    if entry is not None and entry[0] == version and now < entry[1]:
        return mark_safe(entry[2]), None, entry[3]  # noqa: S308 - our own rendering
    qs = selectors.notice_list_rows(**dict(zip(_FILTERS, filters, strict=True)))
    notices, next_cursor = selectors.notices_page(qs, after=after, size=PAGE_SIZE)
    next_url = None
    if next_cursor is not None:
        params = {name: value for name, value in zip(_FILTERS, filters, strict=True) if value}
        params["after"] = f"{next_cursor[0].isoformat()}|{next_cursor[1]}"
        next_url = f"?{urlencode(params)}"
    kinds, categories, methods = (
        {value: str(label) for value, label in choices}
        for choices in (Notice.Kind.choices, Category.choices, Method.choices)
    )
    rows = [
        {
            "notice": notice,
            "kind": kinds.get(notice.kind, notice.kind),
            "category": categories.get(notice.category, notice.category),
            "method": methods.get(notice.method, notice.method),
        }
        for notice in notices
    ]
    context = {"form": form, "rows": rows, "next_url": next_url, "first_page": not after}
    content = render_to_string(_CONTENT, context)
    if notices:  # an empty page is cheap, and it could not tell when a scheduled notice comes out
        expires = now + LIST_CACHE_SECONDS
        if notices[0].next_due is not None:
            expires = min(expires, notices[0].next_due.timestamp())
        cache.set(key, (version, expires, content, next_url), timeout=LIST_CACHE_SECONDS)
    return content, notices, next_url


@require_GET
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = selectors.public_notice(notice_id)
    document = notice.document
    if document is not None and document.status == TenderDocument.Status.DRAFT:
        document = None  # never linked before it is frozen (a notice is created with its frozen version)
    context = {"notice": notice, "document": document, "history": list(selectors.notice_history(notice))}
    membership = acting_membership(request.user)
    if document is not None and membership is not None and membership.role == Role.SUPPLIER_REPRESENTATIVE:
        # A supplier goes from the tender notice to its bid for each lot still open.
        context["lots_open_for_bids"] = list(
            notice.project.lots.filter(status=Lot.Status.OPEN_FOR_BIDS).order_by("number")
        )
    return render(request, "procurement/notice_detail.html", context)


@require_GET
def notice_document(request: HttpRequest, notice_id: int) -> FileResponse:
    """The frozen PDF of the tender documents a published notice carries (no login); its SHA-256
    is on the notice's page. 404 for a notice without documents, a draft or a scheduled notice."""
    notice = selectors.access_public_notice(notice_id)
    if notice.document_id is None:
        raise DocumentNotFound()
    document = selectors.public_document(notice.document_id)
    if not document.pdf:
        raise DocumentNotFound()
    response = FileResponse(
        document.pdf.open("rb"),
        as_attachment=True,
        filename=f"{document.project.reference}-v{document.version}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_GET
def notice_attachment(request: HttpRequest, notice_id: int) -> FileResponse:
    """The PDF a published notice carries (the opening record), no login; its SHA-256 is on the
    notice's page."""
    notice = selectors.access_public_notice(notice_id)
    if not notice.attachment:
        raise DocumentNotFound()
    response = FileResponse(
        notice.attachment.open("rb"),
        as_attachment=True,
        filename=f"{notice.project.reference}-{notice.kind}-{notice.pk}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
