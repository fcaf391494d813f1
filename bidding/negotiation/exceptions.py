"""Domain errors of negotiation and consultation, with stable codes (common/exceptions.py maps
them to 400/403/404/409)."""

from django.utils.translation import gettext_lazy as _

from common.exceptions import Conflict, NotFound, PermissionDenied


class NegotiationNotFound(NotFound):
    """No such negotiation, thread or document — and one that is not yours gets the same answer."""

    code = "negotiation_not_found"
    default_message = _("No such negotiation.")


class NotNegotiating(Conflict):
    code = "not_negotiating"
    default_message = _("The panel is not negotiating on this lot now.")


class NegotiationClosed(Conflict):
    code = "negotiation_closed"
    default_message = _(
        "The panel has called for final quotations: the negotiation is over, no message or revision is taken."
    )


class LateQuotation(Conflict):
    code = "late_quotation"
    default_message = _("The final quotations were due by the deadline; none is accepted after it.")


class SecondFactorNeeded(PermissionDenied):
    code = "second_factor_needed"
    default_message = _("Sign in with your second factor to act for the panel.")
