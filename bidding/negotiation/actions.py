"""Audit action labels of bidding.negotiation, registered by BiddingConfig.ready()."""

from django.utils.translation import gettext_lazy as _

LABELS: dict = {
    "bidding.negotiation_message_sent": _("Negotiation: the panel wrote to a supplier"),
    "bidding.negotiation_reply_received": _("Negotiation: a supplier answered"),
    "bidding.requirements_revised": _("Negotiation: requirements revised for every supplier"),
    "bidding.final_quotations_called": _("Final quotations called"),
    "bidding.final_quotation_submitted": _("Sealed final quotation submitted"),
    "bidding.final_quotations_opened": _("Final quotations opened"),
}
