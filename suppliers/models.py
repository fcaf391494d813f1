"""Supplier registrations (供应商注册), their licences and certificates, and who downloaded which
tender documents.

A profile's status changes only through suppliers.services, following PROFILE_TRANSITIONS; a
qualification lapses on its expiry date (a daily beat job) and is warned about 30 days ahead.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel
from procurement.models import QualificationKind


class SupplierProfile(TimeStampedModel):
    """An organisation's registration as a supplier: the details a purchaser relies on, reviewed by
    the platform operator or a regulator of the supplier's region before it may bid."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        CHANGES_REQUESTED = "changes_requested", _("Changes requested")
        APPROVED = "approved", _("Approved")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    class Size(models.TextChoices):
        LARGE = "large", _("Large enterprise")
        MEDIUM = "medium", _("Medium-sized enterprise")
        SMALL = "small", _("Small enterprise")
        MICRO = "micro", _("Micro enterprise")

    class SpecialStatus(models.TextChoices):
        NONE = "none", _("None")
        PRISON_ENTERPRISE = "prison_enterprise", _("Prison enterprise")
        DISABLED_WELFARE_UNIT = "disabled_welfare_unit", _("Welfare unit for the disabled")

    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="supplier_profile",
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PENDING)
    legal_representative = models.CharField(_("legal representative"), max_length=100)
    registered_capital = models.DecimalField(_("registered capital (CNY)"), max_digits=18, decimal_places=2)
    address = models.CharField(_("registered address"), max_length=300)
    contact_name = models.CharField(_("contact person"), max_length=100)
    contact_phone = models.CharField(_("contact telephone"), max_length=30)
    contact_email = models.EmailField(_("contact e-mail"))
    enterprise_size = models.CharField(_("enterprise size"), max_length=8, choices=Size.choices)
    special_status = models.CharField(
        _("special status"), max_length=24, choices=SpecialStatus.choices, default=SpecialStatus.NONE
    )
    sme_declaration = models.FileField(
        _("SME declaration (PDF)"), upload_to="suppliers/sme-declarations/%Y/", blank=True
    )
    bank_name = models.CharField(_("bank"), max_length=200)
    bank_account_name = models.CharField(_("account name"), max_length=200)
    bank_account_number = models.CharField(_("account number"), max_length=40)
    commitment_letter = models.FileField(
        _("credit commitment letter (PDF)"), upload_to="suppliers/commitment-letters/%Y/"
    )
    commitment_letter_sha256 = models.CharField(_("SHA-256 of the commitment letter"), max_length=64)
    # procurement.models.Category codes ("goods", "works", "services") the supplier subscribes to.
    categories = models.JSONField(_("categories of interest"), default=list, blank=True)
    # Administrative region codes ("360100"); a city or province code covers its counties.
    regions = models.JSONField(_("regions of interest"), default=list, blank=True)
    review_comment = models.TextField(_("review comment"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("supplier registration")
        verbose_name_plural = _("supplier registrations")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["status", "-created_at"], name="supplier_profile_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(registered_capital__gte=0),
                name="supplier_profile_capital_not_negative",
                violation_error_code="capital_negative",
                violation_error_message=_("The registered capital cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(status__in=["pending", "changes_requested", "approved", "rejected", "suspended"]),
                name="supplier_profile_status_valid",
                violation_error_code="invalid_status",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_status_display()})"

    @property
    def is_small_or_micro(self) -> bool:
        """Small or micro for the SME price deduction; prison enterprises and welfare units for the
        disabled count as small or micro whatever their size (财库〔2014〕68号, 财库〔2017〕141号)."""
        return (
            self.enterprise_size in (self.Size.SMALL, self.Size.MICRO)
            or self.special_status != self.SpecialStatus.NONE
        )

    @property
    def is_editable(self) -> bool:
        """The supplier may change its registration while it awaits review or changes are asked."""
        return self.status in (self.Status.PENDING, self.Status.CHANGES_REQUESTED)


# The allowed transitions of a registration: status -> the statuses it may move to.
PROFILE_TRANSITIONS: dict[str, frozenset[str]] = {
    SupplierProfile.Status.PENDING: frozenset(
        {
            SupplierProfile.Status.APPROVED,
            SupplierProfile.Status.CHANGES_REQUESTED,
            SupplierProfile.Status.REJECTED,
        }
    ),
    SupplierProfile.Status.CHANGES_REQUESTED: frozenset(
        {SupplierProfile.Status.PENDING, SupplierProfile.Status.REJECTED}
    ),
    SupplierProfile.Status.APPROVED: frozenset({SupplierProfile.Status.SUSPENDED}),
    SupplierProfile.Status.SUSPENDED: frozenset({SupplierProfile.Status.APPROVED}),
    SupplierProfile.Status.REJECTED: frozenset(),
}


def can_transition(current: str, target: str) -> bool:
    return target in PROFILE_TRANSITIONS.get(current, frozenset())


class Qualification(TimeStampedModel):
    """A licence or certificate the supplier holds, with its scan and expiry date."""

    class Status(models.TextChoices):
        VALID = "valid", _("Valid")
        LAPSED = "lapsed", _("Lapsed")

    supplier = models.ForeignKey(
        SupplierProfile, verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField(_("licence or certificate"), max_length=32, choices=QualificationKind.choices)
    number = models.CharField(_("certificate number"), max_length=100)
    issued_on = models.DateField(_("issued on"))
    expires_on = models.DateField(_("expires on"))
    document = models.FileField(_("scan (PDF)"), upload_to="suppliers/qualifications/%Y/")
    sha256 = models.CharField(_("SHA-256 of the scan"), max_length=64)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.VALID)
    warned_on = models.DateField(_("expiry warning sent on"), null=True, blank=True)

    class Meta:
        verbose_name = _("qualification")
        verbose_name_plural = _("qualifications")
        ordering = ["supplier", "expires_on", "pk"]
        indexes = [models.Index(fields=["status", "expires_on"], name="qualification_status_expiry")]
        constraints = [
            models.CheckConstraint(
                condition=Q(expires_on__gt=models.F("issued_on")),
                name="qualification_expires_after_issue",
                violation_error_code="expires_before_issue",
                violation_error_message=_("A licence expires after the day it was issued."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.number}"


class DocumentDownload(models.Model):
    """A signed-in supplier representative downloaded a tender's documents: who, from where, when.
    Clarifications of the tender are sent to these suppliers; the bidding app screens the rows for
    collusion (several bidders downloading from one address)."""

    supplier = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("supplier"),
        on_delete=models.PROTECT,
        related_name="document_downloads",
    )
    tender_document = models.ForeignKey(
        "procurement.TenderDocument",
        verbose_name=_("tender documents"),
        on_delete=models.PROTECT,
        related_name="downloads",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("user"), on_delete=models.PROTECT, related_name="+"
    )
    ip_address = models.GenericIPAddressField(_("IP address"), null=True, blank=True)
    user_agent = models.CharField(_("user agent"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("downloaded at"), auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = _("tender document download")
        verbose_name_plural = _("tender document downloads")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["tender_document", "supplier"], name="download_document_supplier")]

    def __str__(self) -> str:
        return f"{self.supplier} · {self.tender_document} · {self.created_at:%Y-%m-%d %H:%M}"


class NoticeAlert(models.Model):
    """One supplier was told about one notice (a subscription match or a clarification of a tender
    it downloaded): the tasks that send alerts are safe to run twice."""

    notice = models.ForeignKey(
        "procurement.Notice", verbose_name=_("notice"), on_delete=models.CASCADE, related_name="+"
    )
    supplier = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("supplier"), on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(_("sent at"), auto_now_add=True)

    class Meta:
        verbose_name = _("notice alert")
        verbose_name_plural = _("notice alerts")
        constraints = [
            models.UniqueConstraint(
                fields=["notice", "supplier"], name="notice_alert_once", violation_error_code="alert_sent"
            )
        ]

    def __str__(self) -> str:
        return f"{self.notice_id} → {self.supplier_id}"
