"""Bonds, sealed bids and their opening (投标保证金, 投标文件, 开标).

A bid is prepared as a draft (its files arrive encrypted, chunk by chunk), submitted before the
deadline by the database clock (a receipt), and read by nobody until the opening service unwraps
the lot's key after the deadline. See bidding/sealing.py for the envelope and DESIGN §6.
States change only through bidding.services (bids, opening) and bidding.bonds (bonds).
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel


class LotKey(TimeStampedModel):
    """The lot's sealing key pair: bids are sealed to its public key; its private key is stored
    wrapped by the key-encryption key of the settings (never in the database in clear) and is
    unwrapped only by the opening service, after the deadline by the database clock."""

    lot = models.OneToOneField(
        "procurement.Lot", verbose_name=_("lot"), on_delete=models.CASCADE, related_name="sealing_key"
    )
    public_key = models.BinaryField(_("public key"))
    wrapped_private_key = models.BinaryField(_("wrapped private key"))
    kek_id = models.CharField(_("key-encryption key id"), max_length=16)

    class Meta:
        verbose_name = _("lot sealing key")
        verbose_name_plural = _("lot sealing keys")

    def __str__(self) -> str:
        return f"lot {self.lot_id} key"


class Bid(TimeStampedModel):
    """One supplier's bid (投标文件) for one lot. A replacement is a new bid; the old one is kept,
    marked withdrawn."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Being prepared")
        SUBMITTED = "submitted", _("Submitted (sealed)")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        OPENED = "opened", _("Opened")

    public_id = models.UUIDField(_("bid id"), default=uuid.uuid4, unique=True, editable=False)
    lot = models.ForeignKey(
        "procurement.Lot", verbose_name=_("lot"), on_delete=models.PROTECT, related_name="bids"
    )
    supplier = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="bids"
    )
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("prepared by"), on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    # The bid's data key, sealed to the lot's public key (sealing.seal_to_lot).
    sealed_key = models.BinaryField(_("sealed data key"))
    # While the bid is a draft, its data key wrapped by the key-encryption key, so that chunks
    # arriving in later requests are encrypted with it; erased on submission.
    draft_key = models.BinaryField(_("draft data key"), null=True)
    sealed_price = models.BinaryField(_("sealed price"), null=True)
    sealed_price_sha256 = models.CharField(_("SHA-256 of the sealed price"), max_length=64, blank=True)
    received_at = models.DateTimeField(_("received at (database clock)"), null=True, blank=True)
    receipt_sha256 = models.CharField(_("SHA-256 of the receipt"), max_length=64, blank=True)
    audit_sequence = models.BigIntegerField(_("audit sequence number"), null=True, blank=True)
    replaces = models.OneToOneField(
        "self",
        verbose_name=_("replaces"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(_("submitted from (IP address)"), null=True, blank=True)
    user_agent = models.CharField(_("browser (user agent)"), max_length=500, blank=True)
    # Revealed at opening, never before.
    price = models.DecimalField(_("price (CNY)"), max_digits=18, decimal_places=2, null=True, blank=True)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)

    class Meta:
        verbose_name = _("bid")
        verbose_name_plural = _("bids")
        ordering = ["lot", "received_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot", "supplier"],
                condition=Q(status__in=["submitted", "opened"]),
                name="bid_one_active_per_supplier_lot",
                violation_error_code="bid_exists",
                violation_error_message=_("The supplier already has a submitted bid for this lot."),
            ),
            models.UniqueConstraint(
                fields=["lot", "supplier"],
                condition=Q(status="draft"),
                name="bid_one_draft_per_supplier_lot",
                violation_error_code="draft_exists",
            ),
            models.CheckConstraint(
                condition=Q(status="draft")
                | (Q(received_at__isnull=False) & Q(sealed_price__isnull=False) & Q(draft_key__isnull=True)),
                name="bid_submitted_is_sealed",
                violation_error_code="not_sealed",
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(status="opened"),
                name="bid_price_only_after_opening",
                violation_error_code="price_before_opening",
            ),
            models.CheckConstraint(
                condition=Q(price__isnull=True) | Q(price__gt=0),
                name="bid_price_positive",
                violation_error_code="price_not_positive",
            ),
        ]

    def __str__(self) -> str:
        return str(self.public_id)


