"""Audit action labels of bidding.panels, registered by BiddingConfig.ready()."""

from django.utils.translation import gettext_lazy as _

LABELS: dict = {
    "bidding.panel_requested": _("Evaluation panel requested for a lot"),
    "bidding.panel_drawn": _("Evaluation panel drawn; the lot is under evaluation"),
    "bidding.evaluation_started": _("Evaluation started with the seated panel"),
    "bidding.panel_representative_named": _("Another purchaser representative invited to the panel"),
}
