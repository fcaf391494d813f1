"""Project pages: the purchaser's list, filing a project with its lots, its page with the approval
history, and the submit / approve / return actions. Rules live in services and policies."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.exceptions import DomainError

from . import policies, selectors, services
from .exceptions import NotPurchaserClerk
from .forms import CommentForm, LotFormSet, ProjectForm


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
    project = selectors.project_detail(selectors.access_project(request.user, project_id))
    context = {
        "project": project,
        "can_submit": policies.can_submit_project(request.user, project),
        "can_approve": policies.can_approve_project(request.user, project),
        "comment_form": CommentForm(),
    }
    return render(request, "procurement/project_detail.html", context)


def _act(request: HttpRequest, project_id: int, action, success: str) -> HttpResponse:
    try:
        action()
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, success)
    return redirect("procurement:project", project_id=project_id)


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
