"""Pages of contract financing: the supplier's financing tab of a contract (apply form, the
applications against it), the list of applications (a bank's officers: those to their bank; a
supplier's representatives: their own), one application (the contract summary, the signed PDF, the
supplier's credit, the bank's decide form, the supplier's withdraw button). Rules live in
contracts.financing.services and policies: a view calls one and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.exceptions import DomainError, PermissionDenied
from credit.eligibility import Action, check_eligibility

from ..exceptions import ContractNotFound
from ..models import BINDING_STATUSES, Contract
from ..performance.models import Milestone
from ..selectors import access_contract
from . import policies, selectors, services
from .forms import ApplyForFinancingForm, DecideFinancingForm
from .models import FinancingApplication


def stars_text(stars) -> str:
    stars = max(0, min(5, int(stars or 0)))
    return "★" * stars + "☆" * (5 - stars)


# --- The supplier's financing tab of a contract ----------------------------------------------------


def _supplier_contract(request: HttpRequest, contract_id) -> Contract:
    """The contract, for its supplier's representatives only: anyone else gets the 404 of a
    missing contract (the purchaser does not learn of the supplier's financing)."""
    contract = access_contract(request.user, contract_id)
    if not policies.can_apply_for_financing(request.user, contract):
        raise ContractNotFound()
    return contract


def _financing_page(request: HttpRequest, contract: Contract, *, form=None, status=200) -> HttpResponse:
    banks = list(selectors.banks())
    eligibility = check_eligibility(contract.supplier, Action.APPLY_FOR_FINANCING)
    value = selectors.contract_value(contract)
    paid = selectors.paid_amount(contract)
    context = {
        "contract": contract,
        "banks": banks,
        "contract_value": value,
        "paid": paid,
        "available": max(value - paid, 0),
        "eligibility": eligibility,
        "stars": stars_text(eligibility.stars),
        "binding": contract.status in BINDING_STATUSES,
        "can_apply": contract.status in BINDING_STATUSES and eligibility.allowed and bool(banks),
        "applications": list(selectors.applications_of_contract(contract)),
        "form": form or ApplyForFinancingForm(banks=banks),
        "max_term": services.MAX_TERM_MONTHS,
    }
    return render(request, "contracts/financing/contract.html", context, status=status)


@login_required
@require_GET
def financing(request: HttpRequest, contract_id: int) -> HttpResponse:
    return _financing_page(request, _supplier_contract(request, contract_id))


@login_required
@require_POST
def financing_apply(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = _supplier_contract(request, contract_id)  # 404 before anything else
    form = ApplyForFinancingForm(request.POST, banks=list(selectors.banks()))
    if not form.is_valid():
        return _financing_page(request, contract, form=form, status=400)
    data = form.cleaned_data
    try:
        application = services.apply_for_financing(
            contract.pk,
            actor=request.user,
            bank_id=data["bank"],
            amount=data["amount"],
            term_months=data["term_months"],
            purpose=data["purpose"],
        )
    except DomainError as error:
        form.add_error(None, str(error.message))
        return _financing_page(request, contract, form=form, status=error.status)
    messages.success(request, _("Your application is sent to the bank; its officers are told."))
    return redirect("contracts:financing_application", application_id=application.pk)


# --- Lists ----------------------------------------------------------------------------------------


@login_required
@require_GET
def financing_list(request: HttpRequest) -> HttpResponse:
    if not policies.can_list_financing(request.user):
        raise PermissionDenied()
    status = request.GET.get("status", "")
    status = status if status in selectors.STATUSES else ""
    context = {
        "applications": list(selectors.applications_for(request.user, status=status)),
        "status": status,
        "statuses": FinancingApplication.Status.choices,
        "as_bank": policies.bank_of(request.user) is not None,
    }
    return render(request, "contracts/financing/list.html", context)


# --- One application ------------------------------------------------------------------------------


def _application_page(
    request: HttpRequest, application: FinancingApplication, *, form=None, error: str = "", status=200
) -> HttpResponse:
    contract = application.contract
    current = selectors.credit_now(application.supplier)
    awaiting = application.status == FinancingApplication.Status.SUBMITTED
    milestones = selectors.milestones_with_payments(contract)
    context = {
        "application": application,
        "contract": contract,
        "milestones": milestones,
        "accepted_total": sum((m.amount for m in milestones if m.status == Milestone.Status.ACCEPTED), 0),
        "paid_total": sum((m.paid or 0 for m in milestones), 0),
        "snapshot": application.credit_summary,
        "snapshot_stars": stars_text(application.credit_summary.get("stars")),
        "current": current,
        "current_stars": stars_text(current["stars"]),
        "as_bank": policies.is_bank_officer_of(request.user, application),
        "as_supplier": policies.is_applicant(request.user, application),
        "can_decide": awaiting and policies.can_decide_financing(request.user, application),
        "can_withdraw": awaiting and policies.can_withdraw_financing(request.user, application),
        "has_pdf": bool(contract.pdf),
        "form": form or DecideFinancingForm(),
        "error": error,
    }
    return render(request, "contracts/financing/application.html", context, status=status)


@login_required
@require_GET
def financing_application(request: HttpRequest, application_id: int) -> HttpResponse:
    return _application_page(request, selectors.access_application(request.user, application_id))


@login_required
@require_POST
def financing_decide(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.access_application(request.user, application_id)  # 404 before anything else
    if not policies.can_decide_financing(request.user, application):
        raise PermissionDenied()
    form = DecideFinancingForm(request.POST)
    if not form.is_valid():
        return _application_page(request, application, form=form, status=400)
    try:
        services.decide_financing(
            application.pk,
            actor=request.user,
            approve=form.approve,
            reason=form.cleaned_data["reason"],
            approved_amount=form.cleaned_data["approved_amount"],
        )
    except DomainError as error:
        return _application_page(
            request,
            selectors.access_application(request.user, application_id),
            form=form,
            error=str(error.message),
            status=error.status,
        )
    messages.success(request, _("The decision is recorded; the supplier is told."))
    return redirect("contracts:financing_application", application_id=application.pk)


@login_required
@require_POST
def financing_withdraw(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.access_application(request.user, application_id)
    try:
        services.withdraw_financing(application.pk, actor=request.user)
    except DomainError as error:
        return _application_page(
            request,
            selectors.access_application(request.user, application_id),
            error=str(error.message),
            status=error.status,
        )
    messages.success(request, _("The application is withdrawn; the bank is told."))
    return redirect("contracts:financing_application", application_id=application.pk)


@login_required
@require_GET
def financing_contract_pdf(request: HttpRequest, application_id: int) -> FileResponse:
    """The signed contract behind an application (an audited read)."""
    contract = services.read_financing_contract(application_id, actor=request.user)
    response = FileResponse(
        contract.pdf.open("rb"),
        as_attachment=False,
        filename=f"contract-{contract.reference}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
