"""Errors of the dashboards, with their stable codes."""

from django.utils.translation import gettext_lazy as _

from common.exceptions import PermissionDenied


class NotRegulator(PermissionDenied):
    code = "dashboard_not_regulator"
    default_message = _("Only a regulator sees the regulator's dashboard.")
