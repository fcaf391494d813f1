"""Supplier pages: public registration, the representative's own registration, the reviewers' list
and decisions, and the tender-document download of a signed-in supplier. Rules live in services
and policies: a view calls one and renders."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.exceptions import DomainError
from common.exceptions import PermissionDenied as DomainPermissionDenied

from . import policies, selectors, services
from .forms import (
    EditForm,
    QualificationForm,
    QualificationFormSet,
    RegistrationForm,
    ReviewFilterForm,
    ReviewForm,
)
from .models import SupplierProfile

PAGE_SIZE = 50
# The registration form's fields by section (categories are drawn as checkboxes of their own).
COMPANY_FIELDS = (
    "name_zh",
    "name_en",
    "uscc",
    "region_code",
    "legal_representative",
    "registered_capital",
    "address",
    "enterprise_size",
    "special_status",
    "sme_declaration",
)
CONTACT_FIELDS = (
    "contact_name",
    "contact_phone",
    "contact_email",
    "bank_name",
    "bank_account_name",
    "bank_account_number",
    "regions",
    "commitment_letter",
)
REPRESENTATIVE_FIELDS = ("representative_name", "representative_name_en", "username", "email", "password")


def _apply_errors(error: DomainError, form, formset=None) -> None:
    """A service's errors by field onto the form (and the qualification rows)."""
    errors = getattr(error, "errors", None)
    if not errors:
        form.add_error(None, str(error.message))
        return
    for key, field_messages in errors.items():
        for message in field_messages:
            if key.startswith("qualifications.") and formset is not None:
                _prefix, index, *rest = key.split(".")
                row = formset.forms[int(index)] if int(index) < len(formset.forms) else None
                field = rest[0] if rest and row is not None and rest[0] in row.fields else None
                if row is not None:
                    row.add_error(field, str(message))
                    continue
            target = key if key in form.fields else None
            form.add_error(target, str(message) if target else f"{key}: {message}")


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Public: a supplier registers itself and its first representative, then awaits review."""
    form = RegistrationForm(request.POST or None, request.FILES or None)
    formset = QualificationFormSet(request.POST or None, request.FILES or None, prefix="qualifications")
    status = 200
    if request.method == "POST":
        if form.is_valid() and formset.is_valid():
            data = dict(form.cleaned_data)
            data["registered_capital"] = str(data["registered_capital"])
            rows = [row.cleaned_data for row in formset.forms if row.has_changed() and row.cleaned_data]
            try:
                services.register_supplier(
                    qualifications=rows,
                    preferred_language="en" if request.LANGUAGE_CODE.startswith("en") else "zh-hans",
                    ip_address=request.META.get("REMOTE_ADDR", ""),
                    **data,
                )
            except DomainError as error:
                _apply_errors(error, form, formset)
                status = error.status
            else:
                messages.success(
                    request,
                    _(
                        "Your registration is received and awaits review. Log in to follow it; "
                        "you will be told of the decision."
                    ),
                )
                return redirect("accounts:login")
        else:
            status = 400
    context = {
        "form": form,
        "formset": formset,
        "company_fields": [form[name] for name in COMPANY_FIELDS],
        "contact_fields": [form[name] for name in CONTACT_FIELDS],
        "representative_fields": [form[name] for name in REPRESENTATIVE_FIELDS],
    }
    return render(request, "suppliers/register.html", context, status=status)


def _profile_page(request, profile: SupplierProfile, *, edit_form=None, qualification_form=None, status=200):
    editable = policies.can_edit_registration(request.user, profile)
    if editable and edit_form is None:
        initial = {field: getattr(profile, field) for field in services.DETAIL_FIELDS}
        edit_form = EditForm(initial=initial)
    qualifications = [
        # Expiring soon: the supplier was warned (the daily job, by the rulebook's warning days).
        (q, q.status == q.Status.VALID and q.warned_on is not None)
        for q in profile.qualifications.all()
    ]
    context = {
        "profile": profile,
        "qualifications": qualifications,
        "editable": editable,
        "edit_form": edit_form if editable else None,
        "can_add_qualification": profile.status != SupplierProfile.Status.REJECTED,
        "qualification_form": qualification_form or QualificationForm(),
        "category_labels": _labels(profile.categories),
    }
    return render(request, "suppliers/profile.html", context, status=status)


def _labels(categories: list[str]) -> list[str]:
    from procurement.models import Category

    labels = dict(Category.choices)
    return [str(labels.get(code, code)) for code in categories]


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The representative's own registration; while it awaits review or changes, the edit form
    (sending it resubmits a registration returned for changes)."""
    own = selectors.own_profile(request.user)
    if request.method == "GET":
        return _profile_page(request, own)
    form = EditForm(request.POST, request.FILES)
    if not form.is_valid():
        return _profile_page(request, own, edit_form=form, status=400)
    data = {
        k: v for k, v in form.cleaned_data.items() if v not in (None, "") or k in ("categories", "regions")
    }
    data["registered_capital"] = str(form.cleaned_data["registered_capital"])
    try:
        services.update_registration(own.pk, actor=request.user, **data)
    except DomainError as error:
        _apply_errors(error, form)
        return _profile_page(
            request, selectors.own_profile(request.user), edit_form=form, status=error.status
        )
    messages.success(request, _("Your registration is saved and awaits review."))
    return redirect("suppliers:profile")


