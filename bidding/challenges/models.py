"""Challenges (质疑) to the purchaser or agency, and complaints (投诉) to the regulator.

A bidder (or a supplier who obtained the documents) challenges the documents, the process or the
result within the rulebook's working days of the relevant notice; the purchaser or agency answers
within its limit. A challenge that may affect the result suspends contract signing for the lot. An
unsatisfied challenger complains to the regulator, only on matters already challenged; the
regulator may suspend the lot (up to 30 days) and decides: dismissed, upheld with re-evaluation,
or upheld with re-tender. Decisions are published. States change only through
bidding.challenges.services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel


class Subject(models.TextChoices):
    DOCUMENTS = "documents", _("The procurement documents")
    PROCESS = "process", _("The procurement process")
    RESULT = "result", _("The result")


class Challenge(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Awaiting the answer")
        ANSWERED = "answered", _("Answered")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    lot = models.ForeignKey(
        "procurement.Lot", verbose_name=_("lot"), on_delete=models.PROTECT, related_name="challenges"
    )
    supplier = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="challenges",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    subject = models.CharField(_("what is challenged"), max_length=12, choices=Subject.choices)
    notice = models.ForeignKey(
        "procurement.Notice",
        verbose_name=_("notice challenged"),
        on_delete=models.PROTECT,
        related_name="challenges",
    )
    deadline = models.DateField(_("last day to challenge"))
    grounds = models.TextField(_("grounds"))
    evidence = models.FileField(_("evidence (PDF)"), upload_to="bidding/challenges/%Y/", blank=True)
    evidence_sha256 = models.CharField(_("SHA-256 of the evidence"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.OPEN)
    may_affect_result = models.BooleanField(
        _("may affect the result"),
        default=True,
        help_text=_("While it is open, the lot's contract cannot be signed."),
    )
    answer_due = models.DateField(_("answer due by"))
    answer = models.TextField(_("answer"), blank=True)
    upheld = models.BooleanField(_("the challenge is upheld"), null=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("flagged as overdue at"), null=True, blank=True)

    class Meta:
        verbose_name = _("challenge")
        verbose_name_plural = _("challenges")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="answered") | (~Q(answer="") & Q(answered_at__isnull=False)),
                name="challenge_answered_has_answer",
                violation_error_code="no_answer",
            ),
        ]

    def __str__(self) -> str:
        return f"challenge {self.pk} on lot {self.lot_id}"


CHALLENGE_TRANSITIONS: dict[str, frozenset[str]] = {
    Challenge.Status.OPEN: frozenset({Challenge.Status.ANSWERED, Challenge.Status.WITHDRAWN}),
    Challenge.Status.ANSWERED: frozenset(),
    Challenge.Status.WITHDRAWN: frozenset(),
}


def can_transition_challenge(current: str, target: str) -> bool:
    return target in CHALLENGE_TRANSITIONS.get(current, frozenset())


class Complaint(TimeStampedModel):
    class Status(models.TextChoices):
        FILED = "filed", _("Filed, under review")
        DISMISSED = "dismissed", _("Dismissed")
        UPHELD_REEVALUATION = "upheld_reevaluation", _("Upheld: re-evaluation")
        UPHELD_RETENDER = "upheld_retender", _("Upheld: procure again")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    challenge = models.ForeignKey(
        Challenge, verbose_name=_("challenge"), on_delete=models.PROTECT, related_name="complaints"
    )
    lot = models.ForeignKey(
        "procurement.Lot", verbose_name=_("lot"), on_delete=models.PROTECT, related_name="complaints"
    )
    supplier = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="complaints",
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("filed by"), on_delete=models.PROTECT, related_name="+"
    )
    deadline = models.DateField(_("last day to complain"))
    grounds = models.TextField(_("grounds"))
    evidence = models.FileField(_("evidence (PDF)"), upload_to="bidding/complaints/%Y/", blank=True)
    evidence_sha256 = models.CharField(_("SHA-256 of the evidence"), max_length=64, blank=True)
    status = models.CharField(_("status"), max_length=24, choices=Status.choices, default=Status.FILED)
    decision_due = models.DateField(_("decision due by"))
    suspended_until = models.DateField(_("procurement suspended until"), null=True, blank=True)
    decision = models.TextField(_("decision"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    notice = models.OneToOneField(
        "procurement.Notice",
        verbose_name=_("decision notice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="complaint",
    )
    overdue_flagged_at = models.DateTimeField(_("flagged as overdue at"), null=True, blank=True)

    class Meta:
        verbose_name = _("complaint")
        verbose_name_plural = _("complaints")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["filed", "withdrawn"])
                | (~Q(decision="") & Q(decided_at__isnull=False)),
                name="complaint_decided_has_decision",
                violation_error_code="no_decision",
            ),
        ]

    def __str__(self) -> str:
        return f"complaint {self.pk} on lot {self.lot_id}"


COMPLAINT_TRANSITIONS: dict[str, frozenset[str]] = {
    Complaint.Status.FILED: frozenset(
        {
            Complaint.Status.DISMISSED,
            Complaint.Status.UPHELD_REEVALUATION,
            Complaint.Status.UPHELD_RETENDER,
            Complaint.Status.WITHDRAWN,
        }
    ),
    Complaint.Status.DISMISSED: frozenset(),
    Complaint.Status.UPHELD_REEVALUATION: frozenset(),
    Complaint.Status.UPHELD_RETENDER: frozenset(),
    Complaint.Status.WITHDRAWN: frozenset(),
}


def can_transition_complaint(current: str, target: str) -> bool:
    return target in COMPLAINT_TRANSITIONS.get(current, frozenset())
