"""Project pages: the purchaser's list, filing a project with its lots, its page with the approval
history, the entrustment and the tender's documents and notices; the submit / approve / return /
entrust / cancel actions; the regulator's approval requests; the agency officer's tenders and the
tender document builder. Rules live in services and policies: a view calls one and renders."""

import secrets
from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.exceptions import DomainError
from common.exceptions import PermissionDenied as DomainPermissionDenied
from common.i18n import in_english

from . import pdf, policies, selectors, services, templating
from .exceptions import DocumentNotFound, NotPurchaserClerk, NotTenderOfficer, TenderDocumentInvalid
from .forms import (
    ClarificationForm,
    CommentForm,
    CriterionFormSet,
    EntrustForm,
    LotFormSet,
    MethodChangeForm,
    ProjectForm,
    PublishForm,
    ReasonForm,
    RegulatorDecisionForm,
    TenderDocumentForm,
)
from .models import Lot, Project, RegulatorApproval, TenderDocument

PAGE_SIZE = 50


@login_required
@require_GET
def project_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.projects_of(request.user).order_by("-created_at", "-pk"), 50).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "procurement/project_list.html",
        {"page": page, "can_file": policies.can_file_project(request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def project_new(request: HttpRequest) -> HttpResponse:
    if not policies.can_file_project(request.user):
        raise NotPurchaserClerk()
    form = ProjectForm(request.POST or None)
    lots = LotFormSet(request.POST or None, prefix="lots")
    status = 200
    if request.method == "POST":
        if form.is_valid() and lots.is_valid():
            lot_rows = [lot.cleaned_data for lot in lots.forms if lot.has_changed() and lot.cleaned_data]
            try:
                project = services.file_project(actor=request.user, lots=lot_rows, **form.cleaned_data)
            except DomainError as error:
                form.add_error(None, str(error.message))
            else:
                messages.success(
                    request,
                    _("Project %(reference)s is filed as a draft.") % {"reference": project.reference},
                )
                return redirect("procurement:project", project_id=project.pk)
        status = 400
    return render(request, "procurement/project_form.html", {"form": form, "lots": lots}, status=status)


@login_required
@require_GET
def project_detail(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.access_project_page(request.user, project_id)
    return _project_page(request, project, loaded=True)


def _project_page(
    request: HttpRequest,
    project: Project,
    *,
    entrust_form: EntrustForm | None = None,
    cancel_form: ReasonForm | None = None,
    status: int = 200,
    loaded: bool = False,
) -> HttpResponse:
    """loaded: the project comes from selectors.access_project_page (else it is read afresh)."""
    if not loaded:
        project = selectors.project_page(project)
    user = request.user
    can_entrust = policies.can_entrust_project(user, project)
    if can_entrust and entrust_form is None:
        entrust_form = EntrustForm(project=project, agencies=selectors.agencies())
    is_officer = policies.is_tender_officer(user, project)
    lots = list(project.lots.all())
    approvals = list(project.regulator_approvals.all())
    # A failed lot may be procured again once: not when replaced already, nor while another method
    # for it awaits (or got) the regulator's decision, nor while another lot is still bidding.
    replaced = {lot.retender_of_id for lot in lots if lot.retender_of_id}
    asked = {
        a.lot_id
        for a in approvals
        if a.lot_id and a.status in (RegulatorApproval.Status.REQUESTED, RegulatorApproval.Status.APPROVED)
    }
    bidding = any(lot.status in (Lot.Status.OPEN_FOR_BIDS, Lot.Status.CLOSED) for lot in lots)
    again = [
        lot
        for lot in lots
        if lot.status == Lot.Status.FAILED and lot.pk not in replaced and lot.pk not in asked and not bidding
    ]
    can_retender = policies.can_retender(user, project)
    can_change_method = policies.can_request_method_change(user, project)
    context = {
        "project": project,
        "lots": lots,
        "retenderable_lots": again if can_retender else [],
        "method_change_lots": again if can_change_method else [],
        "method_change_form": MethodChangeForm(),
        "entrustment": selectors.entrustment_of(project),
        "regulator_approvals": approvals,
        "documents": list(project.tender_documents.all()),
        "notices": list(project.notices.all()),
        "now": timezone.now(),
        "can_submit": policies.can_submit_project(user, project),
        "can_approve": policies.can_approve_project(user, project),
        "comment_form": CommentForm(),
        "can_entrust": can_entrust,
        "entrust_form": entrust_form if can_entrust else None,
        "can_cancel": policies.can_cancel_project(user, project),
        "cancel_form": cancel_form or ReasonForm(),
        "is_tender_officer": is_officer,
        "is_regulator": policies.is_regulator_of(user, project),
    }
    return render(request, "procurement/project_detail.html", context, status=status)


def _act(
    request: HttpRequest, project_id: int, action, success: str, *, to: str = "procurement:project"
) -> HttpResponse:
    """Run one service; a domain error becomes a message (and the service changed nothing)."""
    try:
        action()
    except TenderDocumentInvalid as error:
        for field_messages in error.errors.values():
            for message in field_messages:
                messages.error(request, str(message))
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, success)
    return redirect(to, project_id=project_id)


def _first_sending(request: HttpRequest) -> bool:
    """False when this very form was already sent (a double click): its token is spent once."""
    token = request.POST.get("once", "")
    return not token or cache.add(f"procurement:once:{token[:64]}", 1, timeout=24 * 3600)


def _pdf_response(file, filename: str, *, inline: bool = False) -> FileResponse:
    response = FileResponse(file, as_attachment=not inline, filename=filename, content_type="application/pdf")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def project_submit(request: HttpRequest, project_id: int) -> HttpResponse:
    selectors.access_project(request.user, project_id)  # 404 before anything else
    return _act(
        request,
        project_id,
        lambda: services.submit_project(project_id, actor=request.user),
        _("The project is submitted for approval."),
    )


@login_required
@require_POST
def project_approve(request: HttpRequest, project_id: int) -> HttpResponse:
    selectors.access_project(request.user, project_id)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _act(
        request,
        project_id,
        lambda: services.approve_project(project_id, actor=request.user, comment=comment),
        _("Your approval is recorded."),
    )


@login_required
@require_POST
def project_return(request: HttpRequest, project_id: int) -> HttpResponse:
    selectors.access_project(request.user, project_id)
    form = CommentForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    return _act(
        request,
        project_id,
        lambda: services.return_project(project_id, actor=request.user, comment=comment),
        _("The project is returned to its drafter."),
    )


# --- Entrustment and cancellation (the purchaser) ------------------------------------------------


@login_required
@require_POST
def project_entrust(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.access_project(request.user, project_id)
    if not policies.can_entrust_project(request.user, project):
        # Not a clerk, or entrusted already (a second click): the service says which, changing nothing.
        return _act(
            request,
            project.pk,
            lambda: services.entrust_project(
                project.pk, actor=request.user, agency_id=request.POST.get("agency"), scope=""
            ),
            _("The project is entrusted."),
        )
    form = EntrustForm(request.POST, project=project, agencies=selectors.agencies())
    if form.is_valid():
        try:
            entrustment = services.entrust_project(
                project.pk,
                actor=request.user,
                agency_id=form.cleaned_data["agency"],
                scope=form.cleaned_data["scope"],
                fee=form.cleaned_data["fee"],
            )
        except DomainError as error:
            form.add_error(None, str(error.message))
            return _project_page(request, project, entrust_form=form, status=error.status)
        messages.success(
            request,
            _("The project is entrusted; agreement %(number)s is recorded.")
            % {"number": entrustment.agreement_number},
        )
        return redirect("procurement:project", project_id=project.pk)
    return _project_page(request, project, entrust_form=form, status=400)


@login_required
@require_GET
def entrustment_agreement(request: HttpRequest, project_id: int) -> FileResponse:
    """The entrustment agreement's PDF, for whoever may open the project (404 for the others)."""
    entrustment = selectors.access_entrustment(request.user, project_id)
    return _pdf_response(entrustment.document.open("rb"), f"{entrustment.agreement_number}.pdf")


@login_required
@require_POST
def project_cancel(request: HttpRequest, project_id: int) -> HttpResponse:
    project = selectors.access_project(request.user, project_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the cancellation; it is published."))
        return redirect("procurement:project", project_id=project.pk)
    return _act(
        request,
        project.pk,
        lambda: services.cancel_project(project.pk, actor=request.user, reason=form.cleaned_data["reason"]),
        _("The project is cancelled."),
    )


@login_required
@require_GET
def document_pdf(request: HttpRequest, document_id: int) -> FileResponse:
    """A frozen version of the tender documents, for whoever may open the project (also before a
    scheduled notice goes public); drafts have no stored PDF (the officer previews them)."""
    document = selectors.access_tender_document(request.user, document_id)
    if document.status == TenderDocument.Status.DRAFT or not document.pdf:
        raise DocumentNotFound()
    return _pdf_response(document.pdf.open("rb"), f"{document.project.reference}-v{document.version}.pdf")


# --- The regulator ----------------------------------------------------------------------------------


@login_required
@require_GET
def regulator_approvals(request: HttpRequest) -> HttpResponse:
    if not policies.is_regulator(request.user):
        raise DomainPermissionDenied(_("Only a regulator decides on requests for approval."))
    page = Paginator(selectors.regulator_approvals_of(request.user), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    rows = [(approval, policies.can_decide_regulator_approval(request.user, approval)) for approval in page]
    context = {
        "page": page,
        "rows": rows,
        "awaiting": sum(1 for _approval, open_ in rows if open_),
        "form": RegulatorDecisionForm(),
    }
    return render(request, "procurement/regulator_approvals.html", context)


@login_required
@require_POST
def regulator_decide(request: HttpRequest, approval_id: int) -> HttpResponse:
    approval = selectors.access_regulator_approval(request.user, approval_id)  # 404 outside the region
    form = RegulatorDecisionForm(request.POST)
    comment = form.cleaned_data["comment"] if form.is_valid() else ""
    approve = request.POST.get("decision") == "approve"
    if request.POST.get("decision") not in ("approve", "refuse"):
        messages.error(request, _("Choose to approve or to refuse."))
        return redirect("procurement:regulator_approvals")
    try:
        services.decide_regulator_approval(approval.pk, actor=request.user, approve=approve, comment=comment)
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(
            request,
            (
                _("You approved the request of %(reference)s.")
                if approve
                else _("You refused the request of %(reference)s.")
            )
            % {"reference": approval.project.reference},
        )
    return redirect("procurement:regulator_approvals")


# --- The agency officer: tenders and the document builder ------------------------------------------


@login_required
@require_GET
def tender_list(request: HttpRequest) -> HttpResponse:
    if not policies.is_agency_officer(request.user):
        raise DomainPermissionDenied(_("Only agency officers run tenders."))
    page = Paginator(selectors.tender_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = []
    for project in page:
        versions = list(project.tender_documents.all())
        rows.append((project, versions[0] if versions else None))
    return render(request, "procurement/tender_list.html", {"page": page, "rows": rows})


def _officer_project(request: HttpRequest, project_id: int) -> Project:
    """The project if the user may see it (else 404) and is its tender officer (else 403)."""
    project = selectors.access_project(request.user, project_id)
    if not policies.is_tender_officer(request.user, project):
        raise NotTenderOfficer()
    return project


def _attach_errors(form: TenderDocumentForm, errors: dict) -> dict[str, list[str]]:
    """The service's messages by the fields they name; those of a group (sections, criteria,
    bonds, lots' requirements) are returned to be shown at the group."""
    groups: dict[str, list[str]] = {}
    for field, field_messages in errors.items():
        for message in field_messages:
            if field in form.fields:
                form.add_error(field, str(message))
            else:
                groups.setdefault(field, []).append(str(message))
    return groups


@login_required
@require_http_methods(["GET", "POST"])
def documents(request: HttpRequest, project_id: int) -> HttpResponse:
    """The tender document builder: start from the template, edit and save the draft, publish;
    while tendering: clarifications, amendments and cancelled lots."""
    project = selectors.access_project(request.user, project_id)
    actions = policies.tender_actions(request.user, project)
    if not actions.officer:
        raise NotTenderOfficer()
    project = selectors.builder_project(project)
    versions = list(project.tender_documents.all())
    draft = next((d for d in versions if d.status == TenderDocument.Status.DRAFT), None)
    published = next((d for d in versions if d.status == TenderDocument.Status.PUBLISHED), None)
    can_run = actions.run_tender
    lots = list(project.lots.all())
    form = criteria = None
    group_errors: dict[str, list[str]] = {}
    status = 200
    if request.method == "POST" and (draft is None or not can_run):
        messages.error(request, _("There is no draft to save: start the documents or an amendment first."))
        return redirect("procurement:documents", project_id=project.pk)
    if draft is not None and can_run:
        titles = {
            key: f"{number}. {en}" if in_english() else f"第{templating.chapter_number(number)}章 {zh}"
            for number, (key, (zh, en)) in enumerate(
                templating.section_titles(project.method).items(), start=1
            )
        }
        data = request.POST if request.method == "POST" else None
        form = TenderDocumentForm(
            data,
            document=draft,
            lots=lots,
            section_titles=titles,
            amendment=draft.version > 1 and not any(lot.status == Lot.Status.PREPARING for lot in lots),
        )
        criteria = CriterionFormSet(data, prefix="criteria", initial=draft.criteria or [])
        if request.method == "POST":
            if form.is_valid() and criteria.is_valid():
                try:
                    services.save_tender_documents(
                        draft.pk, actor=request.user, **form.changes(criteria.criteria())
                    )
                except TenderDocumentInvalid as error:
                    group_errors = _attach_errors(form, error.errors)
                    status = 400
                except DomainError as error:
                    form.add_error(None, str(error.message))
                    status = error.status
                else:
                    messages.success(
                        request,
                        _("Version %(version)s of the documents is saved.") % {"version": draft.version},
                    )
                    return redirect("procurement:documents", project_id=project.pk)
            else:
                status = 400
            if status != 200:
                form.mark_invalid()
                messages.error(request, _("The documents were not saved: see the messages by the fields."))
    retender = (
        draft is not None and draft.version > 1 and any(lot.status == Lot.Status.PREPARING for lot in lots)
    )
    is_amendment = draft is not None and draft.version > 1 and not retender
    limits = selectors.document_limits(project) if form is not None else None
    waiting = project.status == Project.Status.TENDERING and any(
        lot.status == Lot.Status.PREPARING for lot in lots
    )
    document_zh, document_en = templating.document_title(project.method)
    context = {
        "document_name": document_en if in_english() else document_zh,
        "lot_rows": [
            (lot, requirements, bond, limits["bond_caps"].get(lot.number))
            for lot, requirements, bond in form.lot_rows()
        ]
        if form is not None
        else [],
        "points_total": _points_total(form, criteria) if form is not None else None,
        "known_groups": ("sections", "criteria", "bonds", "lot_requirements", "amendment_reason"),
        "project": project,
        "lots": lots,
        "versions": versions,
        "draft": draft,
        "published": published,
        "form": form,
        "criteria": criteria,
        "group_errors": group_errors,
        "limits": limits,
        "is_amendment": is_amendment,
        "earliest_amended_deadline": services.earliest_amended_deadline(project) if is_amendment else None,
        "can_start": can_run and project.status == Project.Status.ENTRUSTED and not versions,
        "can_publish": can_run and project.status == Project.Status.ENTRUSTED and draft is not None,
        "can_amend": can_run and project.status == Project.Status.TENDERING and draft is None and not waiting,
        "can_publish_amendment": is_amendment and can_run and project.status == Project.Status.TENDERING,
        "can_start_retender": can_run
        and project.status == Project.Status.TENDERING
        and waiting
        and draft is None,
        "can_publish_retender": can_run and retender,
        "can_clarify": actions.clarify,
        "can_cancel_lots": actions.cancel_lots,
        "earliest_notice_day": _future(services.earliest_tender_notice_day(project))
        if project.status == Project.Status.ENTRUSTED
        else None,
        "publish_form": PublishForm(),
        "clarification_form": ClarificationForm(),
        "reason_form": ReasonForm(),
        "once": secrets.token_urlsafe(16),
        "regulator_pending": project.status == Project.Status.ENTRUSTED
        and project.regulator_approvals.exclude(status=RegulatorApproval.Status.APPROVED).exists(),
    }
    return render(request, "procurement/documents.html", context, status=status)


def _future(day):
    """The day if it is still to come (a hint about a day that has passed says nothing)."""
    return day if day is not None and day > timezone.localdate() else None


def _points_total(form: TenderDocumentForm, criteria) -> Decimal:
    """The price weight and the criteria's points as shown in the fields (what was typed, when
    a save was refused); what cannot be read as a number counts as nothing."""

    def number(value) -> Decimal:
        try:
            found = Decimal(str(value).strip() or "0")
        except (InvalidOperation, ValueError):
            return Decimal(0)
        return found if found.is_finite() else Decimal(0)

    rows = [row for row in criteria.forms]
    return number(form["price_weight"].value() or 0) + sum(
        (number(row["points"].value() or 0) for row in rows), Decimal(0)
    )


@login_required
@never_cache
@require_GET
def documents_preview(request: HttpRequest, project_id: int) -> HttpResponse:
    """The draft rendered to PDF now, shown in the browser (never stored, never cached)."""
    project = _officer_project(request, project_id)
    draft = selectors.current_draft(project)
    if draft is None:
        raise DocumentNotFound(_("There is no draft to preview."))
    draft = selectors.access_tender_document(request.user, draft.pk)
    response = HttpResponse(pdf.render_tender_documents(draft), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{project.reference}-v{draft.version}-draft.pdf"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_POST
def documents_start(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _officer_project(request, project_id)
    return _act(
        request,
        project.pk,
        lambda: services.start_tender_documents(project.pk, actor=request.user),
        _("The documents are started from the standard template of the method; edit and save them."),
        to="procurement:documents",
    )


@login_required
@require_POST
def tender_publish(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _officer_project(request, project_id)
    form = PublishForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter the publication time as a date and a time, or leave it empty."))
        return redirect("procurement:documents", project_id=project.pk)
    publish_at = form.cleaned_data["publish_at"]
    return _act(
        request,
        project.pk,
        lambda: services.publish_tender(project.pk, actor=request.user, publish_at=publish_at),
        _("The tender notice is published with the frozen documents.")
        if publish_at is None or publish_at <= timezone.now()
        else _("The tender notice is scheduled for %(at)s; the documents are frozen.")
        % {"at": timezone.localtime(publish_at).strftime("%Y-%m-%d %H:%M")},
        to="procurement:documents",
    )


@login_required
@require_POST
def clarification_publish(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _officer_project(request, project_id)
    form = ClarificationForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write the clarification in Chinese (English is optional)."))
        return redirect("procurement:documents", project_id=project.pk)
    if not _first_sending(request):
        messages.info(request, _("This clarification was already sent; it is published once."))
        return redirect("procurement:documents", project_id=project.pk)
    return _act(
        request,
        project.pk,
        lambda: services.publish_clarification(
            project.pk,
            actor=request.user,
            body_zh=form.cleaned_data["body_zh"],
            body_en=form.cleaned_data["body_en"],
        ),
        _("The clarification is published as a correction notice."),
        to="procurement:documents",
    )


@login_required
@require_POST
def amendment_start(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _officer_project(request, project_id)
    return _act(
        request,
        project.pk,
        lambda: services.start_amendment(project.pk, actor=request.user),
        _("A new version is drafted from the published documents; change it and publish the amendment."),
        to="procurement:documents",
    )


@login_required
@require_POST
def amendment_publish(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _officer_project(request, project_id)
    return _act(
        request,
        project.pk,
        lambda: services.publish_amendment(project.pk, actor=request.user),
        _("The amendment is published as a correction notice with the new version of the documents."),
        to="procurement:documents",
    )


@login_required
@require_POST
def lot_cancel(request: HttpRequest, lot_id: int) -> HttpResponse:
    lot = selectors.access_lot(request.user, lot_id)
    project = _officer_project(request, lot.project_id)
    form = ReasonForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Give the reason for the cancellation; it is published."))
        return redirect("procurement:documents", project_id=project.pk)
    return _act(
        request,
        project.pk,
        lambda: services.cancel_lot(lot.pk, actor=request.user, reason=form.cleaned_data["reason"]),
        _("Lot %(number)s is cancelled and a termination notice is published.") % {"number": lot.number},
        to="procurement:documents",
    )


# --- Failed lots: a re-tender, or another method with the regulator's approval ---------------------


@login_required
@require_POST
def lot_retender(request: HttpRequest, lot_id: int) -> HttpResponse:
    lot = selectors.access_lot(request.user, lot_id)  # 404 for a lot the user may not see
    return _act(
        request,
        lot.project_id,
        lambda: services.retender_lot(lot.pk, actor=request.user),
        _("Lot %(number)s is to be re-tendered: a new lot and a new draft of the documents are ready.")
        % {"number": lot.number},
        to="procurement:documents"
        if policies.is_tender_officer(request.user, lot.project)
        else "procurement:project",
    )


@login_required
@require_POST
def lot_method_change(request: HttpRequest, lot_id: int) -> HttpResponse:
    lot = selectors.access_lot(request.user, lot_id)
    form = MethodChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the method and give the written justification."))
        return redirect("procurement:project", project_id=lot.project_id)
    return _act(
        request,
        lot.project_id,
        lambda: services.request_method_change(
            lot.pk,
            actor=request.user,
            method=form.cleaned_data["method"],
            justification=form.cleaned_data["justification"],
        ),
        _("The request is sent to the regulator."),
    )


@login_required
@require_POST
def retender_documents_start(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _officer_project(request, project_id)
    return _act(
        request,
        project.pk,
        lambda: services.start_retender_documents(project.pk, actor=request.user),
        _("The documents are started from the standard template of the new method; edit and save them."),
        to="procurement:documents",
    )


@login_required
@require_POST
def retender_publish(request: HttpRequest, project_id: int) -> HttpResponse:
    project = _officer_project(request, project_id)
    return _act(
        request,
        project.pk,
        lambda: services.publish_retender(project.pk, actor=request.user),
        _("The notice is published: the lots procured again are open for bids."),
        to="procurement:documents",
    )
