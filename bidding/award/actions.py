"""Audit action labels of bidding.award, registered by BiddingConfig.ready()."""

from django.utils.translation import gettext_lazy as _

LABELS: dict = {
    "bidding.award_proposed": _("Award proposed from the evaluation report"),
    "bidding.award_passed_over": _("Award candidate passed over (withdrawn or disqualified)"),
    "bidding.award_confirmed": _("Award confirmed and result published"),
    "bidding.award_escalated": _("Award confirmation overdue (escalated to the regulator)"),
    "bidding.award_cancelled": _("Award cancelled"),
}
