"""The expert pool (评审专家库) and the random draw of evaluation panels (抽取评审专家).

An expert registers (or the regulator registers them) with specialties, title, experience,
employer, region, the days they cannot serve, and declarations of their employers, board seats,
controlling interests and relatives of the last three years. The regulator reviews, suspends and
reinstates (PROFILE_TRANSITIONS).

A panel is drawn per lot after opening: the seed's SHA-256 is committed before the draw and the
seed revealed after; with the seed and the frozen candidate list anyone can replay the draw
(experts/draw.py). Every exclusion is recorded with its reason. States change only through
experts.services.
"""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.i18n import in_english
from common.models import TimeStampedModel


class ExpertProfile(TimeStampedModel):
    """One person's place in the expert pool."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Awaiting review")
        APPROVED = "approved", _("In the pool")
        REJECTED = "rejected", _("Rejected")
        SUSPENDED = "suspended", _("Suspended")

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.PROTECT,
        related_name="expert_profile",
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.PENDING)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100)
    name_en = models.CharField(_("name (English)"), max_length=100, blank=True)
    professional_title = models.CharField(
        _("professional title"), max_length=100, help_text=_("E.g. 高级工程师 (senior engineer).")
    )
    years_of_experience = models.PositiveSmallIntegerField(_("years of professional experience"))
    employer_name = models.CharField(_("employer"), max_length=200)
    employer_uscc = models.CharField(
        _("employer's unified social credit code"), max_length=18, blank=True, db_index=True
    )
    region_code = models.CharField(_("administrative region code"), max_length=6, db_index=True)
    # Classification codes (or their prefixes) of the government procurement catalogue, e.g. A0201.
    specialties = ArrayField(
        models.CharField(max_length=20), verbose_name=_("specialties (classification codes)"), default=list
    )
    phone = models.CharField(_("telephone"), max_length=30, blank=True)
    status_reason = models.TextField(_("reason for the last decision"), blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reviewed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reviewed_at = models.DateTimeField(_("reviewed at"), null=True, blank=True)
    declared_at = models.DateTimeField(
        _("declarations confirmed at"),
        null=True,
        blank=True,
        help_text=_("When the expert last confirmed that their declarations are complete and true."),
    )

    class Meta:
        verbose_name = _("expert")
        verbose_name_plural = _("experts")
        ordering = ["pk"]
        indexes = [
            GinIndex(fields=["specialties"], name="expert_specialties_gin"),
            models.Index(fields=["status", "region_code"], name="expert_status_region"),
        ]

    def __str__(self) -> str:
        return self.name_zh

    @property
    def name(self) -> str:
        return self.name_en if in_english() and self.name_en else self.name_zh


PROFILE_TRANSITIONS: dict[str, frozenset[str]] = {
    ExpertProfile.Status.PENDING: frozenset({ExpertProfile.Status.APPROVED, ExpertProfile.Status.REJECTED}),
    ExpertProfile.Status.APPROVED: frozenset({ExpertProfile.Status.SUSPENDED}),
    ExpertProfile.Status.SUSPENDED: frozenset({ExpertProfile.Status.APPROVED}),
    ExpertProfile.Status.REJECTED: frozenset({ExpertProfile.Status.PENDING}),
}


def can_transition_profile(current: str, target: str) -> bool:
    return target in PROFILE_TRANSITIONS.get(current, frozenset())


class Declaration(TimeStampedModel):
    """What the expert declares about the last three years (Implementing Regulations art. 9): an
    employer, a board or management seat, a controlling interest, or a relative working somewhere.
    Organisations are matched to bidders and purchasers by their unified social credit code."""

    class Kind(models.TextChoices):
        EMPLOYMENT = "employment", _("Employed by")
        DIRECTOR = "director", _("Director, supervisor or manager of")
        CONTROLLER = "controller", _("Shareholder or actual controller of")
        RELATIVE = "relative", _("A relative works for")

    expert = models.ForeignKey(
        ExpertProfile, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="declarations"
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices)
    organisation_name = models.CharField(_("organisation"), max_length=200)
    organisation_uscc = models.CharField(
        _("organisation's unified social credit code"), max_length=18, db_index=True
    )
    relative_name = models.CharField(_("relative's name"), max_length=100, blank=True)
    relationship = models.CharField(
        _("relationship"), max_length=50, blank=True, help_text=_("E.g. spouse, parent, sibling.")
    )
    started_on = models.DateField(_("from"), null=True, blank=True)
    ended_on = models.DateField(_("until"), null=True, blank=True, help_text=_("Empty while it lasts."))

    class Meta:
        verbose_name = _("declaration")
        verbose_name_plural = _("declarations")
        ordering = ["expert_id", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind="relative") | (~Q(relative_name="") & ~Q(relationship="")),
                name="declaration_relative_named",
                violation_error_code="relative_unnamed",
                violation_error_message=_("Name the relative and the relationship."),
            ),
            models.CheckConstraint(
                condition=Q(started_on__isnull=True)
                | Q(ended_on__isnull=True)
                | Q(ended_on__gte=models.F("started_on")),
                name="declaration_period_ordered",
                violation_error_code="period_reversed",
                violation_error_message=_("The end cannot be before the start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert_id} {self.kind} {self.organisation_uscc}"


class Unavailability(TimeStampedModel):
    """Days the expert cannot serve (their availability calendar): never drawn for a panel whose
    evaluation falls on them."""

    expert = models.ForeignKey(
        ExpertProfile, verbose_name=_("expert"), on_delete=models.CASCADE, related_name="unavailable_days"
    )
    starts_on = models.DateField(_("from"))
    ends_on = models.DateField(_("until"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("unavailable period")
        verbose_name_plural = _("unavailable periods")
        ordering = ["expert_id", "starts_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gte=models.F("starts_on")),
                name="unavailability_period_ordered",
                violation_error_code="period_reversed",
                violation_error_message=_("The end cannot be before the start."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert_id} {self.starts_on}–{self.ends_on}"


class Panel(TimeStampedModel):
    """The evaluation panel (评标委员会 / 评审小组) of one lot.

    requested: the agency asked for it and the seed's SHA-256 is committed (public in the audit
    trail); drawn: the candidates are frozen and the seats filled in draw order, the seed revealed;
    seated: every seat accepted and declared no conflict; dissolved: replaced by a new panel (a
    re-evaluation) or the lot ended."""

    class Status(models.TextChoices):
        REQUESTED = "requested", _("Requested (seed committed)")
        DRAWN = "drawn", _("Drawn, awaiting answers")
        SEATED = "seated", _("Seated")
        DISSOLVED = "dissolved", _("Dissolved")

    lot = models.ForeignKey(
        "procurement.Lot", verbose_name=_("lot"), on_delete=models.PROTECT, related_name="panels"
    )
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.REQUESTED)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+"
    )
    size = models.PositiveSmallIntegerField(_("panel size"))
    expert_seats = models.PositiveSmallIntegerField(_("expert seats"))
    purchaser_seats = models.PositiveSmallIntegerField(_("purchaser representative seats"))
    reserves = models.PositiveSmallIntegerField(_("reserve experts"))
    specialties = ArrayField(
        models.CharField(max_length=20), verbose_name=_("specialties required"), default=list
    )
    evaluation_on = models.DateField(_("evaluation day"))
    answer_hours = models.PositiveSmallIntegerField(_("hours an invited expert has to answer"))
    # The commitment: SHA-256 of the seed, recorded (audit) before any candidate is known.
    seed_sha256 = models.CharField(_("SHA-256 of the seed"), max_length=64)
    # The seed itself, hex; shown to nobody until the draw is published with the result notice.
    seed = models.CharField(_("seed"), max_length=64)
    # The frozen, ordered candidate list (expert profile ids, ascending) and its SHA-256.
    candidates = ArrayField(models.BigIntegerField(), verbose_name=_("candidates"), default=list)
    candidates_sha256 = models.CharField(_("SHA-256 of the candidate list"), max_length=64, blank=True)
    # The whole draw order (a permutation of the candidates): seats first, then reserves in turn.
    draw_order = ArrayField(models.BigIntegerField(), verbose_name=_("draw order"), default=list)
    drawn_at = models.DateTimeField(_("drawn at"), null=True, blank=True)
    seated_at = models.DateTimeField(_("seated at"), null=True, blank=True)
    published_at = models.DateTimeField(
        _("draw record published at"), null=True, blank=True, help_text=_("With the result notice.")
    )

    class Meta:
        verbose_name = _("evaluation panel")
        verbose_name_plural = _("evaluation panels")
        ordering = ["lot_id", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["lot"],
                condition=~Q(status="dissolved"),
                name="panel_one_active_per_lot",
                violation_error_code="panel_exists",
                violation_error_message=_("This lot already has a panel."),
            ),
            models.CheckConstraint(
                condition=Q(size=models.F("expert_seats") + models.F("purchaser_seats")),
                name="panel_seats_add_up",
                violation_error_code="seats_mismatch",
            ),
        ]

    def __str__(self) -> str:
        return f"panel {self.pk} of lot {self.lot_id}"


PANEL_TRANSITIONS: dict[str, frozenset[str]] = {
    Panel.Status.REQUESTED: frozenset({Panel.Status.DRAWN, Panel.Status.DISSOLVED}),
    Panel.Status.DRAWN: frozenset({Panel.Status.SEATED, Panel.Status.DISSOLVED}),
    Panel.Status.SEATED: frozenset({Panel.Status.DRAWN, Panel.Status.DISSOLVED}),
    Panel.Status.DISSOLVED: frozenset(),
}


def can_transition_panel(current: str, target: str) -> bool:
    return target in PANEL_TRANSITIONS.get(current, frozenset())


class DrawExclusion(TimeStampedModel):
    """An expert of the matching specialties left out of a draw, with the reason (avoidance, credit,
    availability). Published with the draw record, without the expert's name before it."""

    class Reason(models.TextChoices):
        WORKED_FOR_BIDDER = (
            "worked_for_bidder",
            _("Worked for, directed or controlled a bidder within three years"),
        )
        RELATIVE_AT_BIDDER = "relative_at_bidder", _("A declared relative works for a bidder")
        RELATIVE_AT_PURCHASER = "relative_at_purchaser", _("A declared relative works for the purchaser")
        WORKS_FOR_PURCHASER = "works_for_purchaser", _("Works for the purchaser")
        PREPARED_DOCUMENTS = "prepared_documents", _("Took part in preparing the documents")
        CREDIT_SANCTION = "credit_sanction", _("An active credit sanction")
        UNAVAILABLE = "unavailable", _("Unavailable on the evaluation day")

    panel = models.ForeignKey(
        Panel, verbose_name=_("panel"), on_delete=models.CASCADE, related_name="exclusions"
    )
    expert = models.ForeignKey(
        ExpertProfile, verbose_name=_("expert"), on_delete=models.PROTECT, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=24, choices=Reason.choices)
    detail = models.CharField(_("detail"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("draw exclusion")
        verbose_name_plural = _("draw exclusions")
        ordering = ["panel_id", "expert_id", "reason"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "expert", "reason"],
                name="draw_exclusion_unique",
                violation_error_code="duplicate",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.expert_id} {self.reason}"


class PanelSeat(TimeStampedModel):
    """One place on a panel: a drawn expert (or a reserve not yet called), or a purchaser
    representative named by the purchaser.

    An expert is invited and accepts or declines (with a reason) before `reply_by`; a decline, no
    answer or a declared conflict calls the next reserve. On accepting, the expert sees the bidder
    list and declares no conflict (seated) or a conflict (out)."""

    class Kind(models.TextChoices):
        EXPERT = "expert", _("Expert")
        PURCHASER_REPRESENTATIVE = "purchaser_representative", _("Purchaser representative")

    class Status(models.TextChoices):
        RESERVE = "reserve", _("Reserve")
        INVITED = "invited", _("Invited")
        ACCEPTED = "accepted", _("Accepted, declaration due")
        SEATED = "seated", _("Seated")
        DECLINED = "declined", _("Declined")
        NO_ANSWER = "no_answer", _("No answer in time")
        CONFLICT = "conflict", _("Declared a conflict of interest")
        RELEASED = "released", _("Released (not needed)")

    panel = models.ForeignKey(Panel, verbose_name=_("panel"), on_delete=models.CASCADE, related_name="seats")
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("member"),
        on_delete=models.PROTECT,
        related_name="panel_seats",
    )
    expert = models.ForeignKey(
        ExpertProfile,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="seats",
    )
    # 1-based position in the draw order (experts); 0 for purchaser representatives.
    position = models.PositiveIntegerField(_("position in the draw"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices)
    invited_at = models.DateTimeField(_("invited at"), null=True, blank=True)
    reply_by = models.DateTimeField(_("answer due by"), null=True, blank=True)
    replied_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    decline_reason = models.TextField(_("reason for declining"), blank=True)
    declared_at = models.DateTimeField(_("conflict-of-interest declaration signed at"), null=True, blank=True)
    conflict = models.TextField(_("declared conflict of interest"), blank=True)
    is_leader = models.BooleanField(_("panel leader"), default=False)

    class Meta:
        verbose_name = _("panel seat")
        verbose_name_plural = _("panel seats")
        ordering = ["panel_id", "kind", "position", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["panel", "member"],
                name="panel_seat_member_once",
                violation_error_code="duplicate_member",
            ),
            models.CheckConstraint(
                condition=(Q(kind="expert") & Q(expert__isnull=False))
                | (Q(kind="purchaser_representative") & Q(expert__isnull=True)),
                name="panel_seat_expert_kind",
                violation_error_code="kind_mismatch",
            ),
        ]

    def __str__(self) -> str:
        return f"seat {self.position} of panel {self.panel_id}"


