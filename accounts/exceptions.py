from django.utils.translation import gettext_lazy as _

from common.exceptions import InvalidInput, NotFound, PermissionDenied


class MembershipNotFound(NotFound):
    code = "membership_not_found"
    default_message = _("No such membership.")


class NotificationNotFound(NotFound):
    code = "notification_not_found"
    default_message = _("No such notification.")


class InvalidSecondFactorCode(InvalidInput):
    code = "invalid_second_factor_code"
    default_message = _("The code is wrong, expired or already used. Enter the current code from your app.")


class OrganisationNotFound(NotFound):
    code = "organisation_not_found"
    default_message = _("No such organisation.")


class NotOrganisationManager(PermissionDenied):
    code = "not_organisation_manager"
    default_message = _("Only members your organisation has made its managers may change its details.")
