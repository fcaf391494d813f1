"""Performance pages of a contract: the milestones with their deliveries and acceptances, the
acceptance page of a delivered milestone, payment applications and their decisions, breaches,
and the performance bond's state. Who may see: contracts.policies.can_view_contract (everyone else
404). Rules live in contracts.performance.services and policies: a view calls one and renders; a
refused request re-renders the page with the translated message and changes nothing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from common.exceptions import DomainError
from contracts.policies import is_purchaser_staff, is_supplier_representative
from contracts.selectors import access_contract

from . import policies, selectors, services
from .exceptions import AcceptanceNotFound, BreachNotFound
from .forms import (
    AcceptanceForm,
    BreachForm,
    DeliveryForm,
    PaymentApplicationForm,
    RecordPaymentForm,
    RejectPaymentForm,
)
from .models import Acceptance, Milestone, PaymentApplication


def _milestone_rows(user, contract, milestones, committed) -> list[dict]:
    rows = []
    for milestone in milestones:
        acceptances = list(milestone.acceptances.all())
        rows.append(
            {
                "milestone": milestone,
                "acceptances": acceptances,
                "passed": next((a for a in acceptances if a.outcome != Acceptance.Outcome.FAILED), None),
                "available": selectors.available_for(milestone, committed),
                "can_deliver": policies.can_report_delivery(user, contract, milestone),
                "can_accept": policies.can_record_acceptance(user, contract, milestone),
                "overdue": milestone.status == Milestone.Status.PENDING
                and timezone.localdate() > milestone.due_date,
            }
        )
    return rows


def _application_rows(user, contract, applications) -> list[dict]:
    today = timezone.localdate()
    return [
        {
            "application": application,
            "can_decide": policies.can_decide_payment(user, contract, application),
            "can_record": policies.can_record_payment(user, contract, application),
            "overdue": application.pay_by is not None
            and application.status
            in (PaymentApplication.Status.SUBMITTED, PaymentApplication.Status.APPROVED)
            and today > application.pay_by,
        }
        for application in applications
    ]


def _performance_page(request: HttpRequest, contract, *, bound: dict | None = None, error=None, status=200):
    """The page; `bound` replaces a form by the one just submitted (with its errors) and `error`
    is a refused request's message."""
    bound = bound or {}
    user = request.user
    milestones = list(selectors.milestones_of(contract))
    committed = selectors.committed_by_milestone(contract)
    rows = _milestone_rows(user, contract, milestones, committed)
    payable = [row["milestone"] for row in rows if row["available"] > 0]
    is_supplier = is_supplier_representative(user, contract)
    is_staff = is_purchaser_staff(user, contract)
    applications = _application_rows(user, contract, selectors.applications_of(contract))
    # What the contract is worth (its milestones include those of signed supplementary agreements),
    # what has been paid, and what remains: from the rows already read, no further query.
    total = sum((m.amount for m in milestones), selectors.ZERO)
    paid = sum(
        (
            row["application"].paid_amount
            for row in applications
            if row["application"].status == PaymentApplication.Status.PAID
        ),
        selectors.ZERO,
    )
    context = {
        "contract": contract,
        "project": contract.lot.project,
        "rows": rows,
        "applications": applications,
        "contract_total": total,
        "paid_total": paid,
        "still_to_pay": total - paid,
        "breaches": list(selectors.breaches_of(contract)),
        "unpaid_accepted": sum((row["available"] for row in rows), selectors.ZERO),
        "is_supplier": is_supplier,
        "is_staff": is_staff,
        "can_apply": policies.can_apply_for_payment(user, contract) and bool(payable),
        "can_record_breach": policies.can_record_breach(user, contract),
        "delivery_form": bound.get("delivery") or DeliveryForm(),
        "delivery_for": bound.get("delivery_for"),
        "apply_form": bound.get("apply") or PaymentApplicationForm(milestones=payable),
        "reject_form": bound.get("reject") or RejectPaymentForm(),
        "reject_for": bound.get("reject_for"),
        "record_form": bound.get("record") or RecordPaymentForm(initial={"paid_on": timezone.localdate()}),
        "record_for": bound.get("record_for"),
        "breach_form": bound.get("breach") or BreachForm(milestones=milestones),
        "error": error,
        "show_financing": is_supplier,
    }
    return render(request, "contracts/performance/page.html", context, status=status)


