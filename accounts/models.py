"""Organisations, users and their memberships (one role in one organisation), notifications."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from stdnum.cn import uscc
from stdnum.exceptions import ValidationError as StdnumValidationError

from common.i18n import in_english
from common.models import TimeStampedModel


def language_choices() -> list[tuple[str, str]]:
    return settings.LANGUAGES  # read when the choices are needed, not at import


USCC_REASONS = {
    "InvalidLength": _("it must have 18 characters"),
    "InvalidFormat": _("it contains characters that are not allowed"),
    "InvalidChecksum": _("the check digit is wrong"),
}


def validate_uscc(value: str) -> None:
    """The 18-character unified social credit code (统一社会信用代码), check digit included."""
    try:
        uscc.validate(value)
    except StdnumValidationError as exc:
        raise ValidationError(
            _("“%(value)s” is not a valid unified social credit code (%(reason)s)."),
            code="invalid_uscc",
            params={"value": value, "reason": USCC_REASONS.get(type(exc).__name__, _("it is not valid"))},
        ) from exc


def validate_region_code(value: str) -> None:
    if not (len(value) == 6 and value.isdigit()):
        raise ValidationError(
            _("An administrative region code has six digits, e.g. 330400."), code="invalid_region_code"
        )


class Organisation(TimeStampedModel):
    class Kind(models.TextChoices):
        PURCHASER = "purchaser", _("Purchaser")
        AGENCY = "agency", _("Procurement agency")
        SUPPLIER = "supplier", _("Supplier")
        REGULATOR = "regulator", _("Regulator")
        BANK = "bank", _("Bank")
        OPERATOR = "operator", _("Platform operator")

    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    region_code = models.CharField(
        _("administrative region code"), max_length=6, validators=[validate_region_code]
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["region_code", "kind", "name_zh"]
        permissions = [("manage_organisation", _("Can manage the organisation's registered details"))]
        constraints = [
            models.CheckConstraint(
                condition=Q(uscc__regex=r"^[0-9A-HJ-NP-RTUWXY]{2}[0-9]{6}[0-9A-HJ-NP-RTUWXY]{10}$"),
                name="organisation_uscc_format",
                violation_error_code="invalid_uscc",
            ),
            models.CheckConstraint(
                condition=Q(region_code__regex=r"^[0-9]{6}$"),
                name="organisation_region_code_format",
                violation_error_code="invalid_region_code",
            ),
            models.CheckConstraint(
                condition=~Q(parent=models.F("pk")),
                name="organisation_not_own_parent",
                violation_error_code="own_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.name_en if in_english() else self.name_zh


class Role(models.TextChoices):
    PURCHASER_CLERK = "purchaser_clerk", _("Purchaser clerk")
    PURCHASER_APPROVER = "purchaser_approver", _("Purchaser approver")
    AGENCY_OFFICER = "agency_officer", _("Agency officer")
    SUPPLIER_REPRESENTATIVE = "supplier_representative", _("Supplier representative")
    EXPERT = "expert", _("Evaluation expert")
    REGULATOR = "regulator", _("Regulator")
    BANK_OFFICER = "bank_officer", _("Bank officer")
    OPERATOR = "operator", _("Platform operator")


# Which kind of organisation each role acts for. An expert acts for the expert pool, which the
# platform operator or a regulator keeps (the expert's employer is recorded by the experts app).
ROLE_ORGANISATION_KINDS: dict[str, set[str]] = {
    Role.PURCHASER_CLERK: {Organisation.Kind.PURCHASER},
    Role.PURCHASER_APPROVER: {Organisation.Kind.PURCHASER},
    Role.AGENCY_OFFICER: {Organisation.Kind.AGENCY, Organisation.Kind.PURCHASER},
    Role.SUPPLIER_REPRESENTATIVE: {Organisation.Kind.SUPPLIER},
    Role.EXPERT: {Organisation.Kind.OPERATOR, Organisation.Kind.REGULATOR},
    Role.REGULATOR: {Organisation.Kind.REGULATOR},
    Role.BANK_OFFICER: {Organisation.Kind.BANK},
    Role.OPERATOR: {Organisation.Kind.OPERATOR},
}

# Roles that must pass a second factor (TOTP) before they can act.
SECOND_FACTOR_ROLES: frozenset[str] = frozenset(
    {Role.PURCHASER_APPROVER, Role.AGENCY_OFFICER, Role.REGULATOR, Role.OPERATOR}
)


class User(AbstractUser):
    """A person. What they may do depends on their active membership, not on the user row."""

    email = models.EmailField(_("email address"), unique=True)
    # first_name holds the name as the person writes it (for most users, in Chinese).
    name_en = models.CharField(_("name (English)"), max_length=150, blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=language_choices, default="zh-hans"
    )
    active_membership = models.ForeignKey(
        "accounts.Membership",
        verbose_name=_("active membership"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")
        verbose_name_plural = _("users")
        swappable = "AUTH_USER_MODEL"

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_full_name(self) -> str:
        """The person's name in the active language (the English name on English pages, if known)."""
        if self.name_en and in_english():
            return self.name_en
        return " ".join(part for part in (self.first_name, self.last_name) if part).strip()


