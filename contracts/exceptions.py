"""Domain errors of contracts, with stable codes (common/exceptions.py maps them to 400/403/404/409).
The performance and financing sub-packages add theirs in their own exceptions.py."""

from django.utils.translation import gettext_lazy as _

from common.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied


class ContractNotFound(NotFound):
    """A contract that does not exist and one the user is no party to get the same answer."""

    code = "contract_not_found"
    default_message = _("No such contract.")


class ContractTransitionRefused(Conflict):
    code = "contract_invalid_transition"
    default_message = _("The contract is not in a state that allows this.")


class NotContractParty(PermissionDenied):
    code = "not_contract_party"
    default_message = _(
        "Only the purchaser's clerks and approvers or the supplier's representatives may do this."
    )


class InvalidContractInput(InvalidInput):
    code = "invalid_contract_input"
    default_message = _("Check the contract's fields.")


class ContractLotNotFound(NotFound):
    """A lot that does not exist and one of another purchaser get the same answer."""

    code = "contract_lot_not_found"
    default_message = _("No such lot awaiting a contract.")


class LotNotReadyForContract(Conflict):
    code = "lot_not_ready_for_contract"
    default_message = _(
        "The lot has no confirmed award whose challenge period is over: its contract cannot be drafted yet."
    )


class FixedByAward(InvalidContractInput):
    code = "fixed_by_award"
    default_message = _("Fixed by the award: the contract must match the tender and the bid.")


class ContractNotEditable(ContractTransitionRefused):
    code = "contract_not_editable"
    default_message = _("The contract can no longer be changed: it is no longer an unsigned draft.")


class AlreadySigned(Conflict):
    code = "already_signed"
    default_message = _("Your organisation has already signed this document: signing twice is not possible.")


class SigningBlocked(Conflict):
    code = "signing_blocked"
    default_message = _("The contract cannot be signed while a challenge or complaint about the lot is open.")


class SecondFactorNotSetUp(PermissionDenied):
    code = "second_factor_not_set_up"
    default_message = _(
        "Signing needs your second factor: set up an authenticator at /accounts/second-factor/setup/ first."
    )


class InvalidSigningCode(InvalidInput):
    code = "invalid_signing_code"
    default_message = _("The code from your authenticator is wrong or has already been used.")


class SupplementNotFound(NotFound):
    code = "supplement_not_found"
    default_message = _("No such supplementary agreement.")


class SupplementOverCap(InvalidInput):
    code = "supplement_over_cap"
    default_message = _("The supplementary agreements would exceed the legal cap.")
