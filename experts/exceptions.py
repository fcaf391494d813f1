"""Domain errors of the expert pool (the draw's own errors live beside the draw)."""

from django.utils.translation import gettext_lazy as _

from common.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied


class ExpertNotFound(NotFound):
    code = "expert_not_found"
    default_message = _("No such expert.")


class DeclarationNotFound(NotFound):
    code = "declaration_not_found"
    default_message = _("No such declaration.")


class UnavailabilityNotFound(NotFound):
    code = "unavailability_not_found"
    default_message = _("No such unavailable period.")


class InvalidExpertData(InvalidInput):
    """Several fields may be wrong at once: `errors` maps each field to its messages."""

    code = "invalid_expert_data"
    default_message = _("There are errors: see the messages by field.")

    def __init__(self, errors: dict, message=None):
        self.errors = errors
        super().__init__(message)


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = _("This cannot be done to an expert in their current status.")


class NotReviewer(PermissionDenied):
    code = "not_expert_reviewer"
    default_message = _(
        "Only the platform operator or a regulator of the expert's region may review or register experts."
    )


class NotTheExpert(PermissionDenied):
    code = "not_the_expert"
    default_message = _("Only the expert may change their own profile and declarations.")


class ReasonRequired(InvalidInput):
    code = "reason_required"
    default_message = _("Write the reason for the expert.")


class NoPool(Conflict):
    code = "no_expert_pool"
    default_message = _("No regulator or platform operator keeps an expert pool for this region yet.")
