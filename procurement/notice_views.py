"""The public notice pages (no login): the list with filters and keyset pagination, one notice."""

from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from . import selectors
from .forms import NoticeFilterForm

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
    notice = selectors.access_public_notice(notice_id)
    context = {"notice": notice, "history": list(selectors.notice_history(notice))}
    return render(request, "procurement/notice_detail.html", context)