@login_required
@require_POST
def qualification_add(request: HttpRequest) -> HttpResponse:
    own = selectors.own_profile(request.user)
    form = QualificationForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.add_qualification(own.pk, actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _apply_errors(error, form)
        else:
            messages.success(request, _("The qualification is added."))
            return redirect("suppliers:profile")
    return _profile_page(request, selectors.own_profile(request.user), qualification_form=form, status=400)


@login_required
@require_GET
def review_list(request: HttpRequest) -> HttpResponse:
    if not policies.is_reviewer(request.user):
        raise DomainPermissionDenied(
            _("Only the platform operator and regulators review supplier registrations.")
        )
    form = ReviewFilterForm(request.GET or None)
    status = form.cleaned_data["status"] if form.is_valid() else ""
    page = Paginator(selectors.reviewable_profiles(request.user, status=status), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "suppliers/review_list.html", {"form": form, "page": page, "status": status})


REVIEW_ACTIONS = {
    "approve": (lambda pk, actor, comment: services.approve_supplier(pk, actor=actor, comment=comment)),
    "request_changes": (
        lambda pk, actor, comment: services.request_changes(pk, actor=actor, comment=comment)
    ),
    "reject": (lambda pk, actor, comment: services.reject_supplier(pk, actor=actor, comment=comment)),
    "suspend": (lambda pk, actor, comment: services.suspend_supplier(pk, actor=actor, reason=comment)),
    "reinstate": (lambda pk, actor, comment: services.reinstate_supplier(pk, actor=actor, comment=comment)),
}


@login_required
@require_GET
def review_detail(request: HttpRequest, profile_id: int) -> HttpResponse:
    found = selectors.access_profile_page(request.user, profile_id)
    if not policies.can_review_supplier(request.user, found):
        raise DomainPermissionDenied(
            _("Only the platform operator and regulators review supplier registrations.")
        )
    return _review_page(request, found)


def _review_page(request, found: SupplierProfile, *, form=None, status=200) -> HttpResponse:
    from .models import can_transition

    Status = SupplierProfile.Status
    context = {
        "profile": found,
        "qualifications": list(found.qualifications.all()),
        "category_labels": _labels(found.categories),
        "form": form or ReviewForm(),
        "can_approve": can_transition(found.status, Status.APPROVED) and found.status != Status.SUSPENDED,
        "can_request_changes": can_transition(found.status, Status.CHANGES_REQUESTED),
        "can_reject": can_transition(found.status, Status.REJECTED),
        "can_suspend": can_transition(found.status, Status.SUSPENDED),
        "can_reinstate": found.status == Status.SUSPENDED,
    }
    return render(request, "suppliers/review_detail.html", context, status=status)


@login_required
@require_POST
def review_decide(request: HttpRequest, profile_id: int) -> HttpResponse:
    found = selectors.access_profile(request.user, profile_id)  # 404 outside the jurisdiction
    form = ReviewForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("suppliers:review_detail", profile_id=found.pk)
    action = REVIEW_ACTIONS[form.cleaned_data["decision"]]
    try:
        action(found.pk, request.user, form.cleaned_data["comment"])
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The decision is recorded and the supplier is told."))
    return redirect("suppliers:review_detail", profile_id=found.pk)


@login_required
@require_GET
def tender_documents(request: HttpRequest, notice_id: int) -> FileResponse:
    """The tender documents of a published notice, downloaded by a signed-in supplier: recorded
    (so its clarifications reach the supplier), then the same file as the public link."""
    document = services.record_download(
        notice_id,
        actor=request.user,
        ip_address=request.META.get("REMOTE_ADDR", ""),
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )
    response = FileResponse(
        document.pdf.open("rb"),
        as_attachment=True,
        filename=f"{document.project.reference}-v{document.version}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response
