"""Red-flag pages: the public page of definitions (no login), and the regulator's worklist with a
page per flagged lot and per flagged party (regulators only, their region only; a lot or party
outside it answers 404 like a missing one)."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from common.exceptions import InvalidInput, PermissionDenied
from disclosure.models import RedFlag
from disclosure.ratelimit import rate_limited

from . import evidence, indicators, policies, selectors

PAGE_SIZE = 50


@require_GET
@rate_limited("redflag_about")
def about(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "disclosure/redflags/about.html",
        {"families": indicators.by_family(), "tukey": indicators.TUKEY},
    )


def _jurisdiction(request: HttpRequest) -> str:
    jurisdiction = policies.regulator_jurisdiction(request.user)
    if jurisdiction is None:
        raise PermissionDenied(_("Only a regulator may read the red-flag worklist."))
    return jurisdiction


@login_required
@require_GET
def worklist(request: HttpRequest) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    code = request.GET.get("indicator", "")
    level = request.GET.get("level", "")
    if code and code not in indicators.INDICATORS:
        raise InvalidInput(_("Unknown indicator."))
    if level and level not in RedFlag.Level.values:
        raise InvalidInput(_("Unknown level."))
    paginator = Paginator(selectors.worklist(jurisdiction, code=code, level=level), PAGE_SIZE)
    try:
        page = paginator.page(request.GET.get("page", 1))
    except (EmptyPage, PageNotAnInteger) as error:
        raise Http404(_("No such page.")) from error
    rows = [(flag, evidence.describe(flag)) for flag in page.object_list]
    return render(
        request,
        "disclosure/redflags/worklist.html",
        {
            "rows": rows,
            "page": page,
            "indicator_choices": list(indicators.INDICATORS.values()),
            "level_choices": RedFlag.Level.choices,
            "selected_code": code,
            "selected_level": level,
        },
    )


@login_required
@require_GET
def lot_flags(request: HttpRequest, lot_id: int) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    lot = selectors.lot_for_regulator(jurisdiction, lot_id)
    flags = selectors.flags_of_lot(lot) if lot is not None else []
    if not flags:
        raise Http404(_("No red flag for this lot in your region."))
    return render(
        request,
        "disclosure/redflags/lot.html",
        {"lot": lot, "project": lot.project, "rows": [(flag, evidence.describe(flag)) for flag in flags]},
    )


@login_required
@require_GET
def party_flags(request: HttpRequest, organisation_id: int) -> HttpResponse:
    jurisdiction = _jurisdiction(request)
    organisation = selectors.party_for_regulator(jurisdiction, organisation_id)
    flags = selectors.flags_of_party(organisation) if organisation is not None else []
    if not flags:
        raise Http404(_("No red flag for this party in your region."))
    return render(
        request,
        "disclosure/redflags/party.html",
        {"organisation": organisation, "rows": [(flag, evidence.describe(flag)) for flag in flags]},
    )
