"""Login, second factor, membership switching, workspaces and the inbox. Rules live in services."""

import base64
from copy import copy
from io import BytesIO

import qrcode
import qrcode.image.svg
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import policies, selectors, services
from .exceptions import InvalidSecondFactorCode, NotOrganisationManager
from .forms import LoginForm, OrganisationDetailsForm, QueuedPasswordResetForm, SecondFactorForm
from .models import Role

ROLE_SLUGS = {role.value: role.value.replace("_", "-") for role in Role}
SLUG_ROLES = {slug: role for role, slug in ROLE_SLUGS.items()}


def lockout_response(request, original_response=None, credentials=None):
    """django-axes calls this when an account is locked: a translated page, status 429."""
    return render(request, "accounts/locked_out.html", status=429)


def _safe_next(request: HttpRequest, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        services.log_in(self.request, form.get_user())
        return redirect(self.get_success_url())


@require_POST
def logout_view(request: HttpRequest) -> HttpResponse:
    from django.contrib.auth import logout

    logout(request)
    return redirect("accounts:login")


@login_required
@require_http_methods(["GET", "POST"])
def otp_verify(request: HttpRequest) -> HttpResponse:
    if request.user.is_verified():
        return redirect(_safe_next(request, reverse("accounts:workspace")))
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("accounts:otp_setup")
    form = SecondFactorForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.verify_second_factor(request, form.cleaned_data["token"])
            except InvalidSecondFactorCode as exc:
                form.add_error("token", str(exc))
            else:
                return redirect(_safe_next(request, reverse("accounts:workspace")))
        status = 400
    return render(
        request, "accounts/otp_verify.html", {"form": form, "next": _safe_next(request, "")}, status=status
    )


def _qr_data_uri(url: str) -> str:
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
@require_http_methods(["GET", "POST"])
def otp_setup(request: HttpRequest) -> HttpResponse:
    """First enrolment of an authenticator app: a QR code and the secret, confirmed by one code."""
    if TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        return redirect("accounts:otp_verify")
    device = services.begin_second_factor_enrolment(actor=request.user)
    form = SecondFactorForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                services.enrol_second_factor(request, device, form.cleaned_data["token"])
            except InvalidSecondFactorCode as exc:
                form.add_error("token", str(exc))
            else:
                messages.success(request, _("Your authenticator app is set up."))
                return redirect(_safe_next(request, reverse("accounts:workspace")))
        status = 400
    secret = base64.b32encode(device.bin_key).decode()
    context = {
        "form": form,
        "qr": _qr_data_uri(device.config_url),
        "secret": secret,
        "next": _safe_next(request, ""),
    }
    return render(request, "accounts/otp_setup.html", context, status=status)


@login_required
@require_POST
def switch_membership(request: HttpRequest, membership_id: int) -> HttpResponse:
    membership = services.switch_membership(membership_id, actor=request.user, request=request)
    messages.success(
        request,
        _("You now act as %(role)s for %(organisation)s.")
        % {"role": membership.get_role_display(), "organisation": membership.organisation.name},
    )
    return redirect("accounts:workspace")


@login_required
@require_GET
def workspace(request: HttpRequest) -> HttpResponse:
    """Each role lands on its own workspace page."""
    membership = request.membership
    if membership is None:
        return render(request, "accounts/no_membership.html", status=200)
    return redirect("accounts:workspace_role", role=ROLE_SLUGS[membership.role])


@login_required
@require_GET
def workspace_role(request: HttpRequest, role: str) -> HttpResponse:
    membership = request.membership
    if membership is None or SLUG_ROLES.get(role) != membership.role:
        raise Http404
    context = {
        "role": membership.role,
        "organisation": membership.organisation,
        "can_view_organisation": policies.can_view_organisation(request.user, membership.organisation),
        "recent_notifications": list(selectors.notifications_of(request.user)[:5]),
        "recent_events": list(selectors.workspace_activity(request.user, membership)[:10]),
    }
    return render(request, f"accounts/workspace/{membership.role}.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def organisation_detail(request: HttpRequest, organisation_id: int) -> HttpResponse:
    """The organisation's registered details and members; its managers correct names and region."""
    organisation = selectors.access_organisation(request.user, organisation_id)
    can_manage = policies.can_manage_organisation(request.user, organisation)
    # The form works on a copy, so that rejected values never show as the registered ones.
    form = OrganisationDetailsForm(request.POST or None, instance=copy(organisation)) if can_manage else None
    status = 200
    if request.method == "POST":
        if form is None:
            raise NotOrganisationManager()
        if form.is_valid():
            fields = {name: form.cleaned_data[name] for name in OrganisationDetailsForm.Meta.fields}
            services.edit_organisation_details(organisation.pk, actor=request.user, **fields)
            messages.success(request, _("The organisation's details are saved."))
            return redirect("accounts:organisation", organisation_id=organisation.pk)
        status = 400
    context = {
        "organisation": organisation,
        "members": list(selectors.members_of(organisation)),
        "form": form,
        "can_manage": can_manage,
    }
    return render(request, "accounts/organisation.html", context, status=status)


@login_required
@require_GET
def inbox(request: HttpRequest) -> HttpResponse:
    notifications = list(selectors.notifications_of(request.user)[:100])
    return render(request, "accounts/inbox.html", {"notifications": notifications})


@login_required
@require_POST
def notification_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notification = services.mark_notification_read(notification_id, actor=request.user)
    if request.htmx:
        return render(request, "accounts/_notification_read.html", {"notification": notification})
    if notification.link and url_has_allowed_host_and_scheme(
        notification.link, allowed_hosts={request.get_host()}
    ):
        return redirect(notification.link)
    return redirect("accounts:inbox")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    services.mark_all_notifications_read(actor=request.user)
    return redirect("accounts:inbox")


password_reset = auth_views.PasswordResetView.as_view(
    template_name="accounts/password_reset.html",
    email_template_name="accounts/email/password_reset.txt",
    subject_template_name="accounts/email/password_reset_subject.txt",
    form_class=QueuedPasswordResetForm,
    success_url=reverse_lazy("accounts:password_reset_done"),
)
password_reset_done = auth_views.PasswordResetDoneView.as_view(
    template_name="accounts/password_reset_done.html"
)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form):
        services.reset_password(form.user, form.cleaned_data["new_password1"], request=self.request)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        return redirect(self.get_success_url())


password_reset_confirm = PasswordResetConfirmView.as_view()
password_reset_complete = auth_views.PasswordResetCompleteView.as_view(
    template_name="accounts/password_reset_complete.html"
)
