"""Audit action labels of bidding.evaluation, registered by BiddingConfig.ready()."""

from django.utils.translation import gettext_lazy as _

LABELS: dict = {
    "bidding.qualification_marked": _("Qualification item marked by a panel member"),
    "bidding.qualification_submitted": _("Qualification review submitted by a panel member"),
    "bidding.qualification_concluded": _("Qualification review concluded (majority)"),
    "bidding.evaluation_failed": _("Evaluation failed: too few qualified bids"),
    "bidding.evaluation_negotiating": _("Evaluation moved to negotiation"),
    "bidding.scoring_started": _("Scoring started"),
    "bidding.price_explanation_requested": _("Explanation of an abnormally low price requested"),
    "bidding.price_explained": _("Abnormally low price explained by the bidder"),
    "bidding.price_explanation_decided": _("Explanation of an abnormally low price decided by the panel"),
    "bidding.price_explanation_missing": _("Explanation of an abnormally low price not given in time"),
    "bidding.final_quotations_evaluated": _("Final quotations taken into the evaluation"),
    "bidding.bid_scored": _("Bid scored by a panel member"),
    "bidding.scores_submitted": _("Score sheet submitted"),
    "bidding.evaluation_aggregated": _("Scores aggregated and bids ranked"),
    "bidding.report_signed": _("Evaluation report signed by a panel member"),
    "bidding.report_sealed": _("Evaluation report sealed"),
    "bidding.bid_file_read": _("Opened bid file read by a panel member"),
}
