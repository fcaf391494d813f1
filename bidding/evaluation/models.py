"""The evaluation of one lot's opened bids by its panel (评标 / 评审).

qualification: every seated member marks every bid pass/fail per qualification item (a fail needs
its reason); the majority decides; a failed bid is out with its reasons.
scoring: each member scores each qualified bid alone (comprehensive scoring: every non-price
criterion within its points); nobody sees another's sheet before submitting their own; the price
score is computed (bidding/evaluation/maths.py), never typed.
signing: every member signs the report with the second factor; the PDF is sealed with its SHA-256.
States change only through bidding.evaluation.services (EVALUATION_TRANSITIONS).
"""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel


class Evaluation(TimeStampedModel):
    class Status(models.TextChoices):
        QUALIFICATION = "qualification", _("Qualification review")
        AWAITING_EXPLANATIONS = "awaiting_explanations", _("Awaiting explanations of abnormally low prices")
        NEGOTIATING = "negotiating", _("Negotiating (final quotations)")
        SCORING = "scoring", _("Scoring")
        SIGNING = "signing", _("Signing the report")
        REPORTED = "reported", _("Report signed")
        FAILED = "failed", _("Failed (too few qualified bids)")
        SUPERSEDED = "superseded", _("Superseded by a re-evaluation")

    lot = models.ForeignKey(
        "procurement.Lot", verbose_name=_("lot"), on_delete=models.PROTECT, related_name="evaluations"
    )
    panel = models.ForeignKey(
        "experts.Panel", verbose_name=_("panel"), on_delete=models.PROTECT, related_name="evaluations"
    )
    # The version of the tender documents the bids answered (pinned: an amendment after this lot's
    # deadline, or a later re-tender's documents, never changes how this lot is evaluated).
    document = models.ForeignKey(
        "procurement.TenderDocument",
        verbose_name=_("tender documents"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=24, choices=Status.choices, default=Status.QUALIFICATION
    )
    round = models.PositiveSmallIntegerField(
        _("round"), default=1, help_text=_("2 and up after a complaint upheld.")
    )
    method = models.CharField(_("evaluation method"), max_length=16)
    price_weight = models.DecimalField(
        _("price weight (points)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    # Snapshots from the pinned documents: [{"name_zh", "name_en", "kind", "points"}] and [str].
    criteria = models.JSONField(_("scoring criteria"), default=list)
    qualification_items = models.JSONField(_("qualification items"), default=list)
    sme_deduction_percent = models.DecimalField(
        _("small and micro enterprise price deduction (%)"), max_digits=5, decimal_places=2, default=0
    )
    deviation_percent = models.DecimalField(
        _("deviation from the median needing a reason (percent of the criterion's points)"),
        max_digits=5,
        decimal_places=2,
    )
    abnormal_price_percent = models.DecimalField(
        _("abnormally low: this far below the mean of the others (%)"), max_digits=5, decimal_places=2
    )
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    scored_at = models.DateTimeField(_("scoring finished at"), null=True, blank=True)
    reported_at = models.DateTimeField(_("report sealed at"), null=True, blank=True)
    report_pdf = models.FileField(
        _("evaluation report (PDF)"), upload_to="bidding/evaluation-reports/%Y/", blank=True
    )
    report_sha256 = models.CharField(_("SHA-256 of the report"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["lot_id", "-round"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot"],
                condition=~Q(status__in=["superseded"]),
                name="evaluation_one_live_per_lot",
                violation_error_code="evaluation_exists",
            ),
            models.UniqueConstraint(
                fields=["lot", "round"], name="evaluation_round_unique", violation_error_code="round_exists"
            ),
            models.CheckConstraint(
                condition=~Q(status="reported") | (~Q(report_sha256="") & Q(reported_at__isnull=False)),
                name="evaluation_reported_is_sealed",
                violation_error_code="not_sealed",
            ),
        ]

    def __str__(self) -> str:
        return f"evaluation {self.round} of lot {self.lot_id}"


EVALUATION_TRANSITIONS: dict[str, frozenset[str]] = {
    Evaluation.Status.QUALIFICATION: frozenset(
        {
            Evaluation.Status.NEGOTIATING,
            Evaluation.Status.SCORING,
            # The lowest evaluated price method (and inquiry) ranks at once: straight to signing.
            Evaluation.Status.SIGNING,
            Evaluation.Status.AWAITING_EXPLANATIONS,
            Evaluation.Status.FAILED,
            Evaluation.Status.SUPERSEDED,
        }
    ),
    Evaluation.Status.AWAITING_EXPLANATIONS: frozenset(
        {
            Evaluation.Status.SCORING,
            Evaluation.Status.SIGNING,
            Evaluation.Status.FAILED,
            Evaluation.Status.SUPERSEDED,
        }
    ),
    # Negotiation and consultation (bidding.negotiation): after the final quotations are opened,
    # consultation scores; negotiation ranks by the lowest final price.
    Evaluation.Status.NEGOTIATING: frozenset(
        {
            Evaluation.Status.SCORING,
            Evaluation.Status.SIGNING,
            Evaluation.Status.FAILED,
            Evaluation.Status.SUPERSEDED,
        }
    ),
    Evaluation.Status.SCORING: frozenset({Evaluation.Status.SIGNING, Evaluation.Status.SUPERSEDED}),
    Evaluation.Status.SIGNING: frozenset({Evaluation.Status.REPORTED, Evaluation.Status.SUPERSEDED}),
    Evaluation.Status.REPORTED: frozenset({Evaluation.Status.SUPERSEDED}),
    Evaluation.Status.FAILED: frozenset({Evaluation.Status.SUPERSEDED}),
    Evaluation.Status.SUPERSEDED: frozenset(),
}


def can_transition_evaluation(current: str, target: str) -> bool:
    return target in EVALUATION_TRANSITIONS.get(current, frozenset())


class QualificationMark(TimeStampedModel):
    """One member's pass/fail on one qualification item of one bid."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="marks"
    )
    seat = models.ForeignKey(
        "experts.PanelSeat", verbose_name=_("panel seat"), on_delete=models.PROTECT, related_name="+"
    )
    bid = models.ForeignKey("bidding.Bid", verbose_name=_("bid"), on_delete=models.PROTECT, related_name="+")
    item = models.PositiveSmallIntegerField(_("qualification item"))
    passed = models.BooleanField(_("passed"))
    reason = models.TextField(_("reason"), blank=True)

    class Meta:
        verbose_name = _("qualification mark")
        verbose_name_plural = _("qualification marks")
        ordering = ["evaluation_id", "bid_id", "item", "seat_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["seat", "bid", "item"],
                name="qualification_mark_once",
                violation_error_code="duplicate",
            ),
            models.CheckConstraint(
                condition=Q(passed=True) | ~Q(reason=""),
                name="qualification_fail_has_reason",
                violation_error_code="reason_missing",
                violation_error_message=_("A fail needs its reason."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.seat_id}/{self.bid_id}/{self.item}"


class ScoreSheet(TimeStampedModel):
    """One member's scores for the lot: a draft only they see, then submitted (final; the others'
    sheets become visible to them), then signed with the report."""

    class Status(models.TextChoices):
        QUALIFYING = "qualifying", _("Qualification review")
        QUALIFIED = "qualified", _("Qualification review submitted")
        DRAFT = "draft", _("Scoring")
        SUBMITTED = "submitted", _("Submitted")
        SIGNED = "signed", _("Signed")

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="sheets"
    )
    seat = models.ForeignKey(
        "experts.PanelSeat", verbose_name=_("panel seat"), on_delete=models.PROTECT, related_name="sheets"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.QUALIFYING)
    qualified_at = models.DateTimeField(_("qualification review submitted at"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("scores submitted at"), null=True, blank=True)
    signed_at = models.DateTimeField(_("report signed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("score sheet")
        verbose_name_plural = _("score sheets")
        ordering = ["evaluation_id", "seat_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "seat"],
                name="score_sheet_one_per_seat",
                violation_error_code="duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"sheet of seat {self.seat_id}"


class Score(TimeStampedModel):
    """Points one member gives one bid on one non-price criterion (index into Evaluation.criteria)."""

    sheet = models.ForeignKey(
        ScoreSheet, verbose_name=_("score sheet"), on_delete=models.CASCADE, related_name="scores"
    )
    bid = models.ForeignKey("bidding.Bid", verbose_name=_("bid"), on_delete=models.PROTECT, related_name="+")
    criterion = models.PositiveSmallIntegerField(_("criterion"))
    points = models.DecimalField(_("points"), max_digits=6, decimal_places=2)
    comment = models.TextField(_("comment"), blank=True)
    deviation_reason = models.TextField(_("reason for the deviation from the panel"), blank=True)

    class Meta:
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        ordering = ["sheet_id", "bid_id", "criterion"]
        constraints = [
            models.UniqueConstraint(
                fields=["sheet", "bid", "criterion"], name="score_once", violation_error_code="duplicate"
            ),
            models.CheckConstraint(
                condition=Q(points__gte=0), name="score_not_negative", violation_error_code="negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sheet_id}/{self.bid_id}/{self.criterion}"


class BidAssessment(TimeStampedModel):
    """The panel's result for one bid: qualification (majority), evaluated price with the SME
    deduction, price score, mean technical and commercial scores, total and rank; and, for an
    abnormally low price, the bidder's explanation and the panel's decision on it."""

    class Explanation(models.TextChoices):
        NOT_NEEDED = "not_needed", _("Not needed")
        REQUESTED = "requested", _("Requested")
        GIVEN = "given", _("Given, awaiting the panel")
        ACCEPTED = "accepted", _("Accepted by the panel")
        REJECTED = "rejected", _("Rejected by the panel")
        NOT_GIVEN = "not_given", _("Not given in time")

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="assessments"
    )
    bid = models.ForeignKey(
        "bidding.Bid", verbose_name=_("bid"), on_delete=models.PROTECT, related_name="assessments"
    )
    qualified = models.BooleanField(_("passed the qualification review"), null=True)
    fail_reasons = models.JSONField(_("reasons for failing"), default=list)
    is_small_or_micro = models.BooleanField(_("small or micro enterprise"), default=False)
    price = models.DecimalField(_("price (CNY)"), max_digits=18, decimal_places=2)
    evaluated_price = models.DecimalField(
        _("evaluated price (CNY)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    deduction_percent = models.DecimalField(
        _("price deduction (%)"), max_digits=5, decimal_places=2, default=0
    )
    price_score = models.DecimalField(_("price score"), max_digits=7, decimal_places=2, null=True, blank=True)
    technical_score = models.DecimalField(
        _("technical score"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    commercial_score = models.DecimalField(
        _("commercial score"), max_digits=7, decimal_places=2, null=True, blank=True
    )
    total_score = models.DecimalField(_("total score"), max_digits=7, decimal_places=2, null=True, blank=True)
    rank = models.PositiveSmallIntegerField(_("rank"), null=True, blank=True)
    explanation_status = models.CharField(
        _("explanation of an abnormally low price"),
        max_length=12,
        choices=Explanation.choices,
        default=Explanation.NOT_NEEDED,
    )
    explanation_due = models.DateTimeField(_("explanation due by"), null=True, blank=True)
    explanation = models.TextField(_("the bidder's explanation"), blank=True)
    explanation_file = models.FileField(
        _("supporting document"), upload_to="bidding/explanations/%Y/", blank=True
    )
    explanation_decision = models.TextField(_("the panel's decision on the explanation"), blank=True)

    class Meta:
        verbose_name = _("bid assessment")
        verbose_name_plural = _("bid assessments")
        ordering = ["evaluation_id", "rank", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation", "bid"], name="assessment_once", violation_error_code="duplicate"
            ),
            models.CheckConstraint(
                condition=Q(rank__isnull=True) | Q(qualified=True),
                name="assessment_ranked_is_qualified",
                violation_error_code="ranked_unqualified",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.evaluation_id}/{self.bid_id}"


class EvaluationFlag(TimeStampedModel):
    """What the regulator should look at: a score far from the panel's median (with the reason the
    member gave), or identical score sheets across members."""

    class Kind(models.TextChoices):
        DEVIATION = "deviation", _("Score far from the panel's median")
        IDENTICAL_SHEETS = "identical_sheets", _("Identical score sheets")

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="flags"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    seats = models.ManyToManyField("experts.PanelSeat", verbose_name=_("panel seats"), related_name="+")
    evidence = models.JSONField(_("evidence"), default=dict)

    class Meta:
        verbose_name = _("evaluation flag")
        verbose_name_plural = _("evaluation flags")
        ordering = ["evaluation_id", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on evaluation {self.evaluation_id}"
