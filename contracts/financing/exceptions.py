"""Domain errors of contract financing, with stable codes (common/exceptions.py maps them to
400/403/404/409)."""

from django.utils.translation import gettext_lazy as _

from common.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied


class FinancingNotFound(NotFound):
    """An application that does not exist and one the user may not see (another bank's, another
    supplier's) get the same answer."""

    code = "financing_not_found"
    default_message = _("No such financing application.")


class BankNotFound(NotFound):
    code = "bank_not_found"
    default_message = _("No such bank.")


class NotFinancingApplicant(PermissionDenied):
    code = "not_financing_applicant"
    default_message = _("Only the supplier's representatives may apply for financing against its contract.")


class ContractNotBinding(Conflict):
    code = "financing_contract_not_signed"
    default_message = _("Financing can be applied for only against a signed contract still in force.")


class FinancingTransitionRefused(Conflict):
    code = "financing_invalid_transition"
    default_message = _("The financing application is not in a state that allows this.")


class AlreadyApplied(Conflict):
    code = "financing_already_applied"
    default_message = _(
        "An application of this contract to this bank is already awaiting its decision: wait for it, "
        "or withdraw it first."
    )


class InvalidFinancingInput(InvalidInput):
    code = "invalid_financing_input"
    default_message = _("Check the financing application's fields.")


class FinancingReasonRequired(InvalidInput):
    code = "financing_reason_required"
    default_message = _("Give the reason for declining.")