def _refused(request, contract_id, error: DomainError, bound: dict):
    return _performance_page(
        request,
        access_contract(request.user, contract_id),
        bound=bound,
        error=error.message,
        status=error.status,
    )


@login_required
@require_GET
def performance(request: HttpRequest, contract_id: int) -> HttpResponse:
    return _performance_page(request, access_contract(request.user, contract_id))


@login_required
@require_POST
def deliver(request: HttpRequest, milestone_id: int) -> HttpResponse:
    milestone = selectors.access_milestone(request.user, milestone_id)  # 404 before anything else
    contract_id = milestone.contract_id
    form = DeliveryForm(request.POST)
    bound = {"delivery": form, "delivery_for": milestone.pk}
    if not form.is_valid():
        return _performance_page(request, milestone.contract, bound=bound, status=400)
    try:
        services.report_delivery(milestone.pk, actor=request.user, note=form.cleaned_data["note"])
    except DomainError as error:
        return _refused(request, contract_id, error, bound)
    messages.success(
        request, _("The delivery is reported; the purchaser is told to organise its acceptance.")
    )
    return redirect("contracts:performance", contract_id=contract_id)


# --- Acceptance ----------------------------------------------------------------------------------


def _acceptance_page(request, milestone, *, form=None, error=None, status=200):
    contract = milestone.contract
    form = form or AcceptanceForm()
    context = {
        "contract": contract,
        "milestone": milestone,
        "acceptances": list(milestone.acceptances.all()),
        "can_accept": policies.can_record_acceptance(request.user, contract, milestone),
        "form": form,
        "team_rows": form.team_rows(),
        "check_groups": form.check_groups(),
        "error": error,
        "show_financing": is_supplier_representative(request.user, contract),
    }
    return render(request, "contracts/performance/acceptance.html", context, status=status)


@login_required
def acceptance(request: HttpRequest, milestone_id: int) -> HttpResponse:
    milestone = selectors.access_milestone(request.user, milestone_id)
    if request.method != "POST":
        return _acceptance_page(request, milestone)
    form = AcceptanceForm(request.POST, request.FILES)
    if not form.is_valid():
        return _acceptance_page(request, milestone, form=form, status=400)
    data = form.cleaned_data
    try:
        services.record_acceptance(
            milestone.pk,
            actor=request.user,
            outcome=data["outcome"],
            team=form.team(),
            checks=form.checks(),
            remarks=data["remarks"],
            reasons=data["reasons"],
            inspection_report=data["inspection_report"],
        )
    except DomainError as error:
        return _acceptance_page(
            request,
            selectors.access_milestone(request.user, milestone_id),
            form=form,
            error=error.message,
            status=error.status,
        )
    messages.success(request, _("The acceptance is recorded and its result published."))
    return redirect("contracts:performance", contract_id=milestone.contract_id)


@login_required
@require_GET
def acceptance_report(request: HttpRequest, acceptance_id: int) -> FileResponse:
    acceptance = selectors.access_acceptance(request.user, acceptance_id)
    if acceptance.notice is None or not acceptance.notice.attachment:
        raise AcceptanceNotFound()
    return _pdf(acceptance.notice.attachment, f"acceptance-{acceptance.pk}.pdf")


@login_required
@require_GET
def acceptance_inspection(request: HttpRequest, acceptance_id: int) -> FileResponse:
    acceptance = selectors.access_acceptance(request.user, acceptance_id)
    if not acceptance.inspection_report:
        raise AcceptanceNotFound(_("This acceptance has no inspection report."))
    return _pdf(acceptance.inspection_report, f"inspection-{acceptance.pk}.pdf")


