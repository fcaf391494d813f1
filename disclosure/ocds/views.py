"""The "Open data" page (no login): what the OCDS API and the bulk files publish, how to page
through them, the ocid scheme and the licence. No database query: the bulk files are listed from
their manifest in the storage."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_safe

from procurement.models import Notice

from . import bulk, releases, schema

# Which notice publishes which release (the page's table), in the order of a procurement.
EVENTS = [
    (Notice.Kind.INTENTION.label, "planning"),
    (Notice.Kind.TENDER.label, "tender"),
    (Notice.Kind.SINGLE_SOURCE.label, "tender"),
    (Notice.Kind.CORRECTION.label, "tenderAmendment"),
    (Notice.Kind.OPENING_RECORD.label, "tenderUpdate"),
    (Notice.Kind.FAILED.label, "tenderCancellation"),
    (Notice.Kind.TERMINATION.label, "tenderCancellation"),
    (Notice.Kind.RESULT.label, "award"),
    (Notice.Kind.COMPLAINT_DECISION.label, "awardUpdate / tenderUpdate"),
    (Notice.Kind.CONTRACT.label, "contract"),
    (Notice.Kind.SUPPLEMENT.label, "contractAmendment"),
    (Notice.Kind.ACCEPTANCE.label, "implementation"),
    (_("Payment recorded"), "implementation"),
    (Notice.Kind.BREACH.label, "contractTermination / contractUpdate / implementationUpdate"),
]
RECENT_FILES = 14


@require_safe
def index(request: HttpRequest) -> HttpResponse:
    prefix = settings.OCDS_PREFIX
    context = {
        "prefix": prefix,
        "example_ocid": releases.ocid(prefix, "330400-2026-000001", 1),
        "publisher": settings.OCDS_PUBLISHER_NAME,
        "license": settings.OCDS_LICENSE,
        "page_size": settings.OCDS_PAGE_SIZE,
        "max_page_size": settings.OCDS_MAX_PAGE_SIZE,
        "rate": settings.PUBLIC_RATE_LIMIT,
        "extensions": schema.extension_urls(),
        "events": EVENTS,
        "files": bulk.listing()[:RECENT_FILES],
    }
    return render(request, "disclosure/ocds/index.html", context)
