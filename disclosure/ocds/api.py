"""The OCDS API (no login, rate-limited per client address): release packages with keyset
pagination, one release, the record of a contracting process, and the daily bulk files.

Responses are OCDS packages written around the releases' stored text (disclosure.ocds.packages);
bad input is a translated 400 (a forged or stale cursor, a page size over the cap, a malformed
date), an unknown id a 404, too many requests a 429 — all as JSON {"code", "detail"}.
"""

import datetime

from django.conf import settings
from django.core import signing
from django.http import FileResponse, HttpResponse, StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.http import urlencode
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.views import APIView

from common.api import ErrorSerializer
from disclosure.ratelimit import PublicThrottle

from . import bulk, packages, selectors
from .exceptions import (
    BulkFileNotFound,
    InvalidCursor,
    InvalidFilter,
    InvalidPageSize,
    RecordNotFound,
    ReleaseNotFound,
)

CURSOR_SALT = "disclosure.ocds.releases.cursor"
JSON = "application/json; charset=utf-8"
ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description=_("Bad input: a filter, the page size or the cursor.")),
    404: OpenApiResponse(ErrorSerializer, description=_("Not found.")),
    429: OpenApiResponse(ErrorSerializer, description=_("Too many requests from this address.")),
}


class PublicOCDSView(APIView):
    """No login, no session: anyone may read open data, within the public rate limit."""

    authentication_classes: list = []
    permission_classes = [AllowAny]
    throttle_classes = [PublicThrottle]


def _json(text: str, status: int = 200) -> HttpResponse:
    return HttpResponse(text, content_type=JSON, status=status)


def _policy(request: Request) -> str:
    return request.build_absolute_uri(reverse("ocds:index"))


def release_url(request: Request, release_id: str) -> str:
    return request.build_absolute_uri(reverse("ocds:release", args=[release_id])) + f"#{release_id}"


# --- Query parameters ------------------------------------------------------------------------------

DATE_HELP = _(
    "A date (2026-11-22, a whole day in Beijing time) or a date and time with its offset "
    "(2026-11-22T08:00:00Z)."
)


def _moment(value: str | None, *, name: str, until: bool) -> datetime.datetime | None:
    """since: from this moment (a date: from its first second); until: before this moment (a date:
    up to its last second, the day included)."""
    if value in (None, ""):
        return None
    moment = day = None
    try:
        if len(value) == len("2026-11-22"):
            day = parse_date(value)
        else:
            moment = parse_datetime(value)
    except ValueError:
        pass
    if moment is not None:
        return moment if timezone.is_aware(moment) else timezone.make_aware(moment)
    if day is not None:
        if until:
            day += datetime.timedelta(days=1)
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time()))
    raise InvalidFilter(format_lazy(_("{name}: {help}"), name=name, help=DATE_HELP))


def _page_size(value: str | None) -> int:
    cap = settings.OCDS_MAX_PAGE_SIZE
    if value in (None, ""):
        return settings.OCDS_PAGE_SIZE
    try:
        size = int(value)
    except (TypeError, ValueError):
        size = 0
    if not 1 <= size <= cap:
        raise InvalidPageSize(format_lazy(_("page_size must be a whole number from 1 to {cap}."), cap=cap))
    return size


def _buyer(value: str | None) -> str:
    value = (value or "").strip().upper()
    if not value:
        return ""
    if not value.startswith("CN-USCC-"):
        value = f"CN-USCC-{value}"
    if len(value) != len("CN-USCC-") + 18 or not value[8:].isalnum():
        raise InvalidFilter(
            _("buyer: the buyer's unified social credit code (18 characters), or its party id CN-USCC-…")
        )
    return value


def encode_cursor(position: tuple[datetime.datetime, int]) -> str:
    date, pk = position
    return signing.dumps([date.isoformat(), pk], salt=CURSOR_SALT, compress=True)


def decode_cursor(value: str | None) -> tuple[datetime.datetime, int] | None:
    if value in (None, ""):
        return None
    try:
        date, pk = signing.loads(value, salt=CURSOR_SALT)
        moment = datetime.datetime.fromisoformat(date)
        if not isinstance(pk, int) or timezone.is_naive(moment):
            raise ValueError
    except (signing.BadSignature, ValueError, TypeError):
        raise InvalidCursor() from None
    return moment, pk


# --- Views ------------------------------------------------------------------------------------------


