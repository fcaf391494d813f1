"""Domain errors of bidding, with stable codes (common/exceptions.py maps them to 400/403/404/409)."""

from django.utils.translation import gettext_lazy as _

from common.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied


class BidNotFound(NotFound):
    """A bid that does not exist and a bid that is not yours get the same answer."""

    code = "bid_not_found"
    default_message = _("No such bid.")


class BiddingClosed(Conflict):
    code = "bidding_closed"
    default_message = _("Bidding for this lot has closed.")


class LateBid(Conflict):
    code = "late_bid"
    default_message = _("The bid deadline has passed.")


class NotEligibleToBid(PermissionDenied):
    code = "not_eligible_to_bid"
    default_message = _("Your organisation may not bid for this lot.")


class IncompleteBid(InvalidInput):
    code = "incomplete_bid"


class UploadConflict(Conflict):
    code = "upload_conflict"


class OpeningRefused(Conflict):
    code = "opening_refused"


class SealedContent(PermissionDenied):
    """Reading a bid's content before its opening: refused, and the attempt is audited."""

    code = "sealed"
    default_message = _("The bid is sealed until the opening.")
