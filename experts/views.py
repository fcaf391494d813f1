"""Expert pool pages: public registration, the expert's own profile (details, declarations,
unavailable days), and the keepers' pool list, registration and decisions. Rules live in services
and policies: a view calls one and renders."""

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from common.exceptions import DomainError
from common.exceptions import PermissionDenied as DomainPermissionDenied

from . import policies, selectors, services
from .forms import (
    DecisionForm,
    DeclarationForm,
    KeeperRegistrationForm,
    PoolFilterForm,
    ProfileForm,
    RegistrationForm,
    UnavailabilityForm,
)
from .models import ExpertProfile

PAGE_SIZE = 50
ACCOUNT_FIELDS = ("username", "email")
PROFILE_FIELDS = tuple(ProfileForm.base_fields)


def _language(request: HttpRequest) -> str:
    return "en" if request.LANGUAGE_CODE.startswith("en") else "zh-hans"


def _apply_errors(error: DomainError, form) -> None:
    """A service's errors by field onto the form."""
    errors = getattr(error, "errors", None)
    if not errors:
        form.add_error(None, str(error.message))
        return
    for key, field_messages in errors.items():
        for message in field_messages:
            target = key if key in form.fields else None
            form.add_error(target, str(message) if target else f"{key}: {message}")


def _not_keeper() -> DomainPermissionDenied:
    return DomainPermissionDenied(_("Only the platform operator and regulators keep the expert pool."))


# --- Registration ------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    """Public: a person registers as an evaluation expert, then awaits review."""
    form = RegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.register_expert(
                    preferred_language=_language(request),
                    ip_address=request.META.get("REMOTE_ADDR", ""),
                    **form.cleaned_data,
                )
            except DomainError as error:
                _apply_errors(error, form)
                status = error.status
            else:
                messages.success(
                    request,
                    _(
                        "Your registration is received and awaits review by the finance bureau of your "
                        "region. Log in to complete your declarations meanwhile."
                    ),
                )
                return redirect("accounts:login")
        else:
            status = 400
    context = {
        "form": form,
        "profile_fields": [form[name] for name in PROFILE_FIELDS],
        "account_fields": [form[name] for name in (*ACCOUNT_FIELDS, "password")],
    }
    return render(request, "experts/register.html", context, status=status)


# --- The expert's own profile -------------------------------------------------------------------------


