"""The dashboards (可视化监管): the public's, with what is public, and the regulator's, with its
jurisdiction broken down by purchaser and agency and the lists behind each figure."""

import hashlib

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from procurement.selectors import notices_version

from . import metrics, panels, policies
from .exceptions import NotRegulator
from .forms import DashboardFilterForm

# The public figures are read again at the latest after this long; a notice published sooner
# (the notices version moves on its commit) makes them stale at once.
CACHE_SECONDS = 120


def _filter_data(request: HttpRequest):
    """The query string, this year when it names no period (so that the form shows it)."""
    data = request.GET.copy()
    if not any(data.get(name) for name in ("year", "start", "end")):
        data["year"] = str(timezone.localdate().year)
    return data


def _context(form: DashboardFilterForm, data: metrics.Dashboard, *, public: bool) -> dict:
    first, last = form.period()
    region = form.cleaned_data.get("region") or form.jurisdiction
    return {
        "form": form,
        "scope_label": panels.scope_label(panels.period_label(first, last), region),
        "key_figures": panels.key_figures(data),
        "figures": panels.figures(data, first, last, public=public),
    }


def public_figures(scope: metrics.Scope) -> metrics.Dashboard:
    """The public dashboard's figures, from the cache while no notice came out since and for at
    most CACHE_SECONDS (payments are no notices)."""
    key = (
        "disclosure:dashboards:"
        + hashlib.blake2b(
            repr(
                (scope.start and scope.start.isoformat(), scope.end and scope.end.isoformat(), scope.region)
            ).encode(),
            digest_size=16,
        ).hexdigest()
    )
    version = notices_version()
    entry = cache.get(key)
    if entry is not None and entry[0] == version:
        return entry[1]
    data = metrics.dashboard(scope)
    cache.set(key, (version, data), timeout=CACHE_SECONDS)
    return data


@require_GET
def public_dashboard(request: HttpRequest) -> HttpResponse:
    form = DashboardFilterForm(_filter_data(request))
    context = {"can_view_regulator": policies.can_view_regulator_dashboard(request.user)}
    if not form.is_valid():
        return render(request, "disclosure/dashboards/public.html", {**context, "form": form}, status=400)
    data = public_figures(form.scope(public=True))
    context.update(_context(form, data, public=True))
    return render(request, "disclosure/dashboards/public.html", context)


@login_required
@require_GET
def regulator_dashboard(request: HttpRequest) -> HttpResponse:
    jurisdiction = policies.regulator_jurisdiction(request.user)
    if jurisdiction is None:
        raise NotRegulator()
    form = DashboardFilterForm(_filter_data(request), jurisdiction=jurisdiction)
    if not form.is_valid():
        return render(request, "disclosure/dashboards/regulator.html", {"form": form}, status=400)
    scope = form.scope(public=False)
    data = metrics.dashboard(scope)
    context = _context(form, data, public=False)
    context.update(
        {
            "purchasers": panels.party_figure(
                "by-purchaser",
                _("Awards and competition by purchaser"),
                metrics.by_purchaser(scope),
                party_head=_("Purchaser"),
            ),
            "agencies": panels.party_figure(
                "by-agency",
                _("Awards and competition by agency"),
                metrics.by_agency(scope),
                party_head=_("Agency"),
            ),
            "awards": panels.award_list(metrics.award_rows(scope)),
            "openings": panels.opening_list(metrics.opening_rows(scope)),
            "payments": panels.payment_list(metrics.payment_rows(scope)),
            "late": panels.late_list(metrics.late_disclosure_rows(scope)),
            "list_limit": metrics.LIST_LIMIT,
            "counts": {
                "awards": data.spend.count,
                "openings": data.competition.lots,
                "payments": data.to_payment.count,
            },
        }
    )
    return render(request, "disclosure/dashboards/regulator.html", context)
