"""The public notice pages (no login): the list with filters and keyset pagination, one notice
with its history of corrections, and the frozen PDF of the tender documents a notice carries."""

from urllib.parse import urlencode

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .exceptions import DocumentNotFound
from .forms import NoticeFilterForm
from .models import TenderDocument

PAGE_SIZE = 50


@require_GET
def notice_list(request: HttpRequest) -> HttpResponse:
    form = NoticeFilterForm(request.GET or None)
    if request.GET and not form.is_valid():
        return render(request, "procurement/notice_list.html", {"form": form, "notices": []}, status=400)
    data = form.cleaned_data if request.GET else {}
    qs = selectors.public_notices(
        kind=data.get("kind", ""),
        category=data.get("category", ""),
        region=data.get("region", ""),
        method=data.get("method", ""),
    )
    notices, cursor = selectors.notices_page(qs, after=data.get("after"), size=PAGE_SIZE)
    next_url = None
    if cursor is not None:
        params = {k: v for k, v in data.items() if k != "after" and v}
        params["after"] = f"{cursor[0].isoformat()}|{cursor[1]}"
        next_url = f"?{urlencode(params)}"
    context = {"form": form, "notices": notices, "next_url": next_url, "first_page": not data.get("after")}
    return render(request, "procurement/notice_list.html", context)


@require_GET
def notice_detail(request: HttpRequest, notice_id: int) -> HttpResponse:
    notice = selectors.public_notice(notice_id)
    document = notice.document
    if document is not None and document.status == TenderDocument.Status.DRAFT:
        document = None  # never linked before it is frozen (a notice is created with its frozen version)
    context = {"notice": notice, "document": document, "history": list(selectors.notice_history(notice))}
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