def _profile_page(
    request, profile: ExpertProfile, *, profile_form=None, declaration_form=None, period_form=None, status=200
):
    context = {
        "profile": profile,
        "declarations": list(profile.declarations.all()),
        "periods": list(profile.unavailable_days.all()),
        "profile_form": profile_form or ProfileForm(initial=ProfileForm.initial_from(profile)),
        "declaration_form": declaration_form or DeclarationForm(),
        "period_form": period_form or UnavailabilityForm(),
    }
    return render(request, "experts/profile.html", context, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request: HttpRequest) -> HttpResponse:
    """The expert's own profile; sending the form saves it (a rejected one goes back to review)."""
    own = selectors.own_profile(request.user)
    if request.method == "GET":
        return _profile_page(request, own)
    form = ProfileForm(request.POST)
    if form.is_valid():
        try:
            services.update_profile(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _apply_errors(error, form)
            status = error.status
        else:
            messages.success(request, _("Your profile is saved."))
            return redirect("experts:profile")
    else:
        status = 400
    return _profile_page(request, selectors.own_profile(request.user), profile_form=form, status=status)


@login_required
@require_POST
def declaration_add(request: HttpRequest) -> HttpResponse:
    own = selectors.own_profile(request.user)
    form = DeclarationForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.add_declaration(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _apply_errors(error, form)
            status = error.status
        else:
            messages.success(
                request, _("The declaration is added. Confirm your declarations when they are complete.")
            )
            return redirect("experts:profile")
    return _profile_page(request, own, declaration_form=form, status=status)


@login_required
@require_http_methods(["GET", "POST"])
def declaration_edit(request: HttpRequest, declaration_id: int) -> HttpResponse:
    own = selectors.own_profile(request.user)
    declaration = selectors.own_declaration(own, declaration_id)
    status = 200
    if request.method == "POST":
        form = DeclarationForm(request.POST)
        status = 400
        if form.is_valid():
            try:
                services.update_declaration(declaration.pk, actor=request.user, **form.cleaned_data)
            except DomainError as error:
                _apply_errors(error, form)
                status = error.status
            else:
                messages.success(request, _("The declaration is saved. Confirm your declarations again."))
                return redirect("experts:profile")
    else:
        form = DeclarationForm(initial=DeclarationForm.initial_from(declaration))
    return render(
        request, "experts/declaration_edit.html", {"declaration": declaration, "form": form}, status=status
    )


@login_required
@require_POST
def declaration_remove(request: HttpRequest, declaration_id: int) -> HttpResponse:
    services.remove_declaration(declaration_id, actor=request.user)
    messages.success(request, _("The declaration is withdrawn. Confirm your declarations again."))
    return redirect("experts:profile")


@login_required
@require_POST
def declarations_confirm(request: HttpRequest) -> HttpResponse:
    services.confirm_declarations(actor=request.user)
    messages.success(request, _("Your declarations are confirmed."))
    return redirect("experts:profile")


@login_required
@require_POST
def unavailability_add(request: HttpRequest) -> HttpResponse:
    own = selectors.own_profile(request.user)
    form = UnavailabilityForm(request.POST)
    status = 400
    if form.is_valid():
        try:
            services.add_unavailability(actor=request.user, **form.cleaned_data)
        except DomainError as error:
            _apply_errors(error, form)
            status = error.status
        else:
            messages.success(request, _("The unavailable period is added."))
            return redirect("experts:profile")
    return _profile_page(request, own, period_form=form, status=status)


@login_required
@require_POST
def unavailability_remove(request: HttpRequest, unavailability_id: int) -> HttpResponse:
    services.remove_unavailability(unavailability_id, actor=request.user)
    messages.success(request, _("The unavailable period is removed."))
    return redirect("experts:profile")


# --- The keepers' pool ---------------------------------------------------------------------------------


@login_required
@require_GET
def pool(request: HttpRequest) -> HttpResponse:
    if not policies.is_pool_keeper(request.user):
        raise _not_keeper()
    form = PoolFilterForm(request.GET or None)
    filters = {"status": "", "region": "", "specialty": ""}
    if form.is_valid():
        filters.update({key: value for key, value in form.cleaned_data.items() if value})
    page = Paginator(selectors.pool(request.user, **filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({key: value for key, value in filters.items() if value})
    return render(request, "experts/pool.html", {"form": form, "page": page, "query": query})


@login_required
@require_http_methods(["GET", "POST"])
def pool_register(request: HttpRequest) -> HttpResponse:
    """A keeper registers an expert straight into the pool of a region it covers."""
    if not policies.is_pool_keeper(request.user):
        raise _not_keeper()
    form = KeeperRegistrationForm(request.POST or None)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                created = services.register_expert_by_keeper(
                    actor=request.user,
                    preferred_language=_language(request),
                    domain=request.get_host(),
                    use_https=request.is_secure(),
                    **form.cleaned_data,
                )
            except DomainError as error:
                _apply_errors(error, form)
                status = error.status
            else:
                messages.success(
                    request, _("The expert is in the pool; an e-mail asks them to choose a password.")
                )
                return redirect("experts:pool_detail", profile_id=created.pk)
    context = {
        "form": form,
        "profile_fields": [form[name] for name in PROFILE_FIELDS],
        "account_fields": [form[name] for name in (*ACCOUNT_FIELDS, "comment")],
    }
    return render(request, "experts/pool_register.html", context, status=status)


def _decisions(profile: ExpertProfile) -> dict:
    Status = ExpertProfile.Status
    return {
        "can_approve": profile.status == Status.PENDING,
        "can_reject": profile.status == Status.PENDING,
        "can_suspend": profile.status == Status.APPROVED,
        "can_reinstate": profile.status == Status.SUSPENDED,
    }


@login_required
@require_GET
def pool_detail(request: HttpRequest, profile_id: int) -> HttpResponse:
    found = selectors.access_profile_page(request.user, profile_id)
    if not policies.covers_region(request.user, found.region_code):
        raise _not_keeper()  # the expert themselves: their page is /experts/profile/
    context = {
        "profile": found,
        "declarations": list(found.declarations.all()),
        "periods": list(found.unavailable_days.all()),
        "form": DecisionForm(),
        **_decisions(found),
    }
    return render(request, "experts/pool_detail.html", context)


DECISION_SERVICES = {
    "approve": lambda pk, actor, reason: services.approve_expert(pk, actor=actor, comment=reason),
    "reject": lambda pk, actor, reason: services.reject_expert(pk, actor=actor, reason=reason),
    "suspend": lambda pk, actor, reason: services.suspend_expert(pk, actor=actor, reason=reason),
    "reinstate": lambda pk, actor, reason: services.reinstate_expert(pk, actor=actor, comment=reason),
}


@login_required
@require_POST
def pool_decide(request: HttpRequest, profile_id: int) -> HttpResponse:
    found = selectors.access_profile(request.user, profile_id)  # 404 outside the jurisdiction
    if not policies.covers_region(request.user, found.region_code):
        raise _not_keeper()
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a decision."))
        return redirect("experts:pool_detail", profile_id=found.pk)
    try:
        DECISION_SERVICES[form.cleaned_data["decision"]](found.pk, request.user, form.cleaned_data["reason"])
    except DomainError as error:
        messages.error(request, str(error.message))
    else:
        messages.success(request, _("The decision is recorded and the expert is told."))
    return redirect("experts:pool_detail", profile_id=found.pk)
