"""Procurement projects (采购项目), their lots (标包) and their approval by the purchaser.

A project's state changes only through procurement.services, following TRANSITIONS. Amounts are
CNY Decimals with two places; the rules a project is held to are read as of its rules_date (the
day it was submitted), so a later rulebook row never changes what was decided under the old one.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.i18n import in_english
from common.models import TimeStampedModel


class Category(models.TextChoices):
    GOODS = "goods", _("Goods")
    WORKS = "works", _("Works")
    SERVICES = "services", _("Services")


class Method(models.TextChoices):
    PUBLIC_TENDER = "public_tender", _("Public tender")
    INVITED_TENDER = "invited_tender", _("Invited tender")
    COMPETITIVE_NEGOTIATION = "competitive_negotiation", _("Competitive negotiation")
    COMPETITIVE_CONSULTATION = "competitive_consultation", _("Competitive consultation")
    INQUIRY = "inquiry", _("Inquiry")
    SINGLE_SOURCE = "single_source", _("Single source")
    FRAMEWORK_AGREEMENT = "framework_agreement", _("Framework agreement")
    DIRECT_PURCHASE = "direct_purchase", _("Direct purchase (below threshold)")


class FundingSource(models.TextChoices):
    FISCAL_BUDGET = "fiscal_budget", _("Fiscal budget")
    SELF_RAISED = "self_raised", _("Own funds")
    MIXED = "mixed", _("Fiscal budget and own funds")


class ReferenceCounter(models.Model):
    """The last sequence number given to a project of one region in one year."""

    region_code = models.CharField(_("administrative region code"), max_length=6)
    year = models.PositiveSmallIntegerField(_("year"))
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("reference counter")
        verbose_name_plural = _("reference counters")
        constraints = [
            models.UniqueConstraint(
                fields=["region_code", "year"], name="reference_counter_region_year_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.region_code}-{self.year}: {self.last}"


class Project(TimeStampedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PENDING_APPROVAL = "pending_approval", _("Awaiting approval")
        APPROVED = "approved", _("Approved")
        ENTRUSTED = "entrusted", _("Entrusted to an agency")
        TENDERING = "tendering", _("Tendering")
        CANCELLED = "cancelled", _("Cancelled")

    reference = models.CharField(_("reference number"), max_length=32, unique=True)
    purchaser = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("purchaser"),
        on_delete=models.PROTECT,
        related_name="projects",
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("drafted by"), on_delete=models.PROTECT, related_name="+"
    )
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    description_en = models.TextField(_("description (English)"), blank=True)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    classification_code = models.CharField(
        _("classification code"),
        max_length=20,
        help_text=_(
            "The item code of the government procurement catalogue (政府采购品目分类目录), e.g. A02010104."
        ),
    )
    budget = models.DecimalField(_("budget (CNY)"), max_digits=18, decimal_places=2)
    funding_source = models.CharField(_("funding source"), max_length=16, choices=FundingSource.choices)
    method = models.CharField(_("procurement method"), max_length=32, choices=Method.choices)
    method_justification = models.TextField(_("why this method"), blank=True)
    imported_products = models.BooleanField(_("buys imported products"), default=False)
    green_requirement = models.BooleanField(
        _("energy-saving or environmental-label requirement"), default=False
    )
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.DRAFT)
    approval_levels = models.PositiveSmallIntegerField(_("approval levels needed"), default=0)
    approved_levels = models.PositiveSmallIntegerField(_("approval levels passed"), default=0)
    submission_round = models.PositiveSmallIntegerField(_("submissions"), default=0)
    rules_date = models.DateField(_("rules as of"), null=True, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True)
    intention_published_on = models.DateField(_("procurement intention published on"), null=True, blank=True)

    class Meta:
        verbose_name = _("procurement project")
        verbose_name_plural = _("procurement projects")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["purchaser", "status"], name="project_purchaser_status")]
        constraints = [
            models.CheckConstraint(
                condition=Q(budget__gt=0),
                name="project_budget_positive",
                violation_error_code="budget_not_positive",
                violation_error_message=_("The budget must be more than zero."),
            ),
            models.CheckConstraint(
                condition=Q(approved_levels__lte=models.F("approval_levels")),
                name="project_approved_levels_within_needed",
                violation_error_code="approved_levels",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def title(self) -> str:
        return self.title_en if in_english() and self.title_en else self.title_zh

    @property
    def description(self) -> str:
        return self.description_en if in_english() and self.description_en else self.description_zh

    @property
    def next_level(self) -> int:
        """The approval level whose decision is awaited (1-based)."""
        return self.approved_levels + 1


# The allowed transitions of a project: status -> the statuses it may move to (one helper reads it).
TRANSITIONS: dict[str, frozenset[str]] = {
    Project.Status.DRAFT: frozenset({Project.Status.PENDING_APPROVAL, Project.Status.CANCELLED}),
    Project.Status.PENDING_APPROVAL: frozenset(
        {Project.Status.DRAFT, Project.Status.APPROVED, Project.Status.CANCELLED}
    ),
    Project.Status.APPROVED: frozenset({Project.Status.ENTRUSTED, Project.Status.CANCELLED}),
    Project.Status.ENTRUSTED: frozenset({Project.Status.TENDERING, Project.Status.CANCELLED}),
    Project.Status.TENDERING: frozenset({Project.Status.CANCELLED}),
    Project.Status.CANCELLED: frozenset(),
}


def can_transition(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, frozenset())


class Lot(TimeStampedModel):
    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="lots"
    )
    number = models.PositiveSmallIntegerField(_("lot number"))
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    budget = models.DecimalField(_("budget (CNY)"), max_digits=18, decimal_places=2)
    quantity_and_specification = models.TextField(_("quantity and specification"))
    delivery_place = models.CharField(_("place of delivery"), max_length=200)
    delivery_period = models.CharField(_("delivery period"), max_length=200)
    sme_reserved = models.BooleanField(_("reserved for small and micro enterprises"), default=False)

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"],
                name="lot_number_unique_in_project",
                violation_error_code="duplicate_lot_number",
            ),
            models.CheckConstraint(
                condition=Q(budget__gt=0),
                name="lot_budget_positive",
                violation_error_code="budget_not_positive",
                violation_error_message=_("A lot's budget must be more than zero."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.reference} / {self.number}"

    @property
    def title(self) -> str:
        return self.title_en if in_english() and self.title_en else self.title_zh


class ApprovalDecision(TimeStampedModel):
    """One approver's decision on one level of a project's approval (returned sends it back)."""

    class Decision(models.TextChoices):
        APPROVED = "approved", _("Approved")
        RETURNED = "returned", _("Returned for changes")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="approval_decisions"
    )
    round = models.PositiveSmallIntegerField(
        _("submission"), help_text=_("1 for the first submission, 2 after the first return, and so on.")
    )
    level = models.PositiveSmallIntegerField(_("level"))
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("approver"), on_delete=models.PROTECT, related_name="+"
    )
    decision = models.CharField(_("decision"), max_length=16, choices=Decision.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        verbose_name = _("approval decision")
        verbose_name_plural = _("approval decisions")
        ordering = ["project", "round", "level"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "round", "level"],
                name="approval_one_decision_per_level_and_round",
                violation_error_code="level_already_decided",
                violation_error_message=_("This level has already been decided."),
            ),
            models.CheckConstraint(
                condition=~Q(decision="returned") | ~Q(comment=""),
                name="approval_return_has_comment",
                violation_error_code="comment_required",
                violation_error_message=_("Say why the project is returned."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.reference} L{self.level} {self.decision}"


class Notice(TimeStampedModel):
    """A public notice (公告) of a project: readable by anyone once published, never edited after;
    a change is a correction notice that points at the one it corrects."""

    class Kind(models.TextChoices):
        INTENTION = "intention", _("Procurement intention")
        TENDER = "tender", _("Tender notice")
        SINGLE_SOURCE = "single_source", _("Single-source justification")
        CORRECTION = "correction", _("Correction notice")
        TERMINATION = "termination", _("Termination notice")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.PROTECT, related_name="notices"
    )
    kind = models.CharField(_("kind of notice"), max_length=16, choices=Kind.choices)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    body_zh = models.TextField(_("text (Chinese)"))
    body_en = models.TextField(_("text (English)"))
    # Copied from the project for the public list's filters (a notice never changes once published).
    region_code = models.CharField(_("administrative region code"), max_length=6)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    method = models.CharField(_("procurement method"), max_length=32, choices=Method.choices)
    published_at = models.DateTimeField(_("published at"), db_index=True)
    corrects = models.ForeignKey(
        "self",
        verbose_name=_("corrects"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-published_at", "-pk"]
        indexes = [
            models.Index(fields=["-published_at", "-id"], name="notice_keyset"),
            models.Index(fields=["kind", "-published_at", "-id"], name="notice_kind_keyset"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title_zh}"

    @property
    def title(self) -> str:
        return self.title_en if in_english() else self.title_zh

    @property
    def body(self) -> str:
        return self.body_en if in_english() else self.body_zh
