"""Every read of the audit chain that pages, the API and the verifier need."""

from collections.abc import Iterator

from django.db.models import Model, QuerySet

from .chain import CheckpointRecord, EventRecord
from .models import AuditCheckpoint, AuditEvent

_EVENT_FIELDS = (
    "sequence",
    "occurred_at",
    "actor_id",
    "actor_label",
    "organisation_id",
    "action",
    "object_type",
    "object_id",
    "data",
    "previous_hash",
    "hash",
)


def object_reference(target: Model) -> tuple[str, str]:
    """("app_label.model", str(pk)) of a saved model instance; proxies name their concrete model."""
    if target.pk is None:
        raise ValueError("an audit event's target must be saved first")
    return target._meta.concrete_model._meta.label_lower, str(target.pk)


def chain_head() -> AuditEvent | None:
    """The latest event, or None while the chain is empty."""
    return AuditEvent.objects.order_by("-sequence").first()


def events_for(target: Model) -> QuerySet[AuditEvent]:
    """One object's trail, oldest first."""
    object_type, object_id = object_reference(target)
    return (
        AuditEvent.objects.filter(object_type=object_type, object_id=object_id)
        .select_related("actor", "organisation")
        .order_by("sequence")
    )


def events_for_organisation(organisation) -> QuerySet[AuditEvent]:
    """What was done in an organisation's name, newest first."""
    return (
        AuditEvent.objects.filter(organisation=organisation)
        .select_related("actor", "organisation")
        .order_by("-sequence")
    )


def latest_checkpoints(limit: int = 10) -> QuerySet[AuditCheckpoint]:
    return AuditCheckpoint.objects.order_by("-sequence")[:limit]


def checkpoints_page(*, before: int | None, size: int) -> tuple[list[AuditCheckpoint], int | None]:
    """Checkpoints newest first, below sequence `before` (None: from the newest), and the cursor of
    the next page (None at the end)."""
    qs = AuditCheckpoint.objects.order_by("-sequence")
    if before is not None:
        qs = qs.filter(sequence__lt=before)
    rows = list(qs[: size + 1])
    more = len(rows) > size
    rows = rows[:size]
    return rows, (rows[-1].sequence if more else None)


def all_checkpoints() -> QuerySet[AuditCheckpoint]:
    """Every checkpoint, oldest first (one a day: a few thousand in a decade)."""
    return AuditCheckpoint.objects.order_by("sequence")


def latest_checkpoint() -> AuditCheckpoint | None:
    return AuditCheckpoint.objects.order_by("-sequence").first()


def chain_records(*, chunk_size: int = 5000) -> Iterator[EventRecord]:
    """The whole chain in sequence order as plain records, streamed (a server-side cursor)."""
    rows = AuditEvent.objects.order_by("sequence").values_list(*_EVENT_FIELDS).iterator(chunk_size=chunk_size)
    return (EventRecord(*row) for row in rows)


def checkpoint_records() -> list[CheckpointRecord]:
    return [
        CheckpointRecord(*row)
        for row in AuditCheckpoint.objects.order_by("sequence").values_list(
            "sequence", "head_hash", "signed_at", "signature", "public_key"
        )
    ]