# Seats that count toward the panel (or may still): the rest are history.
LIVE_SEAT_STATUSES = frozenset({PanelSeat.Status.INVITED, PanelSeat.Status.ACCEPTED, PanelSeat.Status.SEATED})

SEAT_TRANSITIONS: dict[str, frozenset[str]] = {
    PanelSeat.Status.RESERVE: frozenset({PanelSeat.Status.INVITED, PanelSeat.Status.RELEASED}),
    PanelSeat.Status.INVITED: frozenset(
        {
            PanelSeat.Status.ACCEPTED,
            PanelSeat.Status.DECLINED,
            PanelSeat.Status.NO_ANSWER,
            PanelSeat.Status.RELEASED,
        }
    ),
    PanelSeat.Status.ACCEPTED: frozenset({PanelSeat.Status.SEATED, PanelSeat.Status.CONFLICT}),
    PanelSeat.Status.SEATED: frozenset({PanelSeat.Status.CONFLICT, PanelSeat.Status.RELEASED}),
    PanelSeat.Status.DECLINED: frozenset(),
    PanelSeat.Status.NO_ANSWER: frozenset(),
    PanelSeat.Status.CONFLICT: frozenset(),
    PanelSeat.Status.RELEASED: frozenset(),
}


def can_transition_seat(current: str, target: str) -> bool:
    return target in SEAT_TRANSITIONS.get(current, frozenset())
