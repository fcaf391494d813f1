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


# The methods a failed lot may move to with the regulator's approval: competitive negotiation or
# consultation when the tender drew too few bids (Government Procurement Law art. 30(1), ministry
# order 87 art. 43), single source when only one supplier can supply (art. 31), inquiry for goods
# of one standard specification (art. 32).
METHODS_AFTER_FAILURE = (
    Method.COMPETITIVE_NEGOTIATION,
    Method.COMPETITIVE_CONSULTATION,
    Method.INQUIRY,
    Method.SINGLE_SOURCE,
)
METHOD_AFTER_FAILURE_CHOICES = [(method.value, method.label) for method in METHODS_AFTER_FAILURE]


class QualificationKind(models.TextChoices):
    """Licences and certificates that tender documents may require of every bidder; suppliers
    register theirs (with expiry dates) under the same codes, and a bid is refused without them."""

    MEDICAL_DEVICE_TRADING = "medical_device_trading", _("Medical device trading licence")
    CONSTRUCTION_ENTERPRISE = "construction_enterprise", _("Construction enterprise qualification")
    WORK_SAFETY = "work_safety", _("Work safety licence")
    QUALITY_MANAGEMENT = "quality_management", _("Quality management certification (ISO 9001)")
    FOOD_BUSINESS = "food_business", _("Food business licence")
    SURVEYING_MAPPING = "surveying_mapping", _("Surveying and mapping qualification")
    TELECOM_VALUE_ADDED = "telecom_value_added", _("Value-added telecommunications licence")
    INFORMATION_SECURITY = "information_security", _("Information security service qualification")


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
    imported_products_justification = models.TextField(_("why imported products"), blank=True)
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
    agency = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("entrusted to"),
        on_delete=models.PROTECT,
        related_name="entrusted_projects",
        null=True,
        blank=True,
        help_text=_("The procurement agency, or the purchaser itself for its own procurement office."),
    )
    bid_deadline = models.DateTimeField(
        _("bid deadline and opening time"), null=True, blank=True, db_index=True
    )
    single_source_notice_until = models.DateField(
        _("single-source justification notice stands until"), null=True, blank=True
    )

    class Meta:
        verbose_name = _("procurement project")
        verbose_name_plural = _("procurement projects")
        ordering = ["-created_at"]
        permissions = [("run_tender", "Prepare the tender documents and publish the notices of a project")]
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
    """A separately awarded part (标包). Its own states start when the tender notice is published;
    the bidding, evaluation and contract apps move it on (DESIGN §2)."""

    class Status(models.TextChoices):
        PREPARING = "preparing", _("Being prepared")
        OPEN_FOR_BIDS = "open_for_bids", _("Open for bids")
        CLOSED = "closed", _("Bidding closed, awaiting opening")
        OPENED = "opened", _("Bids opened")
        EVALUATING = "evaluating", _("Under evaluation")
        CANDIDATES_PUBLISHED = "candidates_published", _("Candidates recommended")
        AWARDED = "awarded", _("Awarded")
        CONTRACTING = "contracting", _("Contracting")
        FAILED = "failed", _("Failed (too few valid bids)")
        CANCELLED = "cancelled", _("Cancelled")

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
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PREPARING)
    bond_amount = models.DecimalField(
        _("bid bond (CNY)"),
        max_digits=18,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Copied from the published tender documents."),
    )
    cancellation_reason = models.TextField(_("reason for cancellation"), blank=True)
    # A failed lot stays failed as history; its re-tender (重新招标) is a new lot pointing back at it.
    retender_of = models.ForeignKey(
        "self",
        verbose_name=_("re-tender of"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="retenders",
        help_text=_("The failed lot this lot procures again."),
    )

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
                condition=Q(bond_amount__isnull=True) | Q(bond_amount__gte=0),
                name="lot_bond_not_negative",
                violation_error_code="bond_negative",
            ),
            models.CheckConstraint(
                condition=Q(budget__gt=0),
                name="lot_budget_positive",
                violation_error_code="budget_not_positive",
                violation_error_message=_("A lot's budget must be more than zero."),
            ),
            models.UniqueConstraint(
                fields=["retender_of"],
                condition=Q(retender_of__isnull=False),
                name="lot_retendered_once",
                violation_error_code="already_retendered",
                violation_error_message=_("This failed lot is already procured again."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.reference} / {self.number}"

    @property
    def title(self) -> str:
        return self.title_en if in_english() and self.title_en else self.title_zh


# A lot's transitions in this app; the bidding, evaluation and contract apps extend the table.
LOT_TRANSITIONS: dict[str, frozenset[str]] = {
    Lot.Status.PREPARING: frozenset({Lot.Status.OPEN_FOR_BIDS, Lot.Status.CANCELLED}),
    Lot.Status.OPEN_FOR_BIDS: frozenset({Lot.Status.CLOSED, Lot.Status.CANCELLED}),
    Lot.Status.CLOSED: frozenset({Lot.Status.OPENED, Lot.Status.FAILED, Lot.Status.CANCELLED}),
    Lot.Status.OPENED: frozenset({Lot.Status.EVALUATING, Lot.Status.FAILED, Lot.Status.CANCELLED}),
    # Evaluation (bidding.evaluation): the panel is drawn, the report signed; too few qualified
    # bids fail the lot.
    Lot.Status.EVALUATING: frozenset(
        {Lot.Status.CANDIDATES_PUBLISHED, Lot.Status.FAILED, Lot.Status.CANCELLED}
    ),
    # Award (bidding.award): the purchaser confirms; a complaint upheld sends the lot back to
    # evaluation or fails it for a new procurement (bidding.challenges).
    Lot.Status.CANDIDATES_PUBLISHED: frozenset(
        {Lot.Status.AWARDED, Lot.Status.EVALUATING, Lot.Status.FAILED, Lot.Status.CANCELLED}
    ),
    Lot.Status.AWARDED: frozenset({Lot.Status.CONTRACTING, Lot.Status.EVALUATING, Lot.Status.FAILED}),
    # Contracts (issue 7) move it on from here.
    Lot.Status.CONTRACTING: frozenset({Lot.Status.EVALUATING, Lot.Status.FAILED}),
    Lot.Status.FAILED: frozenset(),
    Lot.Status.CANCELLED: frozenset(),
}


def can_transition_lot(current: str, target: str) -> bool:
    return target in LOT_TRANSITIONS.get(current, frozenset())


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


class RegulatorApproval(TimeStampedModel):
    """The regulator's approval a project needs before tendering: a method other than the
    rulebook's default, or imported products (requested when the purchaser approves the project);
    and, after a lot fails, another method for procuring that lot again (requested by the clerk or
    the agency officer, one open or approved request per failed lot)."""

    class Subject(models.TextChoices):
        METHOD = "method", _("Procurement method")
        IMPORTED_PRODUCTS = "imported_products", _("Imported products")
        METHOD_AFTER_FAILURE = "method_after_failure", _("Another method after a failed lot")

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Awaiting the regulator")
        APPROVED = "approved", _("Approved by the regulator")
        REFUSED = "refused", _("Refused by the regulator")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="regulator_approvals"
    )
    subject = models.CharField(_("what is approved"), max_length=20, choices=Subject.choices)
    justification = models.TextField(_("justification"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    comment = models.TextField(_("regulator's comment"), blank=True)
    lot = models.ForeignKey(
        Lot,
        verbose_name=_("failed lot"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="method_requests",
    )
    requested_method = models.CharField(
        _("method requested"), max_length=32, choices=Method.choices, blank=True
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("regulator approval")
        verbose_name_plural = _("regulator approvals")
        ordering = ["project", "subject", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "subject"],
                condition=Q(lot__isnull=True),
                name="regulator_approval_one_per_subject",
                violation_error_code="already_requested",
            ),
            models.UniqueConstraint(
                fields=["lot"],
                condition=Q(lot__isnull=False, status__in=["requested", "approved"]),
                name="regulator_approval_one_method_request_per_lot",
                violation_error_code="already_requested",
                violation_error_message=_(
                    "A change of method for this lot is already requested or approved."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(subject="method_after_failure")
                | (Q(lot__isnull=False) & ~Q(requested_method="")),
                name="regulator_approval_method_request_names_lot_and_method",
                violation_error_code="lot_and_method_required",
            ),
            models.CheckConstraint(
                condition=Q(status="requested") | Q(decided_by__isnull=False, decided_at__isnull=False),
                name="regulator_approval_decided_has_decider",
                violation_error_code="decider_required",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.reference} {self.subject} {self.status}"


class Entrustment(TimeStampedModel):
    """The purchaser's entrustment agreement (委托代理协议) with an agency, or with its own
    procurement office (agency = the purchaser). Its PDF is generated once and never changes."""

    project = models.OneToOneField(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="entrustment"
    )
    agency = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("agency"), on_delete=models.PROTECT, related_name="+"
    )
    agreement_number = models.CharField(_("agreement number"), max_length=40, unique=True)
    scope = models.TextField(_("scope of the entrustment"))
    fee = models.DecimalField(_("agency fee (CNY)"), max_digits=18, decimal_places=2, null=True, blank=True)
    signed_on = models.DateField(_("signed on"))
    entrusted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("entrusted by"), on_delete=models.PROTECT, related_name="+"
    )
    document = models.FileField(_("agreement (PDF)"), upload_to="procurement/entrustments/%Y/")
    sha256 = models.CharField(_("SHA-256 of the agreement"), max_length=64)

    class Meta:
        verbose_name = _("entrustment")
        verbose_name_plural = _("entrustments")
        constraints = [
            models.CheckConstraint(
                condition=Q(fee__isnull=True) | Q(fee__gte=0),
                name="entrustment_fee_not_negative",
                violation_error_code="fee_negative",
            )
        ]

    def __str__(self) -> str:
        return self.agreement_number

    @property
    def is_own_office(self) -> bool:
        return self.agency_id == self.project.purchaser_id


class TenderDocument(TimeStampedModel):
    """One version of a project's tender documents (采购文件). The agency edits the draft; publishing
    freezes it with the SHA-256 of its PDF; an amendment is a new version that supersedes it."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PUBLISHED = "published", _("Published")
        SUPERSEDED = "superseded", _("Superseded by an amendment")

    class EvaluationMethod(models.TextChoices):
        LOWEST_PRICE = "lowest_price", _("Lowest evaluated price")
        COMPREHENSIVE = "comprehensive", _("Comprehensive scoring")

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="tender_documents"
    )
    version = models.PositiveSmallIntegerField(_("version"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    # The standard template's sections, as edited (section key -> text); see procurement/templating.py.
    sections = models.JSONField(_("sections"), default=dict)
    qualification_items = models.JSONField(_("qualification requirements (pass/fail)"), default=list)
    # Licences every bidder must hold, valid on the bid deadline: [QualificationKind codes].
    required_qualifications = models.JSONField(_("required licences and certificates"), default=list)
    # The response documents a bid must contain: [{"key", "name_zh", "name_en"}] (templating.py).
    response_documents = models.JSONField(_("required response documents"), default=list)
    opens_automatically = models.BooleanField(
        _("bids open automatically at the deadline"),
        default=False,
        help_text=_("Otherwise two authorised officers open them together, each with the second factor."),
    )
    lot_requirements = models.JSONField(_("technical and commercial requirements per lot"), default=dict)
    evaluation_method = models.CharField(
        _("evaluation method"), max_length=16, choices=EvaluationMethod.choices
    )
    price_weight = models.DecimalField(
        _("price weight (points)"), max_digits=5, decimal_places=2, null=True, blank=True
    )
    # Non-price criteria of comprehensive scoring: [{"name_zh", "name_en", "kind", "points"}].
    criteria = models.JSONField(_("scoring criteria"), default=list)
    # Bid bond per lot number: {"1": "20000.00"}.
    bonds = models.JSONField(_("bid bonds per lot"), default=dict)
    documents_from = models.DateField(_("documents obtainable from"), null=True, blank=True)
    documents_until = models.DateField(_("documents obtainable until"), null=True, blank=True)
    clarification_until = models.DateField(_("questions accepted until"), null=True, blank=True)
    bid_deadline = models.DateTimeField(_("bid deadline and opening time"), null=True, blank=True)
    opening_place = models.CharField(_("place of bid opening"), max_length=200, blank=True)
    amendment_reason = models.TextField(_("what the amendment changes and why"), blank=True)
    affects_bids = models.BooleanField(_("the amendment may affect bids"), default=False)
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("prepared by"), on_delete=models.PROTECT, related_name="+"
    )
    pdf = models.FileField(_("documents (PDF)"), upload_to="procurement/tender-documents/%Y/", blank=True)
    sha256 = models.CharField(_("SHA-256 of the PDF"), max_length=64, blank=True)
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("tender documents")
        verbose_name_plural = _("tender documents")
        ordering = ["project", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "version"],
                name="tender_document_version_unique",
                violation_error_code="duplicate_version",
            ),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(status="draft"),
                name="tender_document_one_draft",
                violation_error_code="draft_exists",
                violation_error_message=_("The project already has a draft of its tender documents."),
            ),
            models.CheckConstraint(
                condition=Q(status="draft") | (~Q(sha256="") & Q(published_at__isnull=False)),
                name="tender_document_published_is_sealed",
                violation_error_code="not_sealed",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.reference} v{self.version}"


class Notice(TimeStampedModel):
    """A public notice (公告) of a project: readable by anyone once published, never edited after;
    a change is a correction notice that points at the one it corrects."""

    class Kind(models.TextChoices):
        INTENTION = "intention", _("Procurement intention")
        TENDER = "tender", _("Tender notice")
        SINGLE_SOURCE = "single_source", _("Single-source justification")
        CORRECTION = "correction", _("Correction notice")
        TERMINATION = "termination", _("Termination notice")
        OPENING_RECORD = "opening_record", _("Bid opening record")
        FAILED = "failed", _("Failed procurement notice")
        RESULT = "result", _("Result notice")
        COMPLAINT_DECISION = "complaint", _("Complaint decision")
        CONTRACT = "contract", _("Contract notice")
        SUPPLEMENT = "supplement", _("Supplementary contract notice")
        ACCEPTANCE = "acceptance", _("Acceptance result")
        BREACH = "breach", _("Breach and termination notice")

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
    document = models.ForeignKey(
        TenderDocument,
        verbose_name=_("tender documents"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="notices",
    )
    # A PDF the notice publishes with it (the opening record), frozen with its SHA-256.
    attachment = models.FileField(_("attachment (PDF)"), upload_to="notices/%Y/", blank=True)
    attachment_sha256 = models.CharField(_("SHA-256 of the attachment"), max_length=64, blank=True)

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
