"""Domain errors of challenges (质疑) and complaints (投诉), with stable codes (common/exceptions.py
maps them to 400/403/404/409 pages and JSON)."""

from django.utils.translation import gettext_lazy as _

from common.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied


class ChallengeNotFound(NotFound):
    """A challenge that does not exist and one the user is no party to get the same answer."""

    code = "challenge_not_found"
    default_message = _("No such challenge.")


class ComplaintNotFound(NotFound):
    code = "complaint_not_found"
    default_message = _("No such complaint.")


class ChallengeLotNotFound(NotFound):
    """A lot the user's supplier may not challenge (it neither bid nor obtained the documents)
    answers like a lot that does not exist."""

    code = "lot_not_found"
    default_message = _("No such lot that your organisation may challenge.")


class NotChallenged(NotFound):
    """A complaint may only concern a matter the complainant challenged first (Implementing
    Regulations art. 55): a challenge that is not the complainant's is one never made."""

    code = "not_challenged"
    default_message = _(
        "A complaint may only concern a matter your organisation has challenged first; "
        "there is no such challenge of yours."
    )


class ChallengeRefused(InvalidInput):
    code = "challenge_refused"


class ChallengeLate(Conflict):
    code = "challenge_late"
    default_message = _("The time to challenge this notice has passed.")


class ComplaintLate(Conflict):
    code = "complaint_late"
    default_message = _("The time to complain has passed.")


class ComplaintTooEarly(Conflict):
    code = "complaint_too_early"
    default_message = _(
        "A complaint may be filed once the challenge is answered, or once its answer is overdue."
    )


class ChallengeStateRefused(Conflict):
    code = "challenge_invalid_transition"
    default_message = _("The challenge is not in a state that allows this.")


class ComplaintStateRefused(Conflict):
    code = "complaint_invalid_transition"
    default_message = _("The complaint is not in a state that allows this.")


class SuspensionTooLong(InvalidInput):
    code = "suspension_too_long"
    default_message = _("The suspension is longer than the law allows.")


class DecisionRefused(Conflict):
    code = "decision_refused"


class SecondFactorRequired(PermissionDenied):
    code = "second_factor_required"
    default_message = _("Confirm your second factor (authenticator code) before doing this.")


class NotAllowed(PermissionDenied):
    code = "challenge_not_allowed"
