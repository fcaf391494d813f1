"""The government procurement contract of one awarded lot (政府采购合同), its signatures and its
supplementary agreements (补充合同), and the signing certificates of the platform's certificate
authority.

    draft ──both parties sign──▶ signed ──contract notice published──▶ in_performance
          ──every milestone accepted──▶ accepted ──fully paid──▶ closed
    draft / signed / in_performance ──breach (refusal to sign, termination)──▶ terminated

The fields the award fixes (parties, lot, amount, subject, delivery, the tender's contract terms)
are copied from the award when the draft is made and are never editable; the purchaser completes
the rest (payment terms, performance bond, SME payment days, special terms, contacts, milestones)
while the contract is a draft and nobody has signed. States change only through
contracts.services (and contracts.performance.services for performance, acceptance and payment).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from common.i18n import in_english
from common.models import TimeStampedModel


class Contract(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed, awaiting publication")
        IN_PERFORMANCE = "in_performance", _("In performance")
        ACCEPTED = "accepted", _("Accepted")
        CLOSED = "closed", _("Closed (fully paid)")
        TERMINATED = "terminated", _("Terminated")

    # Fixed by the award.
    lot = models.ForeignKey(
        "procurement.Lot", verbose_name=_("lot"), on_delete=models.PROTECT, related_name="contracts"
    )
    award = models.ForeignKey(
        "bidding.Award", verbose_name=_("award"), on_delete=models.PROTECT, related_name="contracts"
    )
    purchaser = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("purchaser"), on_delete=models.PROTECT, related_name="+"
    )
    supplier = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="+"
    )
    reference = models.CharField(_("contract number"), max_length=64, unique=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    amount = models.DecimalField(_("contract amount (CNY)"), max_digits=18, decimal_places=2)
    subject = models.TextField(_("subject: quantity and specification"))
    delivery_place = models.CharField(_("place of delivery"), max_length=200)
    delivery_period = models.CharField(_("delivery period"), max_length=200)
    contract_terms = models.TextField(_("contract terms of the tender documents"))
    tender_document = models.ForeignKey(
        "procurement.TenderDocument",
        verbose_name=_("tender documents"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    supplier_is_sme = models.BooleanField(_("the supplier is a small or micro enterprise"), default=False)
    # Completed by the purchaser while the contract is a draft.
    payment_terms = models.TextField(_("payment terms"), blank=True)
    performance_bond_percent = models.DecimalField(
        _("performance bond (percent of the amount)"), max_digits=5, decimal_places=2, default=0
    )
    performance_bond_amount = models.DecimalField(
        _("performance bond (CNY)"), max_digits=18, decimal_places=2, default=0
    )
    sme_payment_days = models.PositiveSmallIntegerField(
        _("days to pay after acceptance"), null=True, blank=True
    )
    special_terms = models.TextField(_("special terms"), blank=True)
    purchaser_contact = models.CharField(_("purchaser's contact person"), max_length=100, blank=True)
    purchaser_phone = models.CharField(_("purchaser's contact telephone"), max_length=40, blank=True)
    supplier_contact = models.CharField(_("supplier's contact person"), max_length=100, blank=True)
    supplier_phone = models.CharField(_("supplier's contact telephone"), max_length=40, blank=True)
    supplier_bank = models.CharField(_("supplier's bank"), max_length=200, blank=True)
    supplier_account_name = models.CharField(_("supplier's account name"), max_length=200, blank=True)
    supplier_account_number = models.CharField(_("supplier's account number"), max_length=40, blank=True)
    # Deadlines and their sweeps.
    award_notice_on = models.DateField(_("award notice issued on"))
    signing_due = models.DateField(_("to be signed by"))
    signing_warned_at = models.DateTimeField(_("signing limit warned at"), null=True, blank=True)
    signing_escalated_at = models.DateTimeField(_("signing overdue, escalated at"), null=True, blank=True)
    notice_due = models.DateField(_("contract notice due by"), null=True, blank=True)
    disclosure_escalated_at = models.DateTimeField(
        _("contract notice overdue, escalated at"), null=True, blank=True
    )
    # The document: frozen at the first signature, signed by each party in turn.
    draft_sha256 = models.CharField(_("SHA-256 of the document as first signed"), max_length=64, blank=True)
    pdf = models.FileField(_("contract (signed PDF)"), upload_to="contracts/signed/%Y/", blank=True)
    sha256 = models.CharField(_("SHA-256 of the signed PDF"), max_length=64, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    notice = models.OneToOneField(
        "procurement.Notice",
        verbose_name=_("contract notice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contract",
    )
    accepted_at = models.DateTimeField(_("finally accepted at"), null=True, blank=True)
    performance_bond_released_at = models.DateTimeField(
        _("performance bond released at"), null=True, blank=True
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    terminated_at = models.DateTimeField(_("terminated at"), null=True, blank=True)
    termination_reason = models.TextField(_("reason for termination"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("drafted by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot"],
                condition=~Q(status="terminated"),
                name="contract_one_live_per_lot",
                violation_error_code="contract_exists",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="contract_amount_positive", violation_error_code="amount"
            ),
            models.CheckConstraint(
                condition=Q(performance_bond_percent__gte=0) & Q(performance_bond_amount__gte=0),
                name="contract_performance_bond_not_negative",
                violation_error_code="performance_bond",
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | Q(status="terminated", signed_at__isnull=True) | ~Q(sha256=""),
                name="contract_signed_has_document",
                violation_error_code="unsigned",
            ),
        ]

    def __str__(self) -> str:
        return self.reference

    def get_absolute_url(self) -> str:
        return f"/contracts/{self.pk}/"

    @property
    def title(self) -> str:
        return self.title_en if in_english() and self.title_en else self.title_zh

    @property
    def is_editable(self) -> bool:
        """Only a draft nobody has signed yet can be completed or changed."""
        return self.status == self.Status.DRAFT and not self.draft_sha256


CONTRACT_TRANSITIONS: dict[str, frozenset[str]] = {
    Contract.Status.DRAFT: frozenset({Contract.Status.SIGNED, Contract.Status.TERMINATED}),
    Contract.Status.SIGNED: frozenset({Contract.Status.IN_PERFORMANCE, Contract.Status.TERMINATED}),
    Contract.Status.IN_PERFORMANCE: frozenset({Contract.Status.ACCEPTED, Contract.Status.TERMINATED}),
    Contract.Status.ACCEPTED: frozenset({Contract.Status.CLOSED, Contract.Status.IN_PERFORMANCE}),
    Contract.Status.CLOSED: frozenset(),
    Contract.Status.TERMINATED: frozenset(),
}

# Signed contracts: those the parties are bound by (performance, payment, financing).
BINDING_STATUSES = frozenset(
    {Contract.Status.SIGNED, Contract.Status.IN_PERFORMANCE, Contract.Status.ACCEPTED}
)


def can_transition_contract(current: str, target: str) -> bool:
    return target in CONTRACT_TRANSITIONS.get(current, frozenset())


class Party(models.TextChoices):
    PURCHASER = "purchaser", _("Purchaser")
    SUPPLIER = "supplier", _("Supplier")


class SupplementaryAgreement(TimeStampedModel):
    """A supplementary contract (补充合同) for more of the same subject, within the legal cap (all
    supplementary amounts together at most supplementary_contract.max_percent of the original
    amount, GPL art. 49). Drafted by the purchaser, signed by both parties like the contract, and
    published when the second party signs."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SIGNED = "signed", _("Signed and published")

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.PROTECT, related_name="supplements"
    )
    number = models.PositiveSmallIntegerField(_("number"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.DRAFT)
    amount = models.DecimalField(_("additional amount (CNY)"), max_digits=18, decimal_places=2)
    subject = models.TextField(_("what is added (same subject as the contract)"))
    reason = models.TextField(_("why it is needed"))
    due_date = models.DateField(_("due date of the added delivery"), null=True, blank=True)
    draft_sha256 = models.CharField(_("SHA-256 of the document as first signed"), max_length=64, blank=True)
    pdf = models.FileField(_("agreement (signed PDF)"), upload_to="contracts/supplements/%Y/", blank=True)
    sha256 = models.CharField(_("SHA-256 of the signed PDF"), max_length=64, blank=True)
    signed_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    notice = models.OneToOneField(
        "procurement.Notice",
        verbose_name=_("notice"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="supplementary_agreement",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("supplementary agreement")
        verbose_name_plural = _("supplementary agreements")
        ordering = ["contract_id", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "number"],
                name="supplement_number_unique",
                violation_error_code="duplicate",
            ),
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="supplement_amount_positive", violation_error_code="amount"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.contract.reference}-BC{self.number}"


class Signature(TimeStampedModel):
    """One party's signature of the contract (supplement empty) or of a supplementary agreement:
    who signed for the organisation, confirmed with their second factor, with which certificate,
    and the SHA-256 of the PDF as it stood after this signature."""

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="signatures"
    )
    supplement = models.ForeignKey(
        SupplementaryAgreement,
        verbose_name=_("supplementary agreement"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="signatures",
    )
    party = models.CharField(_("party"), max_length=12, choices=Party.choices)
    organisation = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="+"
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("signed by"), on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(_("signed at"))
    certificate_serial = models.CharField(_("certificate serial number"), max_length=64)
    certificate_subject = models.CharField(_("certificate subject"), max_length=300)
    pdf_sha256 = models.CharField(_("SHA-256 of the PDF after this signature"), max_length=64)

    class Meta:
        verbose_name = _("signature")
        verbose_name_plural = _("signatures")
        ordering = ["contract_id", "supplement_id", "signed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "supplement", "party"],
                nulls_distinct=False,
                name="signature_one_per_party",
                violation_error_code="already_signed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party} signature of contract {self.contract_id}"


class SigningCertificate(TimeStampedModel):
    """A certificate of the platform's certificate authority (organisation empty: the CA itself)
    or one it issued to an organisation for signing contracts. The private key is stored
    encrypted (PKCS#8, with a key derived from the platform's key-encryption key)."""

    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="signing_certificates",
    )
    serial = models.CharField(_("serial number"), max_length=64, unique=True)
    subject = models.CharField(_("subject"), max_length=300)
    not_before = models.DateTimeField(_("valid from"))
    not_after = models.DateTimeField(_("valid until"))
    certificate_pem = models.TextField(_("certificate (PEM)"))
    encrypted_key_pem = models.TextField(_("private key (encrypted PEM)"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        verbose_name = _("signing certificate")
        verbose_name_plural = _("signing certificates")
        ordering = ["-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"],
                condition=Q(revoked_at__isnull=True),
                nulls_distinct=False,
                name="signing_certificate_one_current",
                violation_error_code="duplicate",
            ),
            models.CheckConstraint(
                condition=Q(not_after__gt=F("not_before")),
                name="signing_certificate_period",
                violation_error_code="period",
            ),
        ]

    def __str__(self) -> str:
        return self.subject


from .financing.models import FinancingApplication  # noqa: E402, F401
from .performance.models import (  # noqa: E402, F401
    Acceptance,
    Breach,
    Milestone,
    PaymentApplication,
)
