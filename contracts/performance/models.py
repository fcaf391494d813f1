"""Performance of a signed contract: milestones (deliveries, service periods) with due dates, the
purchaser's acceptance of each (履约验收), the supplier's payment applications against accepted
milestones (支付申请), and breaches (违约) recorded with evidence.

    milestone: pending ──supplier reports delivery──▶ delivered ──acceptance passed──▶ accepted
                                                         └──acceptance failed──▶ pending (deliver again)
    payment application: submitted ──approve──▶ approved ──payment recorded──▶ paid
                                    └──reject (reason)──▶ rejected

States change only through contracts.performance.services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel


class Milestone(TimeStampedModel):
    class Kind(models.TextChoices):
        DELIVERY = "delivery", _("Delivery")
        SERVICE_PERIOD = "service_period", _("Service period")

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting delivery")
        DELIVERED = "delivered", _("Delivered, awaiting acceptance")
        ACCEPTED = "accepted", _("Accepted")

    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("contract"), on_delete=models.CASCADE, related_name="milestones"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.DELIVERY)
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("what is delivered"), blank=True)
    due_date = models.DateField(_("due date"))
    amount = models.DecimalField(_("amount payable on acceptance (CNY)"), max_digits=18, decimal_places=2)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    delivered_at = models.DateTimeField(_("delivery reported at"), null=True, blank=True)
    delivery_note = models.TextField(_("delivery report"), blank=True)
    delivered_late = models.BooleanField(_("delivered after the due date"), default=False)
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    supplement = models.ForeignKey(
        "contracts.SupplementaryAgreement",
        verbose_name=_("supplementary agreement"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="milestones",
    )

    class Meta:
        verbose_name = _("milestone")
        verbose_name_plural = _("milestones")
        ordering = ["contract_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "number"],
                name="milestone_number_unique",
                violation_error_code="duplicate",
            ),
            models.CheckConstraint(
                condition=Q(amount__gte=0),
                name="milestone_amount_not_negative",
                violation_error_code="amount",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract_id} #{self.number} {self.title}"


MILESTONE_TRANSITIONS: dict[str, frozenset[str]] = {
    Milestone.Status.PENDING: frozenset({Milestone.Status.DELIVERED}),
    Milestone.Status.DELIVERED: frozenset({Milestone.Status.ACCEPTED, Milestone.Status.PENDING}),
    Milestone.Status.ACCEPTED: frozenset(),
}


def can_transition_milestone(current: str, target: str) -> bool:
    return target in MILESTONE_TRANSITIONS.get(current, frozenset())


class Acceptance(TimeStampedModel):
    """The purchaser's acceptance of one delivery (履约验收, GPL art. 41, Regulations art. 45): the
    acceptance team, every technical, service and safety requirement checked, the outcome, and
    (large projects) a third-party inspection report. Published when recorded."""

    class Outcome(models.TextChoices):
        PASSED = "passed", _("Passed")
        PASSED_WITH_REMARKS = "passed_with_remarks", _("Passed with remarks")
        FAILED = "failed", _("Failed")

    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.CASCADE, related_name="acceptances"
    )
    outcome = models.CharField(_("outcome"), max_length=20, choices=Outcome.choices)
    # [{"name": str, "role": str}]: who checked and signed the acceptance report.
    team = models.JSONField(_("acceptance team"), default=list)
    # [{"category": "technical"|"service"|"safety", "requirement": str, "passed": bool, "remark": str}]
    checks = models.JSONField(_("requirements checked"), default=list)
    remarks = models.TextField(_("remarks"), blank=True)
    reasons = models.TextField(_("reasons for failing"), blank=True)
    inspection_report = models.FileField(
        _("third-party inspection report (PDF)"), upload_to="contracts/inspections/%Y/", blank=True
    )
    inspection_sha256 = models.CharField(_("SHA-256 of the inspection report"), max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"))
    notice = models.OneToOneField(
        "procurement.Notice",
        verbose_name=_("acceptance notice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="acceptance",
    )

    class Meta:
        verbose_name = _("acceptance")
        verbose_name_plural = _("acceptances")
        ordering = ["milestone_id", "recorded_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone"],
                condition=~Q(outcome="failed"),
                name="acceptance_one_pass_per_milestone",
                violation_error_code="already_accepted",
            ),
            models.CheckConstraint(
                condition=~Q(outcome="failed") | ~Q(reasons=""),
                name="acceptance_failed_has_reasons",
                violation_error_code="reasons",
            ),
        ]

    def __str__(self) -> str:
        return f"acceptance of milestone {self.milestone_id}: {self.outcome}"


class PaymentApplication(TimeStampedModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved, awaiting payment")
        REJECTED = "rejected", _("Rejected")
        PAID = "paid", _("Paid")

    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.CASCADE,
        related_name="payment_applications",
    )
    milestone = models.ForeignKey(
        Milestone, verbose_name=_("milestone"), on_delete=models.PROTECT, related_name="payment_applications"
    )
    amount = models.DecimalField(_("amount applied for (CNY)"), max_digits=18, decimal_places=2)
    invoice_number = models.CharField(_("invoice number"), max_length=40)
    note = models.TextField(_("note"), blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applied by"), on_delete=models.PROTECT, related_name="+"
    )
    # For a small or micro supplier: the last day to pay (days after acceptance, rulebook).
    pay_by = models.DateField(_("to be paid by"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    rejection_reason = models.TextField(_("reason for rejection"), blank=True)
    paid_amount = models.DecimalField(
        _("amount paid (CNY)"), max_digits=18, decimal_places=2, null=True, blank=True
    )
    paid_on = models.DateField(_("paid on"), null=True, blank=True)
    payment_reference = models.CharField(_("payment reference"), max_length=60, blank=True)
    late_flagged_at = models.DateTimeField(_("late payment flagged at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payment application")
        verbose_name_plural = _("payment applications")
        ordering = ["contract_id", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="payment_amount_positive", violation_error_code="amount"
            ),
            models.CheckConstraint(
                condition=~Q(status="paid") | (Q(paid_amount__isnull=False) & Q(paid_on__isnull=False)),
                name="payment_paid_has_amount",
                violation_error_code="paid",
            ),
            models.CheckConstraint(
                condition=~Q(status="rejected") | ~Q(rejection_reason=""),
                name="payment_rejected_has_reason",
                violation_error_code="reason",
            ),
        ]

    def __str__(self) -> str:
        return f"payment application {self.pk} of contract {self.contract_id}"


PAYMENT_TRANSITIONS: dict[str, frozenset[str]] = {
    PaymentApplication.Status.SUBMITTED: frozenset(
        {PaymentApplication.Status.APPROVED, PaymentApplication.Status.REJECTED}
    ),
    PaymentApplication.Status.APPROVED: frozenset({PaymentApplication.Status.PAID}),
    PaymentApplication.Status.REJECTED: frozenset(),
    PaymentApplication.Status.PAID: frozenset(),
}

# Applications that count against the accepted amount still unpaid.
OPEN_OR_PAID = (
    PaymentApplication.Status.SUBMITTED,
    PaymentApplication.Status.APPROVED,
    PaymentApplication.Status.PAID,
)


def can_transition_payment(current: str, target: str) -> bool:
    return target in PAYMENT_TRANSITIONS.get(current, frozenset())


class Breach(TimeStampedModel):
    """A breach of the contract (违约) recorded with evidence, published, and turned into a credit
    event of the party responsible (credit.services.record_event)."""

    class Kind(models.TextChoices):
        LATE_DELIVERY = "late_delivery", _("Late delivery")
        FAILED_ACCEPTANCE = "failed_acceptance", _("Failed acceptance")
        REFUSAL_TO_SIGN = "refusal_to_sign", _("Refusal to sign the contract")
        TERMINATION = "termination", _("Termination for breach")

    contract = models.ForeignKey(
        "contracts.Contract", verbose_name=_("contract"), on_delete=models.PROTECT, related_name="breaches"
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    responsible = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("party responsible"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    milestone = models.ForeignKey(
        Milestone,
        verbose_name=_("milestone"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    description = models.TextField(_("what happened"))
    evidence = models.FileField(_("evidence (PDF)"), upload_to="contracts/breaches/%Y/")
    evidence_sha256 = models.CharField(_("SHA-256 of the evidence"), max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("recorded by"), on_delete=models.PROTECT, related_name="+"
    )
    notice = models.OneToOneField(
        "procurement.Notice",
        verbose_name=_("breach notice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="breach",
    )
    credit_event = models.ForeignKey(
        "credit.CreditEvent",
        verbose_name=_("credit event"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("breach")
        verbose_name_plural = _("breaches")
        ordering = ["contract_id", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on contract {self.contract_id}"
