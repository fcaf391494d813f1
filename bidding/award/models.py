"""The award of one lot (定标 and 中标/成交结果).

The signed evaluation report recommends ranked candidates; the purchaser confirms the first-ranked
one within the rulebook's working days (a beat sweep escalates an overdue confirmation to the
regulator); passing over a candidate needs its withdrawal or disqualification recorded.
Confirmation publishes the result notice and produces the award notice for the winner and a result
letter for every other bidder. States change only through bidding.award.services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel


class Award(TimeStampedModel):
    class Status(models.TextChoices):
        AWAITING_CONFIRMATION = "awaiting_confirmation", _("Awaiting the purchaser's confirmation")
        CONFIRMED = "confirmed", _("Confirmed and published")
        CANCELLED = "cancelled", _("Cancelled")

    lot = models.ForeignKey(
        "procurement.Lot", verbose_name=_("lot"), on_delete=models.PROTECT, related_name="awards"
    )
    evaluation = models.OneToOneField(
        "bidding.Evaluation", verbose_name=_("evaluation"), on_delete=models.PROTECT, related_name="award"
    )
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.AWAITING_CONFIRMATION
    )
    # The recommended candidates in rank order: [bid id, ...].
    candidates = models.JSONField(_("recommended candidates"), default=list)
    # Candidates passed over: [{"bid": id, "ground": "withdrawn"|"disqualified", "reason": str}].
    passed_over = models.JSONField(_("candidates passed over"), default=list)
    confirm_by = models.DateField(_("to be confirmed by"))
    escalated_at = models.DateTimeField(_("escalated to the regulator at"), null=True, blank=True)
    winner = models.ForeignKey(
        "bidding.Bid",
        verbose_name=_("winning bid"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    amount = models.DecimalField(
        _("award amount (CNY)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("confirmed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    result_notice = models.OneToOneField(
        "procurement.Notice",
        verbose_name=_("result notice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="award",
    )
    # The end of the result notice's standing period: challenges to the result count from here.
    notice_stands_until = models.DateField(_("result notice stands until"), null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True)

    class Meta:
        verbose_name = _("award")
        verbose_name_plural = _("awards")
        ordering = ["lot_id", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot"],
                condition=~Q(status="cancelled"),
                name="award_one_live_per_lot",
                violation_error_code="award_exists",
            ),
            models.CheckConstraint(
                condition=~Q(status="confirmed")
                | (Q(winner__isnull=False) & Q(confirmed_at__isnull=False) & Q(amount__isnull=False)),
                name="award_confirmed_has_winner",
                violation_error_code="no_winner",
            ),
        ]

    def __str__(self) -> str:
        return f"award of lot {self.lot_id}"


AWARD_TRANSITIONS: dict[str, frozenset[str]] = {
    Award.Status.AWAITING_CONFIRMATION: frozenset({Award.Status.CONFIRMED, Award.Status.CANCELLED}),
    Award.Status.CONFIRMED: frozenset({Award.Status.CANCELLED}),
    Award.Status.CANCELLED: frozenset(),
}


def can_transition_award(current: str, target: str) -> bool:
    return target in AWARD_TRANSITIONS.get(current, frozenset())


class AwardLetter(TimeStampedModel):
    """The award notice (中标/成交通知书) for the winner, or the result letter (结果告知书) for another
    bidder: a PDF sealed with its SHA-256, readable by that bidder, the purchaser and the agency."""

    class Kind(models.TextChoices):
        AWARD_NOTICE = "award_notice", _("Award notice")
        RESULT_LETTER = "result_letter", _("Result letter")

    award = models.ForeignKey(
        Award, verbose_name=_("award"), on_delete=models.CASCADE, related_name="letters"
    )
    bid = models.ForeignKey("bidding.Bid", verbose_name=_("bid"), on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    pdf = models.FileField(_("letter (PDF)"), upload_to="bidding/award-letters/%Y/")
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64)

    class Meta:
        verbose_name = _("award letter")
        verbose_name_plural = _("award letters")
        ordering = ["award_id", "kind", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["award", "bid"], name="award_letter_one_per_bid", violation_error_code="duplicate"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.kind} for bid {self.bid_id}"
