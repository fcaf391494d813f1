from django.utils.translation import gettext_lazy as _

from common.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied


class CreditRecordNotFound(NotFound):
    code = "credit_record_not_found"
    default_message = _("No such credit record.")


class CreditEventNotFound(NotFound):
    code = "credit_event_not_found"
    default_message = _("No such credit event.")


class CreditAppealNotFound(NotFound):
    code = "credit_appeal_not_found"
    default_message = _("No such appeal.")


class CreditImportNotFound(NotFound):
    code = "credit_import_not_found"
    default_message = _("No such import.")


class CreditRuleNotFound(InvalidInput):
    code = "unknown_credit_rule"
    default_message = _("There is no credit rule with this code in use.")


class NotACreditParty(InvalidInput):
    code = "not_a_credit_party"
    default_message = _("Only purchasers, agencies, suppliers and evaluation experts have a credit record.")


class RuleDoesNotApply(InvalidInput):
    code = "rule_does_not_apply"
    default_message = _("This credit rule applies to another kind of party.")


class DateInFuture(InvalidInput):
    code = "date_in_future"
    default_message = _("The date lies in the future.")


class DocumentRequired(InvalidInput):
    code = "document_required"
    default_message = _("A penalty decision needs its document (the signed decision, as PDF or image).")


class InvalidBan(InvalidInput):
    code = "invalid_ban"
    default_message = _("A ban lasts from one to three years (Government Procurement Law, art. 77).")


class AppealPeriodOver(Conflict):
    code = "appeal_period_over"
    default_message = _("The time to appeal this event is over.")


class AppealNotAllowed(Conflict):
    code = "appeal_not_allowed"
    default_message = _("This event cannot be appealed: it is reversed or already under appeal.")


class AppealAlreadyDecided(Conflict):
    code = "appeal_already_decided"
    default_message = _("This appeal has already been decided.")


class ReasonsRequired(InvalidInput):
    code = "reasons_required"
    default_message = _("Give the reasons.")


class NotRegulator(PermissionDenied):
    code = "not_regulator"
    default_message = _("Only a regulator may do this.")


class FeedAlreadyImported(Conflict):
    code = "feed_already_imported"
    default_message = _("This feed file has already been imported; importing it again changes nothing.")


class InvalidFeed(InvalidInput):
    code = "invalid_feed"
    default_message = _(
        "The feed cannot be read: it must be a CSV file with a header row or a JSON list of records."
    )


class NotEligible(PermissionDenied):
    code = "not_eligible"
    default_message = _("The party is not eligible because of its credit record.")
