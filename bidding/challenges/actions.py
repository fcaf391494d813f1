"""Audit action labels of bidding.challenges, registered by BiddingConfig.ready()."""

from django.utils.translation import gettext_lazy as _

LABELS: dict = {
    "bidding.challenge_filed": _("Challenge filed"),
    "bidding.challenge_answered": _("Challenge answered"),
    "bidding.challenge_withdrawn": _("Challenge withdrawn"),
    "bidding.challenge_answer_overdue": _("Challenge answer overdue (flagged to the regulator)"),
    "bidding.complaint_filed": _("Complaint filed with the regulator"),
    "bidding.lot_suspended": _("Procurement suspended during a complaint"),
    "bidding.complaint_decided": _("Complaint decided and the decision published"),
    "bidding.complaint_decision_overdue": _("Complaint decision overdue (flagged to the regulators)"),
    "bidding.contracting_started": _("Challenge period over: the lot moves to contracting"),
}
