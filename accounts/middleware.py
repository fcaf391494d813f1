from urllib.parse import urlencode

from django.shortcuts import redirect
from django.urls import reverse

# What a user who still owes a second factor may reach: static files, and these pages by name
# (public pages are listed one by one, so that a new page under the same prefix is not exempt).
# The public portal's pages are public: a privileged user not yet past the second factor may read them.
SECOND_FACTOR_EXEMPT_PREFIXES = ("/static/", "/notices/", "/projects/", "/search/", "/api/ocds/")
SECOND_FACTOR_EXEMPT_NAMES = (
    "accounts:otp_verify",
    "accounts:otp_setup",
    "accounts:logout",
    "set_language",
    "javascript-catalog",
    "healthz",
    "audit:chain",
    "audit_api:head",
    "credit:index",
    "credit:blacklist",
    "credit:red_list",
    "credit:rules",
    "notices:list",
    "disclosure:home",
    "disclosure:dashboards",
    "disclosure:redflag_about",
    "disclosure:audit_verify",
    "audit:checkpoints",
    "audit:checkpoints_json",
)


class ActiveMembershipMiddleware:
    """request.membership: the membership the user acts in now (None if it is gone or inactive)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.membership = None
        user = request.user
        if user.is_authenticated:
            membership = user.active_membership
            if (
                membership is not None
                and membership.user_id == user.pk
                and membership.is_active
                and membership.organisation.is_active
            ):
                request.membership = membership
        return self.get_response(request)


class SecondFactorRequiredMiddleware:
    """Privileged roles (approvers, agency officers, regulators, operators) act only after TOTP."""

    def __init__(self, get_response):
        self.get_response = get_response
        self._exempt_paths: tuple[str, ...] | None = None

    def _exempt(self, path: str) -> bool:
        if self._exempt_paths is None:
            self._exempt_paths = tuple(reverse(name) for name in SECOND_FACTOR_EXEMPT_NAMES)
        return path.startswith(SECOND_FACTOR_EXEMPT_PREFIXES) or path in self._exempt_paths

    def __call__(self, request):
        membership = getattr(request, "membership", None)
        if (
            membership is not None
            and membership.requires_second_factor
            and not request.user.is_verified()
            and not self._exempt(request.path)
        ):
            if request.path.startswith("/api/"):
                from django.http import JsonResponse
                from django.utils.translation import gettext as _

                return JsonResponse(
                    {
                        "code": "second_factor_required",
                        "detail": _("Verify your second factor in the browser before using the API."),
                    },
                    status=403,
                )
            from django_otp.plugins.otp_totp.models import TOTPDevice

            has_device = TOTPDevice.objects.filter(user=request.user, confirmed=True).exists()
            target = "accounts:otp_verify" if has_device else "accounts:otp_setup"
            return redirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
