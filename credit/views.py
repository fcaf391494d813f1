"""Credit pages: the public lists and summaries, a party's own record and appeals, and the
regulator's supervision (penalties, appeals, imports). Rules live in services and policies."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from common.exceptions import DomainError

from . import policies, selectors, services
from .eligibility import Action, check_eligibility
from .exceptions import NotRegulator
from .forms import AppealForm, DecisionForm, ImportForm, PenaltyForm, SearchForm
from .models import CreditRecord, PartyKind

PAGE_SIZE = 50


def _page(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _query(request: HttpRequest) -> tuple[SearchForm, str]:
    form = SearchForm(request.GET or None)
    return form, form.cleaned_data["q"] if form.is_valid() else ""


def _require_regulator(request: HttpRequest) -> None:
    if not policies.is_regulator(request.user):
        raise NotRegulator()


# --- Public -------------------------------------------------------------------------------------


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """Every party's credit at a glance, searchable by name or code."""
    form, query = _query(request)
    page = _page(request, selectors.public_records(query))
    context = {"form": form, "page": page, "query": query, "distribution": selectors.stars_distribution()}
    return render(request, "credit/index.html", context)


@require_GET
def blacklist(request: HttpRequest) -> HttpResponse:
    form, query = _query(request)
    page = _page(request, selectors.public_blacklist(query))
    return render(request, "credit/blacklist.html", {"form": form, "page": page, "query": query})


@require_GET
def red_list(request: HttpRequest) -> HttpResponse:
    form, query = _query(request)
    page = _page(request, selectors.red_list(query))
    return render(request, "credit/red_list.html", {"form": form, "page": page, "query": query})


@require_GET
def rules(request: HttpRequest) -> HttpResponse:
    return render(request, "credit/rules.html", {"rules": list(selectors.rule_catalogue())})


@require_GET
def party(request: HttpRequest, record_id: int) -> HttpResponse:
    """A party's public credit summary: stars, grade, list membership, published penalty decisions."""
    record = selectors.access_public_record(record_id)
    bans = list(selectors.active_bans().filter(record=record).select_related("event__rule"))
    context = {
        "record": record,
        "bans": bans,
        "on_blacklist": bool(bans),
        "penalties": list(selectors.published_penalties(record)),
        "is_own": request.user.is_authenticated and policies.is_own_record(request.user, record),
        "can_supervise": request.user.is_authenticated
        and policies.can_supervise_record(request.user, record),
    }
    return render(request, "credit/party.html", context)


@require_GET
def event_document(request: HttpRequest, event_id: int) -> FileResponse:
    event = selectors.access_event_document(request.user, event_id)
    return FileResponse(
        event.document.open("rb"), as_attachment=True, filename=event.document.name.rsplit("/", 1)[-1]
    )


# --- The party's own record ---------------------------------------------------------------------


@login_required
@require_GET
def mine(request: HttpRequest) -> HttpResponse:
    """The party's own record: every event with its evidence, and the score as their sum."""
    record = selectors.own_record(request.user)
    if record is None:
        return render(request, "credit/mine_none.html")
    events = list(selectors.events_of(record))
    bans = list(selectors.bans_of(record))
    context = {
        "record": record,
        "explanation": selectors.explain_score(record, events, user=request.user),
        "bans": bans,
        "on_blacklist": bool(selectors.bans_in_force(bans)),
        "eligibility": _eligibility_of(record),
    }
    return render(request, "credit/mine.html", context)


def _eligibility_of(record: CreditRecord):
    """What the eligibility function answers the party, for the actions of its kind."""
    if record.kind == PartyKind.SUPPLIER:
        return check_eligibility(record.organisation, Action.SUBMIT_BID)
    if record.kind == PartyKind.EXPERT:
        return check_eligibility(record.person, Action.BE_DRAWN)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def appeal(request: HttpRequest, event_id: int) -> HttpResponse:
    event = selectors.access_own_event(request.user, event_id)
    form = AppealForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.appeal_event(
                    event.pk,
                    actor=request.user,
                    reasons=form.cleaned_data["reasons"],
                    documents=form.cleaned_data["documents"],
                )
            except DomainError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("Your appeal is filed. The regulator will decide it."))
                return redirect("credit:mine")
        status = 400
    context = {
        "event": event,
        "form": form,
        "deadline": selectors.appeal_deadline_of(event),
        "can_appeal": policies.can_appeal_event(request.user, event, event.record, on=selectors.today()),
    }
    return render(request, "credit/appeal.html", context, status=status)


