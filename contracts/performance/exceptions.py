"""Domain errors of performance, acceptance, payment and breaches, with stable codes
(common/exceptions.py maps them to 400/403/404/409)."""

from django.utils.translation import gettext_lazy as _

from common.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied


class MilestoneNotFound(NotFound):
    """A milestone that does not exist and one of a contract the user may not see get the same answer."""

    code = "milestone_not_found"
    default_message = _("No such milestone.")


class AcceptanceNotFound(NotFound):
    code = "acceptance_not_found"
    default_message = _("No such acceptance.")


class PaymentApplicationNotFound(NotFound):
    code = "payment_application_not_found"
    default_message = _("No such payment application.")


class BreachNotFound(NotFound):
    code = "breach_not_found"
    default_message = _("No such breach.")


class NotSupplierRepresentative(PermissionDenied):
    code = "not_supplier_representative"
    default_message = _("Only a representative of the contract's supplier may do this.")


class NotPurchaserStaff(PermissionDenied):
    code = "not_purchaser_staff"
    default_message = _("Only a clerk or approver of the contract's purchaser may do this.")


class PerformanceStateRefused(Conflict):
    """The contract, the milestone or the payment application is not in a state that allows this."""

    code = "performance_invalid_transition"
    default_message = _("The contract is not in a state that allows this.")


class AlreadyAccepted(Conflict):
    code = "already_accepted"
    default_message = _("This milestone is already accepted: a milestone is accepted once.")


class InvalidAcceptance(InvalidInput):
    code = "invalid_acceptance"
    default_message = _("Check the acceptance report.")


class InvalidPayment(InvalidInput):
    code = "invalid_payment"
    default_message = _("Check the payment's fields.")


class PaymentAboveAvailable(InvalidInput):
    """A payment application above the unpaid accepted amount (the message names what is left)."""

    code = "payment_above_available"
    default_message = _("The amount is above the unpaid accepted amount.")


class InvalidBreach(InvalidInput):
    code = "invalid_breach"
    default_message = _("Check the breach's fields.")


class DeliveryNoteRequired(InvalidInput):
    code = "delivery_note_required"
    default_message = _("Say what was delivered.")


class ReasonRequired(InvalidInput):
    code = "reason_required"
    default_message = _("Give the reason.")
