"""Domain errors of the award, with stable codes (common/exceptions.py maps them to 400/403/404/409)."""

from django.utils.translation import gettext_lazy as _

from common.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied


class AwardNotFound(NotFound):
    """An award that does not exist and one the user may not see get the same answer."""

    code = "award_not_found"
    default_message = _("No such award.")


class AwardLetterNotFound(NotFound):
    code = "award_letter_not_found"
    default_message = _("No such award letter.")


class AwardNotProposable(Conflict):
    code = "award_not_proposable"
    default_message = _("The evaluation report is not sealed, or the lot does not await its award.")


class AwardTransitionRefused(Conflict):
    code = "award_invalid_transition"
    default_message = _("The award is not in a state that allows this.")


class NotAwardConfirmer(PermissionDenied):
    code = "not_award_confirmer"
    default_message = _(
        "Only a clerk or approver of the purchaser, signed in with the second factor, confirms an award."
    )


class InvalidCandidate(InvalidInput):
    code = "invalid_candidate"
    default_message = _("Choose one of the recommended candidates.")


class PassOverRequired(InvalidInput):
    """Confirming a lower-ranked candidate while one ranked above it has no recorded withdrawal or
    disqualification."""

    code = "pass_over_required"
    default_message = _("Record the withdrawal or disqualification of every candidate ranked above.")


class InvalidPassOver(InvalidInput):
    code = "invalid_pass_over"
    default_message = _(
        "A candidate passed over needs its ground (withdrawn or disqualified) and the reason."
    )


class ReasonRequired(InvalidInput):
    code = "reason_required"
    default_message = _("Give the reason.")