# --- Payment -------------------------------------------------------------------------------------


@login_required
@require_POST
def payment_apply(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = access_contract(request.user, contract_id)
    milestones = [m for m in selectors.milestones_of(contract) if m.status == Milestone.Status.ACCEPTED]
    form = PaymentApplicationForm(request.POST, milestones=milestones)
    if not form.is_valid():
        return _performance_page(request, contract, bound={"apply": form}, status=400)
    data = form.cleaned_data
    try:
        services.apply_for_payment(
            contract.pk,
            actor=request.user,
            milestone_id=data["milestone"],
            amount=data["amount"],
            invoice_number=data["invoice_number"],
            note=data["note"],
        )
    except DomainError as error:
        return _refused(request, contract.pk, error, {"apply": form})
    messages.success(request, _("The payment application is submitted; the purchaser is told."))
    return redirect("contracts:performance", contract_id=contract.pk)


@login_required
@require_POST
def payment_approve(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.access_application(request.user, application_id)
    try:
        services.approve_payment(application.pk, actor=request.user)
    except DomainError as error:
        return _refused(request, application.contract_id, error, {})
    messages.success(request, _("The payment application is approved."))
    return redirect("contracts:performance", contract_id=application.contract_id)


@login_required
@require_POST
def payment_reject(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.access_application(request.user, application_id)
    form = RejectPaymentForm(request.POST)
    bound = {"reject": form, "reject_for": application.pk}
    if not form.is_valid():
        return _performance_page(request, application.contract, bound=bound, status=400)
    try:
        services.reject_payment(application.pk, actor=request.user, reason=form.cleaned_data["reason"])
    except DomainError as error:
        return _refused(request, application.contract_id, error, bound)
    messages.success(request, _("The payment application is rejected; the supplier reads the reason."))
    return redirect("contracts:performance", contract_id=application.contract_id)


@login_required
@require_POST
def payment_record(request: HttpRequest, application_id: int) -> HttpResponse:
    application = selectors.access_application(request.user, application_id)
    form = RecordPaymentForm(request.POST)
    bound = {"record": form, "record_for": application.pk}
    if not form.is_valid():
        return _performance_page(request, application.contract, bound=bound, status=400)
    data = form.cleaned_data
    try:
        services.record_payment(
            application.pk,
            actor=request.user,
            paid_amount=data["paid_amount"],
            paid_on=data["paid_on"],
            reference=data["reference"],
        )
    except DomainError as error:
        return _refused(request, application.contract_id, error, bound)
    messages.success(request, _("The payment is recorded."))
    return redirect("contracts:performance", contract_id=application.contract_id)


# --- Breaches ------------------------------------------------------------------------------------


@login_required
@require_POST
def breach_record(request: HttpRequest, contract_id: int) -> HttpResponse:
    contract = access_contract(request.user, contract_id)
    form = BreachForm(request.POST, request.FILES, milestones=list(selectors.milestones_of(contract)))
    if not form.is_valid():
        return _performance_page(request, contract, bound={"breach": form}, status=400)
    data = form.cleaned_data
    try:
        services.record_breach(
            contract.pk,
            actor=request.user,
            kind=data["kind"],
            description=data["description"],
            evidence=data["evidence"],
            milestone_id=data["milestone"],
        )
    except DomainError as error:
        return _refused(request, contract.pk, error, {"breach": form})
    messages.success(request, _("The breach is recorded and published."))
    return redirect("contracts:performance", contract_id=contract.pk)


@login_required
@require_GET
def breach_evidence(request: HttpRequest, breach_id: int) -> FileResponse:
    breach = selectors.access_breach(request.user, breach_id)
    if not breach.evidence:
        raise BreachNotFound()
    return _pdf(breach.evidence, f"breach-{breach.pk}.pdf")


def _pdf(field, filename: str) -> FileResponse:
    response = FileResponse(
        field.open("rb"), as_attachment=False, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