@login_required
@require_GET
def appeal_document(request: HttpRequest, document_id: int) -> FileResponse:
    document = selectors.access_appeal_document(request.user, document_id)
    return FileResponse(document.file.open("rb"), as_attachment=True, filename=document.name)


# --- Supervision (regulators) -------------------------------------------------------------------


@login_required
@require_GET
def supervision(request: HttpRequest) -> HttpResponse:
    _require_regulator(request)
    form, query = _query(request)
    page = _page(request, selectors.supervised_records(request.user, query))
    pending = selectors.supervised_appeals(request.user).filter(status="pending").count()
    return render(
        request, "credit/supervision.html", {"form": form, "page": page, "pending_appeals": pending}
    )


@login_required
@require_GET
def supervised_record(request: HttpRequest, record_id: int) -> HttpResponse:
    _require_regulator(request)
    record = selectors.access_supervised_record(request.user, record_id)
    events = list(selectors.events_of(record))
    bans = list(selectors.bans_of(record))
    context = {
        "record": record,
        "explanation": selectors.explain_score(record, events),
        "bans": bans,
        "on_blacklist": bool(selectors.bans_in_force(bans)),
    }
    return render(request, "credit/supervised_record.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def record_penalty(request: HttpRequest, record_id: int) -> HttpResponse:
    _require_regulator(request)
    record: CreditRecord = selectors.access_supervised_record(request.user, record_id)
    form = PenaltyForm(request.POST or None, request.FILES or None, record=record)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.record_penalty(
                    record.pk,
                    actor=request.user,
                    rule_code=data["rule"].code,
                    occurred_on=data["occurred_on"],
                    description=data["description"],
                    document=data["document"],
                    ban_years=data["ban_years"],
                )
            except DomainError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("The penalty decision is recorded and published."))
                return redirect("credit:supervised_record", record_id=record.pk)
        status = 400
    return render(request, "credit/penalty.html", {"record": record, "form": form}, status=status)


@login_required
@require_GET
def appeals(request: HttpRequest) -> HttpResponse:
    _require_regulator(request)
    page = _page(request, selectors.supervised_appeals(request.user))
    return render(request, "credit/appeals.html", {"page": page})


@login_required
@require_http_methods(["GET", "POST"])
def appeal_decision(request: HttpRequest, appeal_id: int) -> HttpResponse:
    _require_regulator(request)
    appeal = selectors.access_supervised_appeal(request.user, appeal_id)
    form = DecisionForm(request.POST or None) if appeal.status == appeal.Status.PENDING else None
    status = 200
    if request.method == "POST":
        if form is None:
            form = DecisionForm(request.POST)
            form.add_error(None, _("This appeal has already been decided."))
        elif form.is_valid():
            try:
                services.decide_appeal(
                    appeal.pk,
                    actor=request.user,
                    reverse=form.cleaned_data["decision"] == "reverse",
                    reasons=form.cleaned_data["reasons"],
                )
            except DomainError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(request, _("The appeal is decided."))
                return redirect("credit:appeal_decision", appeal_id=appeal.pk)
        status = 400
    return render(request, "credit/appeal_decision.html", {"appeal": appeal, "form": form}, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def imports(request: HttpRequest) -> HttpResponse:
    _require_regulator(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                batch = services.import_feed(
                    form.cleaned_data["feed"],
                    actor=request.user,
                    source_name=form.cleaned_data["source_name"],
                )
            except DomainError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(
                    request,
                    _("Feed imported: %(recorded)s recorded, %(other)s not (see the report).")
                    % {"recorded": batch.recorded_count, "other": batch.row_count - batch.recorded_count},
                )
                return redirect("credit:import_report", import_id=batch.pk)
        status = 400
    page = _page(request, selectors.imports_for(request.user))
    return render(request, "credit/imports.html", {"form": form, "page": page}, status=status)


@login_required
@require_GET
def import_report(request: HttpRequest, import_id: int) -> HttpResponse:
    _require_regulator(request)
    batch = selectors.access_import(request.user, import_id)
    return render(
        request, "credit/import_report.html", {"batch": batch, "rows": list(selectors.import_rows(batch))}
    )
