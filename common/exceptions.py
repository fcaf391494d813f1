"""Domain errors: a stable code, a translated message and the HTTP status they map to.

Apps subclass these in their own exceptions.py. One DRF exception handler (common.api) and one
template path (common.views.render_domain_error) turn them into responses; a rejected request
changes nothing because every service is one transaction.
"""

from django.utils.translation import gettext_lazy as _


class DomainError(Exception):
    code = "domain_error"
    status = 400
    default_message = _("The request could not be carried out.")

    def __init__(self, message=None, *, code: str | None = None, params: dict | None = None):
        self.message = message if message is not None else self.default_message
        if code:
            self.code = code
        self.params = params or {}
        super().__init__(str(self.message))

    def __str__(self) -> str:
        return str(self.message)


class InvalidInput(DomainError):
    code = "invalid_input"
    status = 400


class PermissionDenied(DomainError):
    code = "permission_denied"
    status = 403
    default_message = _("You are not allowed to do this.")


class NotFound(DomainError):
    code = "not_found"
    status = 404
    default_message = _("Not found.")


class Conflict(DomainError):
    """The object is not in a state that allows this (a transition that is not in the table)."""

    code = "conflict"
    status = 409
    default_message = _("This cannot be done in the object's current state.")