class ReleaseList(PublicOCDSView):
    @extend_schema(
        operation_id="ocds_releases",
        summary=_("Release package: OCDS releases, oldest first"),
        description=_(
            "Every public event of every lot as an OCDS 1.1 release, oldest first by date, in pages: "
            "follow links.next (an opaque cursor) until it is absent."
        ),
        parameters=[
            OpenApiParameter("since", str, description=DATE_HELP),
            OpenApiParameter("until", str, description=DATE_HELP),
            OpenApiParameter("buyer", str, description=_("The buyer's unified social credit code.")),
            OpenApiParameter("page_size", int, description=_("Releases per page (at most the cap).")),
            OpenApiParameter("cursor", str, description=_("The cursor of links.next.")),
        ],
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description=_("An OCDS release package.")),
            **ERRORS,
        },
        auth=[],
        tags=["ocds"],
    )
    def get(self, request: Request) -> HttpResponse:
        params = request.query_params
        since = _moment(params.get("since"), name="since", until=False)
        until = _moment(params.get("until"), name="until", until=True)
        buyer = _buyer(params.get("buyer"))
        size = _page_size(params.get("page_size"))
        after = decode_cursor(params.get("cursor"))
        rows, next_position = selectors.releases_page(
            since=since, until=until, buyer=buyer, after=after, size=size
        )
        links = None
        if next_position is not None:
            query = {k: v for k, v in params.items() if k != "cursor" and v}
            query["cursor"] = encode_cursor(next_position)
            links = {"next": request.build_absolute_uri(reverse("ocds:releases")) + "?" + urlencode(query)}
        meta = packages.metadata(
            uri=request.build_absolute_uri(),
            published=max((row[2] for row in rows), default=None),
            policy=_policy(request),
        )
        return _json(packages.release_package_text(meta, [row[3] for row in rows], links=links))


class ReleaseDetail(PublicOCDSView):
    @extend_schema(
        operation_id="ocds_release",
        summary=_("One release, in a release package"),
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description=_("An OCDS release package.")),
            **ERRORS,
        },
        auth=[],
        tags=["ocds"],
    )
    def get(self, request: Request, release_id: str) -> HttpResponse:
        found = selectors.release_text(release_id)
        if found is None:
            raise ReleaseNotFound()
        text, written = found
        meta = packages.metadata(uri=request.build_absolute_uri(), published=written, policy=_policy(request))
        return _json(packages.release_package_text(meta, [text]))


class RecordDetail(PublicOCDSView):
    @extend_schema(
        operation_id="ocds_record",
        summary=_("The record of one contracting process (one lot), in a record package"),
        description=_("Its releases (linked) and the compiled release: the latest value of every field."),
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description=_("An OCDS record package.")),
            **ERRORS,
        },
        auth=[],
        tags=["ocds"],
    )
    def get(self, request: Request, ocid: str) -> HttpResponse:
        rows = selectors.record_rows(ocid)
        if not rows:
            raise RecordNotFound()
        record = packages.record(ocid, [row[:4] for row in rows], lambda rid: release_url(request, rid))
        meta = packages.metadata(
            uri=request.build_absolute_uri(),
            published=max(row[4] for row in rows),
            policy=_policy(request),
        )
        return _json(packages.dumps(packages.record_package(meta, [record])))


class BulkList(PublicOCDSView):
    @extend_schema(
        operation_id="ocds_bulk_files",
        summary=_("The daily bulk files"),
        description=_(
            "For each day (Beijing time) with releases: a gzipped JSON lines file (one release a line) "
            "and a release package."
        ),
        responses={
            200: OpenApiResponse(OpenApiTypes.OBJECT, description=_("The days and their files.")),
            429: ERRORS[429],
        },
        auth=[],
        tags=["ocds"],
    )
    def get(self, request: Request) -> HttpResponse:
        files = []
        for entry in bulk.listing():
            day = entry["date"]
            files.append(
                entry
                | {
                    "jsonl_gz": request.build_absolute_uri(
                        reverse("ocds:bulk_file", args=[f"{day}.jsonl.gz"])
                    ),
                    "json": request.build_absolute_uri(reverse("ocds:bulk_file", args=[f"{day}.json"])),
                }
            )
        return _json(packages.dumps({"files": files, "license": settings.OCDS_LICENSE}))


class BulkFile(PublicOCDSView):
    @extend_schema(
        operation_id="ocds_bulk_file",
        summary=_("One daily bulk file: <date>.jsonl.gz or <date>.json"),
        responses={
            (200, "application/gzip"): OpenApiResponse(
                OpenApiTypes.BINARY, description=_("JSON lines, gzipped.")
            ),
            (200, "application/json"): OpenApiResponse(
                OpenApiTypes.OBJECT, description=_("A release package.")
            ),
            404: ERRORS[404],
            429: ERRORS[429],
        },
        auth=[],
        tags=["ocds"],
    )
    def get(self, request: Request, name: str) -> HttpResponse:
        day_text, _dot, kind = name.partition(".")
        try:
            day = parse_date(day_text) if len(day_text) == 10 else None
        except ValueError:
            day = None
        entry = bulk.entry_of(day) if day and kind in ("jsonl.gz", "json") else None
        handle = bulk.open_lines(entry) if entry else None
        if handle is None:
            raise BulkFileNotFound()
        if kind == "jsonl.gz":
            return FileResponse(handle, content_type="application/gzip", as_attachment=True, filename=name)
        published = parse_datetime(entry.get("last_written") or "") or parse_datetime(entry["written_at"])
        meta = packages.metadata(
            uri=request.build_absolute_uri(), published=published, policy=_policy(request)
        )
        response = StreamingHttpResponse(
            _closing(bulk.package_stream(handle, meta), handle), content_type=JSON
        )
        response["Content-Disposition"] = f'inline; filename="{name}"'
        return response


def _closing(chunks, handle):
    try:
        yield from chunks
    finally:
        handle.close()