class Membership(TimeStampedModel):
    """A user's role in one organisation. A user acts in one membership at a time."""

    user = models.ForeignKey(
        User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name=_("organisation"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    approval_limit = models.DecimalField(
        _("approval limit (CNY)"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Purchaser approvers only: the largest project amount they may approve."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["user_id", "organisation_id", "role"]
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation", "role"],
                name="membership_unique_role_per_organisation",
                violation_error_code="duplicate_membership",
            ),
            models.CheckConstraint(
                condition=Q(role=Role.PURCHASER_APPROVER, approval_limit__isnull=False, approval_limit__gt=0)
                | Q(~Q(role=Role.PURCHASER_APPROVER), approval_limit__isnull=True),
                name="membership_approval_limit_for_approvers_only",
                violation_error_code="approval_limit",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} · {self.get_role_display()} · {self.organisation}"

    def clean(self) -> None:
        allowed = ROLE_ORGANISATION_KINDS.get(self.role, set())
        if self.organisation_id and self.organisation.kind not in allowed:
            raise ValidationError(
                {"role": _("This role cannot act for this kind of organisation.")}, code="role_kind"
            )
        if self.role == Role.PURCHASER_APPROVER and not self.approval_limit:
            raise ValidationError(
                {"approval_limit": _("A purchaser approver needs an approval limit.")}, code="approval_limit"
            )
        if self.role != Role.PURCHASER_APPROVER and self.approval_limit is not None:
            raise ValidationError(
                {"approval_limit": _("Only purchaser approvers have an approval limit.")},
                code="approval_limit",
            )

    @property
    def requires_second_factor(self) -> bool:
        return self.role in SECOND_FACTOR_ROLES


class Notification(TimeStampedModel):
    """An in-app message, stored in both languages; e-mailed by a Celery task."""

    recipient = models.ForeignKey(
        User, verbose_name=_("recipient"), on_delete=models.CASCADE, related_name="notifications"
    )
    subject_zh = models.CharField(_("subject (Chinese)"), max_length=200)
    subject_en = models.CharField(_("subject (English)"), max_length=200)
    body_zh = models.TextField(_("body (Chinese)"), blank=True)
    body_en = models.TextField(_("body (English)"), blank=True)
    link = models.CharField(_("link"), max_length=300, blank=True)
    read_at = models.DateTimeField(_("read at"), null=True, blank=True)
    emailed_at = models.DateTimeField(_("e-mailed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notification_unread")]

    def __str__(self) -> str:
        return self.subject

    @property
    def subject(self) -> str:
        return self.subject_en if in_english() else self.subject_zh

    @property
    def body(self) -> str:
        return self.body_en if in_english() else self.body_zh
