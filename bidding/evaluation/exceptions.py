"""Domain errors of the evaluation, with stable codes (common/exceptions.py maps them to
400/403/404/409)."""

from django.utils.translation import gettext_lazy as _

from common.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied


class EvaluationNotFound(NotFound):
    """An evaluation, a bid or a criterion that does not exist and one that is not yours to
    evaluate get the same answer."""

    code = "evaluation_not_found"
    default_message = _("No such evaluation of yours.")


class EvaluationRefused(Conflict):
    code = "evaluation_refused"
    default_message = _("This cannot be done at this stage of the evaluation.")


class EvaluationInvalid(InvalidInput):
    code = "evaluation_invalid"


class SecondFactorNeeded(PermissionDenied):
    code = "second_factor_required"
    default_message = _("Verify your second factor before signing.")


class WrongRole(PermissionDenied):
    code = "wrong_role"
    default_message = _("Act in the membership in which you sit on this panel.")
