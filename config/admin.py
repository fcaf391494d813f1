from urllib.parse import urlencode

from django.contrib.admin import AdminSite
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class SunlightAdminSite(AdminSite):
    """The operators' admin: staff users who passed the second factor; login is the platform's own."""

    site_header = _("Sunlight administration")
    site_title = _("Sunlight administration")
    index_title = _("Organisations, users and platform data")

    def has_permission(self, request):
        user = request.user
        return bool(user.is_active and user.is_staff and user.is_verified())

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index")
        if request.user.is_authenticated and not request.user.is_staff:
            raise PermissionDenied
        query = urlencode({"next": next_url})
        if request.user.is_authenticated and not request.user.is_verified():
            return redirect(f"{reverse('accounts:otp_verify')}?{query}")
        return redirect(f"{reverse('accounts:login')}?{query}")
