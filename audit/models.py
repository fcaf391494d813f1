"""The hash-chained audit log and its signed checkpoints.

Neither model carries created_at / updated_at (STYLE.md asks for them): the rows are never
updated, and each has its own database time (occurred_at, signed_at), so the extra columns would
only repeat one time and misstate the other.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Length
from django.db.models.lookups import Exact
from django.utils.translation import gettext_lazy as _

from .chain import GENESIS_HASH


def is_hex(field: str, length: int) -> Q:
    """Lower-case hex of this length. Checked as a length and a "+" regex: PostgreSQL's regex engine
    takes ~5 µs for {64}, and events are inserted while the chain lock is held."""
    return Q(**{f"{field}__regex": r"^[0-9a-f]+$"}) & Q(Exact(Length(field), length))


ACTION_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$"


class AuditEvent(models.Model):
    """One state change, chained to the one before by its hash.

    Append-only: rows are written only by `audit.services.record_event` (through the database
    function audit_append(), which takes the chain lock, reads the head and computes the hash),
    and the trigger `audit_event_append_only` refuses every UPDATE and DELETE, whoever asks.
    No trigger refuses TRUNCATE: pytest-django's transactional tests flush the database with it.
    In production the application's role must not own this table, so that it can neither disable
    the trigger nor truncate; migrations run as the owner, and migration 0003 takes UPDATE, DELETE
    and TRUNCATE on both audit tables from every other role (deploy/postgres-init.sql makes the
    two roles for docker-compose.yml).
    """

    sequence = models.BigIntegerField(_("sequence"), primary_key=True)
    occurred_at = models.DateTimeField(_("occurred at"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("actor"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # covered by audit_event_actor_idx
    )
    actor_label = models.CharField(_("actor label"), max_length=300, blank=True)
    organisation = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,  # covered by audit_event_organisation_idx
    )
    action = models.CharField(_("action"), max_length=100)
    object_type = models.CharField(_("object type"), max_length=100, blank=True)
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    previous_hash = models.CharField(_("previous hash"), max_length=64)
    hash = models.CharField(_("hash"), max_length=64)

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["sequence"]
        get_latest_by = "sequence"
        indexes = [
            models.Index(fields=["object_type", "object_id", "sequence"], name="audit_event_object_idx"),
            models.Index(fields=["organisation", "sequence"], name="audit_event_organisation_idx"),
            models.Index(fields=["actor", "sequence"], name="audit_event_actor_idx"),
        ]
        constraints = [
            # The chain's shape: sequence 1 starts from the genesis hash, every later one does not
            # (so sequences are positive). The row-level formats -- a dotted action, a complete
            # object reference, hex hashes -- are enforced by audit_append(), the one writer: it
            # checks the body before it takes the chain lock and makes the hashes itself, so no
            # per-row check runs inside the serialised part of an append (see migration 0002).
            models.CheckConstraint(
                condition=Q(sequence=1, previous_hash=GENESIS_HASH)
                | (Q(sequence__gt=1) & ~Q(previous_hash=GENESIS_HASH)),
                name="audit_event_genesis_link",
                violation_error_code="genesis_link",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action}"

    @property
    def object_reference(self) -> str:
        return f"{self.object_type}:{self.object_id}" if self.object_type else ""


class AuditCheckpoint(models.Model):
    """The chain head (sequence, hash) signed with the platform's Ed25519 key.

    A beat job records one a day. Whoever rewrites the whole chain consistently still cannot
    match a checkpoint signed earlier, nor the copies of the public head others kept. The
    signature covers `audit.chain.checkpoint_message(sequence, head_hash, signed_at)`; the public
    key is stored with each checkpoint so that old checkpoints stay verifiable after a key change.
    Append-only like the events (trigger `audit_checkpoint_append_only`).
    """

    sequence = models.BigIntegerField(_("sequence"))
    head_hash = models.CharField(_("head hash"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"))
    signature = models.CharField(_("signature"), max_length=128)
    public_key = models.TextField(_("public key (PEM)"))
    key_fingerprint = models.CharField(_("key fingerprint"), max_length=64)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("audit checkpoint")
        verbose_name_plural = _("audit checkpoints")
        ordering = ["-sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["sequence"],
                name="audit_checkpoint_unique_sequence",
                violation_error_code="checkpoint_exists",
            ),
            models.CheckConstraint(
                condition=Q(sequence__gte=1),
                name="audit_checkpoint_sequence_positive",
                violation_error_code="sequence_not_positive",
            ),
            models.CheckConstraint(
                condition=is_hex("head_hash", 64) & is_hex("key_fingerprint", 64),
                name="audit_checkpoint_hashes_hex",
                violation_error_code="hash_not_hex",
            ),
            models.CheckConstraint(
                condition=is_hex("signature", 128),
                name="audit_checkpoint_signature_hex",
                violation_error_code="signature_not_hex",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.head_hash[:12]}"