class BidFile(TimeStampedModel):
    """One response document of a bid: stored as AES-GCM segments under `storage_prefix`, its
    name sealed too; `sha256` is the plaintext's, given on the receipt and checked at opening."""

    class Status(models.TextChoices):
        UPLOADING = "uploading", _("Uploading")
        COMPLETE = "complete", _("Received")
        DISCARDED = "discarded", _("Discarded")

    bid = models.ForeignKey(Bid, verbose_name=_("bid"), on_delete=models.PROTECT, related_name="files")
    upload_key = models.UUIDField(_("upload key"), unique=True)
    document_key = models.CharField(_("response document"), max_length=40)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.UPLOADING)
    sealed_name = models.BinaryField(_("sealed file name"))
    # What the browser declared at the start (size and last-modified time): a resumed upload must match.
    size = models.BigIntegerField(_("size (bytes)"))
    fingerprint = models.CharField(_("declared fingerprint"), max_length=64)
    received = models.BigIntegerField(_("bytes received"), default=0)
    segments = models.PositiveIntegerField(_("segments stored"), default=0)
    storage_prefix = models.CharField(_("storage folder"), max_length=200)
    sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    # Filled at opening.
    opened_sha256 = models.CharField(_("SHA-256 at opening"), max_length=64, blank=True)
    hash_matches = models.BooleanField(_("matches the receipt"), null=True)
    content_type = models.CharField(_("content type"), max_length=100, blank=True)
    metadata = models.JSONField(_("document metadata"), default=dict, blank=True)
    name = models.CharField(_("file name"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("bid file")
        verbose_name_plural = _("bid files")
        ordering = ["bid", "document_key", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["bid", "document_key"],
                condition=~Q(status="discarded"),
                name="bid_file_one_per_document",
                violation_error_code="file_exists",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.bid_id}/{self.document_key}"


class Opening(TimeStampedModel):
    """The opening of one lot (开标): two distinct officers confirm it (four eyes), or the system
    when the tender documents say so; the record is published with its PDF."""

    class Status(models.TextChoices):
        AWAITING_SECOND = "awaiting_second", _("Awaiting the second officer")
        OPENED = "opened", _("Opened")

    lot = models.OneToOneField(
        "procurement.Lot", verbose_name=_("lot"), on_delete=models.PROTECT, related_name="opening"
    )
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.AWAITING_SECOND
    )
    first_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("first officer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    second_officer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("second officer"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    automatic = models.BooleanField(_("opened automatically"), default=False)
    opened_at = models.DateTimeField(_("opened at"), null=True, blank=True)
    valid_bids = models.PositiveIntegerField(_("bids opened"), default=0)
    failed = models.BooleanField(_("failed (too few bids)"), default=False)
    pdf = models.FileField(_("opening record (PDF)"), upload_to="bidding/openings/%Y/", blank=True)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    notice = models.OneToOneField(
        "procurement.Notice",
        verbose_name=_("opening record notice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="opening",
    )

    class Meta:
        verbose_name = _("bid opening")
        verbose_name_plural = _("bid openings")
        constraints = [
            models.CheckConstraint(
                condition=Q(first_officer__isnull=True)
                | Q(second_officer__isnull=True)
                | ~Q(first_officer=models.F("second_officer")),
                name="opening_four_eyes",
                violation_error_code="same_officer",
            ),
        ]

    def __str__(self) -> str:
        return f"opening of lot {self.lot_id}"


class CollusionFlag(TimeStampedModel):
    """A collusion screen's finding at opening: recorded and carried into evaluation, never a
    block by itself. `kind` names the screen (bidding/collusion.py), `basis` its legal article."""

    lot = models.ForeignKey(
        "procurement.Lot", verbose_name=_("lot"), on_delete=models.CASCADE, related_name="collusion_flags"
    )
    kind = models.CharField(_("screen"), max_length=40)
    suppliers = models.ManyToManyField("accounts.Organisation", verbose_name=_("suppliers"), related_name="+")
    evidence = models.JSONField(_("evidence"), default=dict)

    class Meta:
        verbose_name = _("collusion flag")
        verbose_name_plural = _("collusion flags")
        ordering = ["lot", "kind", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on lot {self.lot_id}"


class Bond(TimeStampedModel):
    """A supplier's bid bond for one lot (投标保证金): cash transfer, bank guarantee or insurance
    e-guarantee; verified by the agency; refunded within the rulebook's working days of the award
    notice (losers) or the contract signing (winner), or forfeited."""

    class Status(models.TextChoices):
        REQUIRED = "required", _("Required")
        LODGED = "lodged", _("Lodged, awaiting verification")
        VERIFIED = "verified", _("Verified")
        REFUNDABLE = "refundable", _("To be refunded")
        REFUNDED = "refunded", _("Refunded")
        FORFEITED = "forfeited", _("Forfeited")

    class Form(models.TextChoices):
        CASH_TRANSFER = "cash_transfer", _("Bank transfer")
        BANK_GUARANTEE = "bank_guarantee", _("Bank guarantee")
        INSURANCE_GUARANTEE = "insurance_guarantee", _("Insurance e-guarantee")

    lot = models.ForeignKey(
        "procurement.Lot", verbose_name=_("lot"), on_delete=models.PROTECT, related_name="bonds"
    )
    supplier = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="bonds"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUIRED)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=18, decimal_places=2)
    # The lot's cap when the bond was required: the rulebook's percentage of the lot's budget
    # (bond.max_percent_of_lot_budget), so that the database refuses a larger amount.
    cap = models.DecimalField(_("cap (CNY)"), max_digits=18, decimal_places=2)
    form = models.CharField(_("form"), max_length=20, choices=Form.choices, blank=True)
    payer_bank = models.CharField(_("payer's bank"), max_length=200, blank=True)
    payer_account_name = models.CharField(_("payer's account name"), max_length=200, blank=True)
    payer_account_number = models.CharField(_("payer's account number"), max_length=40, blank=True)
    guarantee_number = models.CharField(_("guarantee number"), max_length=100, blank=True)
    guarantor = models.CharField(_("guarantor"), max_length=200, blank=True)
    document = models.FileField(_("guarantee document"), upload_to="bidding/bonds/%Y/", blank=True)
    document_sha256 = models.CharField(_("SHA-256 of the document"), max_length=64, blank=True)
    lodged_at = models.DateTimeField(_("lodged at"), null=True, blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("verified by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    verified_at = models.DateTimeField(_("verified at"), null=True, blank=True)
    refund_due_on = models.DateField(_("refund due on"), null=True, blank=True)
    refund_reason = models.CharField(_("refund reason"), max_length=40, blank=True)
    refunded_at = models.DateTimeField(_("refunded at"), null=True, blank=True)
    overdue_flagged_at = models.DateTimeField(_("overdue refund flagged at"), null=True, blank=True)
    forfeit_reason = models.TextField(_("forfeiture reason"), blank=True)
    rejection_reason = models.TextField(_("why the agency did not accept it"), blank=True)

    class Meta:
        verbose_name = _("bid bond")
        verbose_name_plural = _("bid bonds")
        ordering = ["lot", "supplier"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot", "supplier"],
                name="bond_one_per_supplier_lot",
                violation_error_code="bond_exists",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0),
                name="bond_amount_positive",
                violation_error_code="amount_not_positive",
            ),
            models.CheckConstraint(
                condition=Q(amount__lte=models.F("cap")),
                name="bond_amount_within_cap",
                violation_error_code="above_cap",
                violation_error_message=_("A bid bond may not exceed the lot's cap."),
            ),
            models.CheckConstraint(
                condition=Q(status="required") | (~Q(form="") & Q(lodged_at__isnull=False)),
                name="bond_lodged_has_form",
                violation_error_code="not_lodged",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["refundable", "refunded"]) | Q(refund_due_on__isnull=False),
                name="bond_refundable_has_due_date",
                violation_error_code="no_refund_due_date",
            ),
            models.CheckConstraint(
                condition=~Q(status="refunded") | Q(refunded_at__isnull=False),
                name="bond_refunded_has_time",
                violation_error_code="no_refund_time",
            ),
        ]

    def __str__(self) -> str:
        return f"bond {self.lot_id}/{self.supplier_id}"


BOND_TRANSITIONS: dict[str, frozenset[str]] = {
    Bond.Status.REQUIRED: frozenset({Bond.Status.LODGED}),
    # Back to required when the agency does not accept it; straight to refundable when the lot
    # fails or is cancelled (or the award is notified) before the agency verified what was paid.
    Bond.Status.LODGED: frozenset({Bond.Status.VERIFIED, Bond.Status.REQUIRED, Bond.Status.REFUNDABLE}),
    Bond.Status.VERIFIED: frozenset({Bond.Status.REFUNDABLE, Bond.Status.FORFEITED}),
    Bond.Status.REFUNDABLE: frozenset({Bond.Status.REFUNDED}),
    Bond.Status.REFUNDED: frozenset(),
    Bond.Status.FORFEITED: frozenset(),
}


def can_transition_bond(current: str, target: str) -> bool:
    return target in BOND_TRANSITIONS.get(current, frozenset())


BID_TRANSITIONS: dict[str, frozenset[str]] = {
    Bid.Status.DRAFT: frozenset({Bid.Status.SUBMITTED}),
    Bid.Status.SUBMITTED: frozenset({Bid.Status.WITHDRAWN, Bid.Status.OPENED}),
    Bid.Status.WITHDRAWN: frozenset(),
    Bid.Status.OPENED: frozenset(),
}


def can_transition_bid(current: str, target: str) -> bool:
    return target in BID_TRANSITIONS.get(current, frozenset())


# The evaluation, award, challenge and negotiation models live with their sub-domains.
from .award.models import AWARD_TRANSITIONS, Award, AwardLetter  # noqa: E402, F401
from .challenges.models import (  # noqa: E402, F401
    CHALLENGE_TRANSITIONS,
    COMPLAINT_TRANSITIONS,
    Challenge,
    Complaint,
)
from .evaluation.models import (  # noqa: E402, F401
    EVALUATION_TRANSITIONS,
    BidAssessment,
    Evaluation,
    EvaluationFlag,
    QualificationMark,
    Score,
    ScoreSheet,
)
from .negotiation.models import (  # noqa: E402, F401
    FinalQuotation,
    FinalQuotationRound,
    NegotiationMessage,
    RequirementRevision,
)
