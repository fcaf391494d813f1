"""What the public portal keeps of its own, derived from the other apps and rebuilt from them at
any time: the search index of notices, the OCDS releases, and the red flags."""

from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from procurement.models import Category, Method, Notice


class SearchEntry(models.Model):
    """One public notice as the search sees it: its words (CJK bigrams and Latin words of both
    languages, disclosure.search.tokenizer) and the fields the filters need, copied once."""

    notice = models.OneToOneField(
        Notice,
        verbose_name=_("notice"),
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="search_entry",
    )
    published_at = models.DateTimeField(_("published at"))
    kind = models.CharField(_("kind of notice"), max_length=16, choices=Notice.Kind.choices)
    category = models.CharField(_("category"), max_length=16, choices=Category.choices)
    method = models.CharField(_("procurement method"), max_length=32, choices=Method.choices)
    region_code = models.CharField(_("administrative region code"), max_length=6)
    purchaser = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("purchaser"), on_delete=models.PROTECT, related_name="+"
    )
    # The suppliers a notice names as winners or contract parties (result, contract, acceptance…).
    suppliers = ArrayField(models.BigIntegerField(), verbose_name=_("suppliers"), default=list, blank=True)
    amount = models.DecimalField(_("amount (CNY)"), max_digits=16, decimal_places=2, null=True, blank=True)
    words = SearchVectorField(_("words"))

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        indexes = [
            GinIndex(fields=["words"], name="search_words"),
            GinIndex(fields=["suppliers"], name="search_suppliers"),
            models.Index(fields=["-published_at", "-notice"], name="search_keyset"),
            models.Index(fields=["kind", "-published_at", "-notice"], name="search_kind_keyset"),
        ]

    def __str__(self) -> str:
        return str(self.notice_id)


class Release(models.Model):
    """An OCDS 1.1.5 release, written once for a public event of one lot (one ocid per lot) and
    never changed: the JSON is kept as published, as text (the API and the bulk files send these
    bytes as they are; the database refuses an UPDATE, migration 0003)."""

    release_id = models.CharField(_("release id"), max_length=120, unique=True)
    ocid = models.CharField(_("ocid"), max_length=80)
    date = models.DateTimeField(_("date"))
    tags = ArrayField(models.CharField(max_length=32), verbose_name=_("tags"))
    lot = models.ForeignKey(
        "procurement.Lot", verbose_name=_("lot"), on_delete=models.PROTECT, related_name="ocds_releases"
    )
    notice = models.ForeignKey(
        Notice, verbose_name=_("notice"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    buyer_id = models.CharField(_("buyer identifier"), max_length=40)
    data = models.TextField(_("release (JSON as published)"))
    created_at = models.DateTimeField(_("written at"), default=timezone.now, editable=False)

    class Meta:
        verbose_name = _("OCDS release")
        verbose_name_plural = _("OCDS releases")
        indexes = [
            models.Index(fields=["date", "id"], name="release_keyset"),
            models.Index(fields=["ocid", "date", "id"], name="release_ocid"),
            models.Index(fields=["buyer_id", "date", "id"], name="release_buyer"),
        ]

    def __str__(self) -> str:
        return self.release_id


class RedFlag(models.Model):
    """One red-flag indicator raised for a lot or for a party, with the value that raised it, the
    threshold it crossed and the evidence (disclosure.redflags.indicators names each code).

    `level` says what the organisation is to the flag (Cardinal's groups): the same organisation
    may be flagged by one indicator as a buyer and as a procuring entity (a purchaser running its
    own procurement)."""

    class Level(models.TextChoices):
        LOT = "lot", _("Lot")
        BUYER = "buyer", _("Buyer")
        PROCURING_ENTITY = "procuring_entity", _("Procuring entity")
        TENDERER = "tenderer", _("Tenderer")

    code = models.CharField(_("indicator"), max_length=32)
    level = models.CharField(_("level"), max_length=20, choices=Level.choices, default=Level.LOT)
    lot = models.ForeignKey(
        "procurement.Lot",
        verbose_name=_("lot"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="red_flags",
    )
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="red_flags",
    )
    value = models.DecimalField(_("value"), max_digits=20, decimal_places=6, null=True, blank=True)
    threshold = models.DecimalField(_("threshold"), max_digits=20, decimal_places=6, null=True, blank=True)
    evidence = models.JSONField(_("evidence"), default=dict, blank=True)
    computed_at = models.DateTimeField(_("computed at"))

    class Meta:
        verbose_name = _("red flag")
        verbose_name_plural = _("red flags")
        constraints = [
            models.UniqueConstraint(
                fields=["code", "level", "lot", "organisation"], name="red_flag_once", nulls_distinct=False
            ),
            models.CheckConstraint(
                condition=models.Q(lot__isnull=False) | models.Q(organisation__isnull=False),
                name="red_flag_has_subject",
            ),
            models.CheckConstraint(
                condition=(models.Q(level="lot") & models.Q(lot__isnull=False))
                | (~models.Q(level="lot") & models.Q(organisation__isnull=False)),
                name="red_flag_level_subject",
            ),
        ]
        indexes = [models.Index(fields=["level", "code"], name="red_flag_level_code")]

    def __str__(self) -> str:
        return self.code

    @property
    def indicator(self):
        """The indicator's entry in the registry (title, definition, basis), or None for a code
        no longer there."""
        from disclosure.redflags.indicators import indicator

        return indicator(self.code)
