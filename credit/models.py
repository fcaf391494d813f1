"""Credit records of purchasers, agencies, experts and suppliers, built only from events.

A party's score is the base (rulebook credit.base_score) plus the current points of its events in
force (credit.scoring): each event carries a snapshot of its rule's points, decay and counting
period, so a later edit of the rule catalogue never rewrites a record. A blacklist entry bans a
party for a period; eligibility (credit.eligibility) is what other apps ask.

Evidence is a generic reference (content type + id): credit imports no process app.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import F, Q
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from common.i18n import in_english
from common.models import TimeStampedModel

CODE_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"


class PartyKind(models.TextChoices):
    PURCHASER = "purchaser", _("Purchaser")
    AGENCY = "agency", _("Procurement agency")
    EXPERT = "expert", _("Evaluation expert")
    SUPPLIER = "supplier", _("Supplier")


# Stars to grade (a fixed scale; the score bands are rulebook rows credit.stars_N_min_score).
GRADES = {5: "AAA", 4: "AA", 3: "A", 2: "B", 1: "C"}


class Decay(models.TextChoices):
    NONE = "none", _("Full points until it expires")
    LINEAR = "linear", _("Fades evenly until it expires")


class Severity(models.TextChoices):
    POSITIVE = "positive", _("Good conduct")
    MINOR = "minor", _("Minor")
    GENERAL = "general", _("General")
    SERIOUS = "serious", _("Serious")


class CreditRule(TimeStampedModel):
    """One entry of the rule catalogue: what conduct is worth, for how long, with its basis."""

    code = models.CharField(
        _("code"),
        max_length=80,
        unique=True,
        help_text=_("Stable identifier used by the code and by import feeds, e.g. supplier.false_materials."),
    )
    party_kind = models.CharField(_("applies to"), max_length=16, choices=PartyKind.choices)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    points = models.DecimalField(
        _("points"),
        max_digits=7,
        decimal_places=2,
        help_text=_("Positive for good conduct, negative for bad."),
    )
    counts_for_days = models.PositiveIntegerField(_("counts for (days)"))
    decay = models.CharField(_("decay"), max_length=16, choices=Decay.choices, default=Decay.NONE)
    severity = models.CharField(_("severity"), max_length=16, choices=Severity.choices)
    ban_years = models.PositiveSmallIntegerField(
        _("ban (years)"),
        default=0,
        help_text=_("0: no blacklist entry. Otherwise the event bans the party for this many years."),
    )
    legal_basis_zh = models.TextField(_("legal basis (Chinese)"))
    legal_basis_en = models.TextField(_("legal basis (English)"))
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        verbose_name = _("credit rule")
        verbose_name_plural = _("credit rules")
        ordering = ["party_kind", "code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=CODE_PATTERN),
                name="credit_rule_code_format",
                violation_error_code="invalid_code",
                violation_error_message=_(
                    "Use lower-case letters, digits and underscores, e.g. supplier.bribery."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(points=0),
                name="credit_rule_points_not_zero",
                violation_error_code="zero_points",
                violation_error_message=_("A credit rule adds or takes away points; zero is not allowed."),
            ),
            models.CheckConstraint(
                condition=Q(counts_for_days__gte=1),
                name="credit_rule_counts_at_least_a_day",
                violation_error_code="counts_for_days",
                violation_error_message=_("An event counts for at least one day."),
            ),
            models.CheckConstraint(
                condition=Q(ban_years=0) | Q(points__lt=0),
                name="credit_rule_ban_only_for_bad_conduct",
                violation_error_code="ban_for_good_conduct",
                violation_error_message=_("Only bad conduct (negative points) can lead to a ban."),
            ),
            models.CheckConstraint(
                condition=Q(ban_years__lte=3),
                name="credit_rule_ban_at_most_three_years",
                violation_error_code="ban_too_long",
                violation_error_message=_(
                    "A ban lasts at most three years (Government Procurement Law, art. 77)."
                ),
            ),
            models.CheckConstraint(
                condition=~Q(legal_basis_zh="") & ~Q(legal_basis_en=""),
                name="credit_rule_legal_basis_present",
                violation_error_code="legal_basis_missing",
                violation_error_message=_("Every credit rule states its basis in Chinese and English."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} ({self.points:+})"

    @property
    def name(self) -> str:
        return self.name_en if in_english() else self.name_zh

    @property
    def legal_basis(self) -> str:
        return self.legal_basis_en if in_english() else self.legal_basis_zh

    @property
    def lazy_name(self):
        """The name in whatever language the text is rendered in later (for lazy messages)."""
        return lazy(lambda: self.name, str)()

    @property
    def bans(self) -> bool:
        return self.ban_years > 0


class CreditRecord(TimeStampedModel):
    """One party's credit record. The score fields are a cache of credit.scoring, recomputed on
    every event and nightly; the events are the truth."""

    kind = models.CharField(_("kind of party"), max_length=16, choices=PartyKind.choices)
    organisation = models.OneToOneField(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_record",
    )
    person = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="credit_record",
    )
    region_code = models.CharField(_("administrative region code"), max_length=6, db_index=True)
    score = models.DecimalField(_("score"), max_digits=9, decimal_places=2, default=100)
    stars = models.PositiveSmallIntegerField(_("stars"), default=4)
    is_red_listed = models.BooleanField(_("on the red list"), default=False, db_index=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)

    class Meta:
        verbose_name = _("credit record")
        verbose_name_plural = _("credit records")
        ordering = ["kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(kind="expert") & Q(person__isnull=False) & Q(organisation__isnull=True))
                | (~Q(kind="expert") & Q(person__isnull=True) & Q(organisation__isnull=False)),
                name="credit_record_one_party",
                violation_error_code="one_party",
                violation_error_message=_("A credit record belongs to one organisation, or to one expert."),
            ),
            models.CheckConstraint(
                condition=Q(stars__gte=1) & Q(stars__lte=5),
                name="credit_record_stars_1_to_5",
                violation_error_code="stars_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"

    @property
    def party(self):
        return self.person if self.kind == PartyKind.EXPERT else self.organisation

    @property
    def name(self) -> str:
        if self.kind == PartyKind.EXPERT:
            return self.person.get_full_name() or self.person.get_username()
        return self.organisation.name

    @property
    def lazy_name(self):
        """The name in whatever language the text is rendered in later (for lazy messages)."""
        return lazy(lambda: self.name, str)()

    @property
    def uscc(self) -> str:
        return self.organisation.uscc if self.organisation_id else ""

    @property
    def grade(self) -> str:
        return GRADES[self.stars]


class CreditEvent(TimeStampedModel):
    """One fact about a party's conduct, with its points frozen when it was recorded."""

    class Source(models.TextChoices):
        SYSTEM = "system", _("Recorded by the platform")
        SUPERVISION = "supervision", _("Regulator's penalty decision")
        EXTERNAL = "external", _("Other credit platforms (joint reward and punishment)")

    class Status(models.TextChoices):
        IN_FORCE = "in_force", _("In force")
        APPEALED = "appealed", _("Under appeal")
        REVERSED = "reversed", _("Reversed on appeal")

    record = models.ForeignKey(
        CreditRecord, verbose_name=_("credit record"), on_delete=models.PROTECT, related_name="events"
    )
    rule = models.ForeignKey(
        CreditRule, verbose_name=_("rule"), on_delete=models.PROTECT, related_name="events"
    )
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.IN_FORCE)
    points = models.DecimalField(_("points"), max_digits=7, decimal_places=2)
    decay = models.CharField(_("decay"), max_length=16, choices=Decay.choices)
    occurred_on = models.DateField(_("date of the conduct or decision"))
    counts_until = models.DateField(_("counts until (exclusive)"))
    description = models.TextField(_("description"), blank=True)
    evidence_type = models.ForeignKey(
        ContentType, verbose_name=_("evidence type"), on_delete=models.PROTECT, null=True, blank=True
    )
    evidence_id = models.CharField(_("evidence id"), max_length=64, blank=True)
    evidence_label = models.CharField(_("evidence"), max_length=300, blank=True)
    document = models.FileField(_("decision document"), upload_to="credit/decisions/%Y/", blank=True)
    document_sha256 = models.CharField(_("document SHA-256"), max_length=64, blank=True)
    is_published = models.BooleanField(_("published"), default=False)
    external_source = models.CharField(_("external source"), max_length=100, blank=True)
    external_reference = models.CharField(_("external reference"), max_length=200, blank=True)
    appeal_deadline = models.DateField(_("appeal deadline"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("credit event")
        verbose_name_plural = _("credit events")
        ordering = ["-occurred_on", "-pk"]
        indexes = [models.Index(fields=["record", "status", "counts_until"], name="credit_event_scoring")]
        constraints = [
            models.UniqueConstraint(
                fields=["external_source", "external_reference"],
                condition=~Q(external_reference=""),
                name="credit_event_external_reference_unique",
                violation_error_code="duplicate_external_reference",
                violation_error_message=_("This record of the other credit platform is already imported."),
            ),
            models.CheckConstraint(
                condition=~Q(points=0),
                name="credit_event_points_not_zero",
                violation_error_code="zero_points",
            ),
            models.CheckConstraint(
                condition=Q(counts_until__gt=F("occurred_on")),
                name="credit_event_counts_after_it_occurred",
                violation_error_code="counts_until",
            ),
            models.CheckConstraint(
                condition=~Q(source="supervision") | ~Q(document=""),
                name="credit_event_penalty_has_document",
                violation_error_code="document_missing",
                violation_error_message=_("A penalty decision needs its document."),
            ),
            models.CheckConstraint(
                condition=~Q(source="external") | (~Q(external_source="") & ~Q(external_reference="")),
                name="credit_event_external_has_reference",
                violation_error_code="external_reference_missing",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule.code} {self.points:+} ({self.occurred_on})"

    @property
    def counts(self) -> bool:
        """Whether the event can count at all (not reversed); whether it still does depends on the date."""
        return self.status != self.Status.REVERSED


class BlacklistEntry(TimeStampedModel):
    """A ban from procurement (严重违法失信名单): from starts_on up to and including ends_on."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        LIFTED = "lifted", _("Lifted on appeal")

    record = models.ForeignKey(
        CreditRecord,
        verbose_name=_("credit record"),
        on_delete=models.PROTECT,
        related_name="blacklist_entries",
    )
    event = models.OneToOneField(
        CreditEvent, verbose_name=_("event"), on_delete=models.PROTECT, related_name="blacklist_entry"
    )
    starts_on = models.DateField(_("banned from"))
    ends_on = models.DateField(_("banned until (inclusive)"))
    legal_basis_zh = models.TextField(_("legal basis (Chinese)"))
    legal_basis_en = models.TextField(_("legal basis (English)"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("blacklist entry")
        verbose_name_plural = _("blacklist entries")
        ordering = ["-starts_on", "-pk"]
        indexes = [models.Index(fields=["record", "status", "ends_on"], name="credit_blacklist_lookup")]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=F("starts_on")),
                name="credit_blacklist_ends_after_start",
                violation_error_code="ends_before_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.record} {self.starts_on}–{self.ends_on}"

    @property
    def legal_basis(self) -> str:
        return self.legal_basis_en if in_english() else self.legal_basis_zh


class CreditAppeal(TimeStampedModel):
    """A party's objection to one event (信用异议), decided by a regulator."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting decision")
        UPHELD = "upheld", _("Event upheld")
        REVERSED = "reversed", _("Event reversed")

    event = models.ForeignKey(
        CreditEvent, verbose_name=_("event"), on_delete=models.PROTECT, related_name="appeals"
    )
    appellant = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("appellant"), on_delete=models.PROTECT, related_name="+"
    )
    reasons = models.TextField(_("reasons"))
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reasons = models.TextField(_("reasons for the decision"), blank=True)

    class Meta:
        verbose_name = _("credit appeal")
        verbose_name_plural = _("credit appeals")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event"],
                condition=Q(status="pending"),
                name="credit_appeal_one_pending_per_event",
                violation_error_code="appeal_pending",
                violation_error_message=_("This event already has an appeal awaiting decision."),
            ),
            models.CheckConstraint(
                condition=Q(status="pending") | (Q(decided_at__isnull=False) & ~Q(decision_reasons="")),
                name="credit_appeal_decision_complete",
                violation_error_code="decision_incomplete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event} — {self.get_status_display()}"


class AppealDocument(TimeStampedModel):
    appeal = models.ForeignKey(
        CreditAppeal, verbose_name=_("appeal"), on_delete=models.PROTECT, related_name="documents"
    )
    file = models.FileField(_("file"), upload_to="credit/appeals/%Y/")
    name = models.CharField(_("file name"), max_length=200)
    sha256 = models.CharField(_("SHA-256"), max_length=64)

    class Meta:
        verbose_name = _("appeal document")
        verbose_name_plural = _("appeal documents")
        ordering = ["pk"]

    def __str__(self) -> str:
        return self.name


class CreditImport(TimeStampedModel):
    """One feed of records from other credit platforms, imported once (keyed by its SHA-256)."""

    class Origin(models.TextChoices):
        UPLOAD = "upload", _("Uploaded by a regulator")
        FOLDER = "folder", _("Read from the import folder")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        JSON = "json", "JSON"

    origin = models.CharField(_("origin"), max_length=16, choices=Origin.choices)
    source_name = models.CharField(_("source"), max_length=100)
    file = models.FileField(_("feed file"), upload_to="credit/imports/%Y/")
    file_name = models.CharField(_("file name"), max_length=200)
    format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    sha256 = models.CharField(_("SHA-256"), max_length=64, unique=True)
    region_code = models.CharField(
        _("region"), max_length=6, blank=True, help_text=_("The uploading regulator's region; blank for all.")
    )
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("imported by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_count = models.PositiveIntegerField(_("recorded"), default=0)
    duplicate_count = models.PositiveIntegerField(_("already imported"), default=0)
    unmatched_count = models.PositiveIntegerField(_("unmatched"), default=0)
    rejected_count = models.PositiveIntegerField(_("rejected"), default=0)

    class Meta:
        verbose_name = _("credit import")
        verbose_name_plural = _("credit imports")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.source_name}: {self.file_name}"

    @property
    def row_count(self) -> int:
        return self.recorded_count + self.duplicate_count + self.unmatched_count + self.rejected_count


class CreditImportRow(models.Model):
    """The report line of one row of a feed: what became of it, and why."""

    class Outcome(models.TextChoices):
        RECORDED = "recorded", _("Recorded")
        DUPLICATE = "duplicate", _("Already imported")
        UNMATCHED = "unmatched", _("No matching party")
        REJECTED = "rejected", _("Rejected")

    batch = models.ForeignKey(
        CreditImport, verbose_name=_("import"), on_delete=models.CASCADE, related_name="rows"
    )
    line = models.PositiveIntegerField(_("line"))
    uscc = models.CharField(_("unified social credit code"), max_length=64, blank=True)
    party_name = models.CharField(_("name in the feed"), max_length=200, blank=True)
    rule_code = models.CharField(_("rule"), max_length=80, blank=True)
    reference = models.CharField(_("reference"), max_length=200, blank=True)
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices)
    message_zh = models.TextField(_("message (Chinese)"), blank=True)
    message_en = models.TextField(_("message (English)"), blank=True)
    event = models.ForeignKey(
        CreditEvent,
        verbose_name=_("event"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("import row")
        verbose_name_plural = _("import rows")
        ordering = ["batch", "line"]
        constraints = [
            models.UniqueConstraint(fields=["batch", "line"], name="credit_import_row_line_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.batch_id}:{self.line} {self.outcome}"

    @property
    def message(self) -> str:
        return self.message_en if in_english() else self.message_zh
