from django.utils.translation import gettext_lazy as _

from common.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied


class SupplierNotFound(NotFound):
    code = "supplier_not_found"
    default_message = _("No such supplier registration.")


class NoticeNotFound(NotFound):
    code = "notice_not_found"
    default_message = _("No such notice.")


class InvalidRegistration(InvalidInput):
    """Several fields may be wrong at once: `errors` maps each field to its messages."""

    code = "invalid_registration"
    default_message = _("The registration has errors: see the messages by field.")

    def __init__(self, errors: dict, message=None):
        self.errors = errors
        super().__init__(message)


class DuplicateUscc(InvalidInput):
    code = "duplicate_uscc"
    default_message = _("An organisation with this unified social credit code is already registered.")


class InvalidTransition(Conflict):
    code = "invalid_transition"
    default_message = _("This cannot be done to a registration in its current status.")


class NotReviewer(PermissionDenied):
    code = "not_reviewer"
    default_message = _(
        "Only the platform operator or a regulator of the supplier's region may review its registration."
    )


class NotSupplierRepresentative(PermissionDenied):
    code = "not_supplier_representative"
    default_message = _("Only a representative of the supplier may do this.")


class NotEditable(Conflict):
    code = "registration_not_editable"
    default_message = _(
        "The registration can be changed only while it awaits review or changes are requested."
    )


class CommentRequired(InvalidInput):
    code = "comment_required"
    default_message = _("Write a comment for the supplier: what to change, or why.")
