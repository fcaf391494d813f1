"""Pages of the negotiation: the panel's page (every supplier's thread, the revision of the
requirements, the call for final quotations and their opening) and the supplier's own thread
(messages, its answer with a revised document, its final quotation). Rules live in services,
policies and selectors: a view calls one and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from common.exceptions import DomainError

from ..evaluation.models import Evaluation
from . import policies, selectors, services
from .forms import CallForm, MessageForm, QuotationForm, ReplyForm, RevisionForm
from .models import FinalQuotationRound

# --- The panel's page ------------------------------------------------------------------------------


def _panel_page(request: HttpRequest, evaluation: Evaluation, *, status: int = 200, **forms) -> HttpResponse:
    data = selectors.panel_threads(evaluation)
    round_ = data["round"]
    negotiating = evaluation.status == Evaluation.Status.NEGOTIATING and round_ is None
    failed_supplier = forms.pop("failed_supplier", None)
    message_form = forms.pop("message_form", None)
    for thread in data["threads"]:
        supplier_id = thread["supplier"].pk
        thread["form"] = (
            message_form
            if failed_supplier == supplier_id and message_form is not None
            else MessageForm(initial={"supplier": supplier_id}, auto_id=f"id_s{supplier_id}_%s")
        )
        thread["open"] = thread["assessment"].qualified is True
    context = {
        "evaluation": evaluation,
        "lot": evaluation.lot,
        "project": evaluation.lot.project,
        "threads": data["threads"],
        "revisions": data["revisions"],
        "round": round_,
        "negotiating": negotiating,
        "can_act": policies.can_act_for_panel(request.user, evaluation),
        "revision_form": forms.pop("revision_form", None) or RevisionForm(),
        "call_form": forms.pop("call_form", None) or CallForm(),
        "can_open": round_ is not None
        and round_.status == FinalQuotationRound.Status.OPEN
        and round_.deadline <= timezone.now(),
        "opened": round_ is not None and round_.status == FinalQuotationRound.Status.OPENED,
    }
    return render(request, "bidding/negotiation/panel.html", context, status=status)


@login_required
@require_GET
@never_cache
def panel_page(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    return _panel_page(request, selectors.access_as_member(request.user, evaluation_id))


@login_required
@require_POST
def message_send(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = selectors.access_as_member(request.user, evaluation_id)  # 404 before anything else
    supplier_id = request.POST.get("supplier", "")
    failed = int(supplier_id) if supplier_id.isdigit() else None
    form = MessageForm(request.POST, request.FILES, auto_id=f"id_s{failed}_%s")
    if not form.is_valid():
        return _panel_page(request, evaluation, status=400, message_form=form, failed_supplier=failed)
    try:
        services.send_message(
            evaluation.pk,
            actor=request.user,
            supplier_id=form.cleaned_data["supplier"],
            text=form.cleaned_data["text"],
            attachment=form.cleaned_data["attachment"],
        )
    except DomainError as error:
        if error.status == 404:
            raise
        form.add_error(None, str(error.message))
        return _panel_page(
            request, evaluation, status=error.status, message_form=form, failed_supplier=failed
        )
    messages.success(request, _("Your message is in the supplier's thread; the supplier is told."))
    return redirect("bidding:negotiation_panel", evaluation_id=evaluation.pk)


@login_required
@require_POST
def revision_send(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = selectors.access_as_member(request.user, evaluation_id)
    form = RevisionForm(request.POST)
    if not form.is_valid():
        return _panel_page(request, evaluation, status=400, revision_form=form)
    try:
        services.revise_requirements(evaluation.pk, actor=request.user, text=form.cleaned_data["text"])
    except DomainError as error:
        form.add_error(None, str(error.message))
        return _panel_page(request, evaluation, status=error.status, revision_form=form)
    messages.success(request, _("The revision is in every supplier's thread; every supplier is told."))
    return redirect("bidding:negotiation_panel", evaluation_id=evaluation.pk)


@login_required
@require_POST
def final_round_call(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = selectors.access_as_member(request.user, evaluation_id)
    form = CallForm(request.POST)
    if not form.is_valid():
        return _panel_page(request, evaluation, status=400, call_form=form)
    try:
        services.call_final_quotations(
            evaluation.pk, actor=request.user, deadline=form.cleaned_data["deadline"]
        )
    except DomainError as error:
        form.add_error(None, str(error.message))
        return _panel_page(request, evaluation, status=error.status, call_form=form)
    messages.success(request, _("Final quotations are called; every remaining supplier is told."))
    return redirect("bidding:negotiation_panel", evaluation_id=evaluation.pk)


@login_required
@require_POST
def final_round_open(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation = selectors.access_as_member(request.user, evaluation_id)
    round_ = selectors.final_round(evaluation)
    if round_ is None:
        messages.error(request, _("No final quotations have been called."))
    else:
        try:
            services.open_final_quotations(round_.pk, actor=request.user)
        except DomainError as error:
            messages.error(request, str(error.message))
        else:
            messages.success(request, _("The final quotations are opened."))
    return redirect("bidding:negotiation_panel", evaluation_id=evaluation.pk)


# --- The supplier's thread -------------------------------------------------------------------------


def _thread_page(request: HttpRequest, evaluation, assessment, *, status: int = 200, **forms) -> HttpResponse:
    supplier = assessment.bid.supplier
    thread = selectors.supplier_thread(evaluation, supplier)
    round_, quotation = thread["round"], thread["quotation"]
    context = {
        "evaluation": evaluation,
        "lot": evaluation.lot,
        "project": evaluation.lot.project,
        "supplier": supplier,
        "assessment": assessment,
        "timeline": thread["timeline"],
        "round": round_,
        "quotation": quotation,
        "sealed_sha256": services.sealed_sha256(quotation) if quotation else "",
        "can_reply": evaluation.status == Evaluation.Status.NEGOTIATING
        and round_ is None
        and assessment.qualified is True,
        "can_quote": quotation is not None
        and round_.status == FinalQuotationRound.Status.OPEN
        and round_.deadline > timezone.now(),
        "reply_form": forms.get("reply_form") or ReplyForm(),
        "quotation_form": forms.get("quotation_form") or QuotationForm(),
    }
    return render(request, "bidding/negotiation/thread.html", context, status=status)


@login_required
@require_GET
@never_cache
def thread_page(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation, assessment = selectors.access_as_supplier(request.user, evaluation_id)
    return _thread_page(request, evaluation, assessment)


@login_required
@require_POST
def thread_reply(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation, assessment = selectors.access_as_supplier(request.user, evaluation_id)
    form = ReplyForm(request.POST, request.FILES)
    if not form.is_valid():
        return _thread_page(request, evaluation, assessment, status=400, reply_form=form)
    try:
        services.reply(
            evaluation.pk,
            actor=request.user,
            text=form.cleaned_data["text"],
            attachment=form.cleaned_data["attachment"],
        )
    except DomainError as error:
        form.add_error(None, str(error.message))
        return _thread_page(request, evaluation, assessment, status=error.status, reply_form=form)
    messages.success(request, _("Your answer is sent to the panel."))
    return redirect("bidding:negotiation_thread", evaluation_id=evaluation.pk)


@login_required
@require_POST
def thread_quote(request: HttpRequest, evaluation_id: int) -> HttpResponse:
    evaluation, assessment = selectors.access_as_supplier(request.user, evaluation_id)
    form = QuotationForm(request.POST)
    round_ = selectors.final_round(evaluation)
    if not form.is_valid() or round_ is None:
        return _thread_page(request, evaluation, assessment, status=400, quotation_form=form)
    try:
        services.submit_final_quotation(round_.pk, actor=request.user, price=form.cleaned_data["price"])
    except DomainError as error:
        form.add_error("price", str(error.message))
        return _thread_page(request, evaluation, assessment, status=error.status, quotation_form=form)
    messages.success(
        request, _("Your final quotation is sealed until the deadline; you may replace it until then.")
    )
    return redirect("bidding:negotiation_thread", evaluation_id=evaluation.pk)


# --- Documents -------------------------------------------------------------------------------------


@login_required
@require_GET
def message_document(request: HttpRequest, message_id: int) -> FileResponse:
    """A revised document, for the thread's parties only (others: 404)."""
    message = selectors.message_document(request.user, message_id)
    return FileResponse(
        message.attachment.open("rb"), as_attachment=True, filename=message.attachment_name or "document"
    )
