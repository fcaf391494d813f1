"""Competitive negotiation and consultation (竞争性谈判 / 竞争性磋商), and inquiry's single quote.

The panel negotiates with each responsive supplier separately (a thread per supplier: messages and
revised documents, each supplier seeing only its own); a revision of the requirements goes to all
remaining suppliers equally; then every remaining supplier gives a final quotation, sealed to the
lot's key and opened after its deadline by the database clock, like a bid. States change only
through bidding.negotiation.services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel


class NegotiationMessage(TimeStampedModel):
    """One message in the thread between the panel and one supplier."""

    evaluation = models.ForeignKey(
        "bidding.Evaluation", verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="messages"
    )
    supplier = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="+"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    from_panel = models.BooleanField(_("from the panel"))
    text = models.TextField(_("message"))
    attachment = models.FileField(_("revised document"), upload_to="bidding/negotiation/%Y/", blank=True)
    attachment_name = models.CharField(_("file name"), max_length=255, blank=True)
    attachment_sha256 = models.CharField(_("SHA-256 of the document"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("negotiation message")
        verbose_name_plural = _("negotiation messages")
        ordering = ["evaluation_id", "supplier_id", "created_at", "pk"]

    def __str__(self) -> str:
        return f"message {self.pk}"


class RequirementRevision(TimeStampedModel):
    """A change of the technical or commercial requirements, sent to every remaining supplier."""

    evaluation = models.ForeignKey(
        "bidding.Evaluation", verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="revisions"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="+"
    )
    text = models.TextField(_("what changes"))

    class Meta:
        verbose_name = _("requirement revision")
        verbose_name_plural = _("requirement revisions")
        ordering = ["evaluation_id", "created_at"]

    def __str__(self) -> str:
        return f"revision {self.pk}"


class FinalQuotationRound(TimeStampedModel):
    """The panel's call for final quotations (最后报价): every remaining supplier, one deadline."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open for final quotations")
        OPENED = "opened", _("Opened")

    evaluation = models.OneToOneField(
        "bidding.Evaluation",
        verbose_name=_("evaluation"),
        on_delete=models.CASCADE,
        related_name="final_round",
    )
    deadline = models.DateTimeField(_("final quotations due by"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    called_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("called by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("final quotation round")
        verbose_name_plural = _("final quotation rounds")

    def __str__(self) -> str:
        return f"final round of evaluation {self.evaluation_id}"


class FinalQuotation(TimeStampedModel):
    """One supplier's final quotation, sealed to the lot's key; revealed only at opening."""

    round = models.ForeignKey(
        FinalQuotationRound, verbose_name=_("round"), on_delete=models.CASCADE, related_name="quotations"
    )
    bid = models.ForeignKey(
        "bidding.Bid", verbose_name=_("bid"), on_delete=models.PROTECT, related_name="final_quotations"
    )
    sealed_price = models.BinaryField(_("sealed price"), null=True)
    received_at = models.DateTimeField(_("received at (database clock)"), null=True, blank=True)
    price = models.DecimalField(
        _("final price (CNY)"), max_digits=18, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("final quotation")
        verbose_name_plural = _("final quotations")
        ordering = ["round_id", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["round", "bid"], name="final_quotation_once", violation_error_code="duplicate"
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gt=0),
                name="final_price_positive",
                violation_error_code="price_not_positive",
            ),
        ]

    def __str__(self) -> str:
        return f"final quotation of bid {self.bid_id}"
