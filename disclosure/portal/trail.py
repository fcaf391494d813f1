"""The verifiable trail: which audit events are public, a project's part of the chain, and the
checks /audit/verify runs for one public event or one bid receipt.

An event is public when the object it is about is: a project with a published notice and its
lots; a bid once its lot's opening record is published (never before: not even that it exists);
an award, its evaluation and its panel once the result notice is out; a contract, an acceptance,
a breach or a supplementary agreement once its notice is. The pages show an event's sequence,
time, action, object and hashes, never its recorded data nor who acted (names stay in the
notices). Only the holder of a bid receipt sees the whole of that bid's own event, so that they
can recompute its hash themselves.

The chain check of an event: its hash recomputed from the stored fields (audit.chain), every
link from it to the first signed checkpoint at or after it (one query), the checkpoint's head
hash and its Ed25519 signature. `manage.py verify_audit` recomputes every hash of the chain.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.apps import apps
from django.db import connection
from django.db.models import Q
from django.utils import timezone

from audit import chain
from audit.actions import action_label
from audit.models import AuditCheckpoint, AuditEvent
from bidding.award.models import Award
from bidding.evaluation.models import Evaluation
from bidding.models import Bid, Opening
from contracts.models import Contract, SupplementaryAgreement
from contracts.performance.models import Acceptance, Breach
from experts.models import Panel
from procurement.models import Lot, Notice

from . import receipts

# The newest events of a project's trail its timeline shows; the trail's own page shows the rest,
# TRAIL_PAGE_SIZE at a time.
TRAIL_ON_TIMELINE = 20
TRAIL_PAGE_SIZE = 200

PROJECT = "procurement.project"
LOT = "procurement.lot"
BID = "bidding.bid"
EVALUATION = "bidding.evaluation"
AWARD = "bidding.award"
PANEL = "experts.panel"
CONTRACT = "contracts.contract"
SUPPLEMENT = "contracts.supplementaryagreement"
ACCEPTANCE = "contracts.acceptance"
BREACH = "contracts.breach"

_TRAIL_FIELDS = ("sequence", "occurred_at", "action", "object_type", "object_id", "previous_hash", "hash")


def _published(prefix: str = "") -> Q:
    """The notice (at `prefix`) is out: published, not scheduled."""
    return Q(**{f"{prefix}published_at__lte": timezone.now()})


def object_label(object_type: str) -> str:
    """The translated name of an event's object type ("Lot", "标包")."""
    try:
        return str(apps.get_model(object_type)._meta.verbose_name).capitalize()
    except (LookupError, ValueError):
        return object_type


@dataclass(frozen=True)
class TrailEvent:
    sequence: int
    occurred_at: dt.datetime
    action: str
    object_type: str
    object_id: str
    previous_hash: str
    hash: str

    @property
    def action_label(self) -> str:
        return action_label(self.action)

    @property
    def object_label(self) -> str:
        return object_label(self.object_type)


def trail_events(
    objects: dict[str, list[int]], *, limit: int = TRAIL_ON_TIMELINE, before: int | None = None
) -> tuple[list[TrailEvent], bool]:
    """The newest `limit` events about the given public objects (object type -> ids) below sequence
    `before` (if given), newest first, and whether there are older ones. One query (the
    (object_type, object_id, sequence) index)."""
    condition = Q()
    for object_type, ids in objects.items():
        if ids:
            condition |= Q(object_type=object_type, object_id__in=[str(pk) for pk in ids])
    if not condition:
        return [], False
    qs = AuditEvent.objects.filter(condition)
    if before is not None:
        qs = qs.filter(sequence__lt=before)
    rows = list(qs.order_by("-sequence").values_list(*_TRAIL_FIELDS)[: limit + 1])
    return [TrailEvent(*row) for row in rows[:limit]], len(rows) > limit


def public_objects(project) -> dict[str, list[int]]:
    """The project's public objects whose events make its public trail (the rules of the module
    docstring, as the timeline applies them): eight queries."""
    from django.utils import timezone as tz

    now = tz.now()
    published = {"notice__published_at__lte": now}
    lots = list(Lot.objects.filter(project=project).values_list("pk", flat=True))
    awards = list(
        Award.objects.filter(
            lot__project=project, status=Award.Status.CONFIRMED, result_notice__published_at__lte=now
        ).values_list("pk", "evaluation_id")
    )
    contracts = list(Contract.objects.filter(lot__project=project, **published).values_list("pk", flat=True))
    return {
        PROJECT: [project.pk],
        LOT: lots,
        BID: list(
            Bid.objects.filter(
                lot__project=project,
                status=Bid.Status.OPENED,
                lot__opening__status=Opening.Status.OPENED,
                lot__opening__notice__published_at__lte=now,
            ).values_list("pk", flat=True)
        ),
        AWARD: [pk for pk, _evaluation in awards],
        EVALUATION: [evaluation for _pk, evaluation in awards],
        PANEL: list(
            Panel.objects.filter(lot__project=project, published_at__isnull=False).values_list(
                "pk", flat=True
            )
        ),
        CONTRACT: contracts,
        ACCEPTANCE: list(
            Acceptance.objects.filter(milestone__contract_id__in=contracts, **published).values_list(
                "pk", flat=True
            )
        ),
        BREACH: list(
            Breach.objects.filter(contract_id__in=contracts, **published).values_list("pk", flat=True)
        ),
        SUPPLEMENT: list(
            SupplementaryAgreement.objects.filter(contract_id__in=contracts, **published).values_list(
                "pk", flat=True
            )
        ),
    }


# --- Is one event public? ---------------------------------------------------------------------------


def _project_if_public(project_id) -> int | None:
    published = Notice.objects.filter(_published(), project_id=project_id)
    return int(project_id) if published.exists() else None


def _public_project_of(object_type: str, object_id: str) -> int | None:
    """The project whose public page shows this object, or None if the object is not public."""
    try:
        pk = int(object_id)
    except (TypeError, ValueError):
        return None
    if object_type == PROJECT:
        return _project_if_public(pk)
    if object_type == LOT:
        project_id = Lot.objects.filter(pk=pk).values_list("project_id", flat=True).first()
        return _project_if_public(project_id) if project_id else None
    lookups = {
        BID: (
            Bid.objects.filter(
                status=Bid.Status.OPENED,
                lot__opening__status=Opening.Status.OPENED,
                lot__opening__notice__published_at__lte=timezone.now(),
            ),
            "lot__project_id",
        ),
        AWARD: (
            Award.objects.filter(Q(status=Award.Status.CONFIRMED) & _published("result_notice__")),
            "lot__project_id",
        ),
        EVALUATION: (
            Evaluation.objects.filter(
                Q(award__status=Award.Status.CONFIRMED) & _published("award__result_notice__")
            ),
            "lot__project_id",
        ),
        PANEL: (Panel.objects.filter(published_at__isnull=False), "lot__project_id"),
        CONTRACT: (Contract.objects.filter(_published("notice__")), "lot__project_id"),
        SUPPLEMENT: (
            SupplementaryAgreement.objects.filter(_published("notice__")),
            "contract__lot__project_id",
        ),
        ACCEPTANCE: (
            Acceptance.objects.filter(_published("notice__")),
            "milestone__contract__lot__project_id",
        ),
        BREACH: (Breach.objects.filter(_published("notice__")), "contract__lot__project_id"),
    }
    if object_type not in lookups:
        return None
    queryset, project_field = lookups[object_type]
    return queryset.filter(pk=pk).values_list(project_field, flat=True).first()


def public_event(sequence) -> tuple[TrailEvent, int] | None:
    """The event with this sequence number and its project, if it is part of a public trail."""
    try:
        number = int(sequence)
    except (TypeError, ValueError):
        return None
    if not 0 < number < 2**63:
        return None
    row = AuditEvent.objects.filter(sequence=number).values_list(*_TRAIL_FIELDS).first()
    if row is None:
        return None
    event = TrailEvent(*row)
    project_id = _public_project_of(event.object_type, event.object_id)
    return (event, project_id) if project_id else None


# --- The chain check --------------------------------------------------------------------------------

_SEGMENT_SQL = """
SELECT count(*),
       count(*) FILTER (WHERE sequence > %(start)s AND previous_hash IS DISTINCT FROM before),
       max(hash) FILTER (WHERE sequence = %(end)s)
  FROM (SELECT sequence, hash, previous_hash, lag(hash) OVER (ORDER BY sequence) AS before
          FROM audit_auditevent
         WHERE sequence >= %(start)s AND sequence <= %(end)s) AS segment
"""


@dataclass
class ChainCheck:
    """What the platform checked of one event's place in the chain."""

    sequence: int
    hash: str
    hash_recomputes: bool
    checkpoint: AuditCheckpoint | None
    end_sequence: int  # the checkpoint's sequence, or the head's when none covers the event yet
    links_hold: bool
    signature_valid: bool | None = None  # None: no checkpoint yet
    checkpoint_matches: bool | None = None
    message: bytes = field(default=b"", repr=False)

    @property
    def ok(self) -> bool:
        return (
            self.hash_recomputes
            and self.links_hold
            and self.signature_valid is not False
            and self.checkpoint_matches is not False
        )

    @property
    def message_text(self) -> str:
        return self.message.decode("utf-8")

    @property
    def checkpoint_message_text(self) -> str:
        if self.checkpoint is None:
            return ""
        cp = self.checkpoint
        return chain.checkpoint_message(cp.sequence, cp.head_hash, cp.signed_at).decode("utf-8")


def covering_checkpoint(sequence: int) -> AuditCheckpoint | None:
    """The first signed checkpoint at or after the event: the one that first vouched for it."""
    return AuditCheckpoint.objects.filter(sequence__gte=sequence).order_by("sequence").first()


def check_event(sequence: int) -> ChainCheck | None:
    """The chain check of the stored event (None if there is no such event). Four queries: the
    event, its checkpoint, the head (only when no checkpoint covers it yet), the segment."""
    event = AuditEvent.objects.filter(sequence=sequence).first()
    if event is None:
        return None
    record = chain.EventRecord(
        sequence=event.sequence,
        occurred_at=event.occurred_at,
        actor_id=event.actor_id,
        actor_label=event.actor_label,
        organisation_id=event.organisation_id,
        action=event.action,
        object_type=event.object_type,
        object_id=event.object_id,
        data=event.data,
        previous_hash=event.previous_hash,
        hash=event.hash,
    )
    message = chain.event_message(record)
    checkpoint = covering_checkpoint(event.sequence)
    if checkpoint is not None:
        end = checkpoint.sequence
    else:
        end = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first()
    with connection.cursor() as cursor:
        cursor.execute(_SEGMENT_SQL, {"start": event.sequence, "end": end})
        rows, broken, end_hash = cursor.fetchone()
    result = ChainCheck(
        sequence=event.sequence,
        hash=event.hash,
        hash_recomputes=chain.sha256_hex(message) == event.hash,
        checkpoint=checkpoint,
        end_sequence=end,
        links_hold=rows == end - event.sequence + 1 and broken == 0 and end_hash is not None,
        message=message,
    )
    if checkpoint is not None:
        signed = chain.checkpoint_message(checkpoint.sequence, checkpoint.head_hash, checkpoint.signed_at)
        result.signature_valid = chain.signature_is_valid(checkpoint.public_key, checkpoint.signature, signed)
        result.checkpoint_matches = end_hash == checkpoint.head_hash
    return result


# --- A bid receipt ----------------------------------------------------------------------------------


@dataclass
class ReceiptCheck:
    """The finding on one receipt. outcome: "confirmed" (the chain holds it as the receipt says),
    "altered" (the receipt's own hash does not match its content) or "unknown" (the chain holds
    no such event: a forged or mistyped receipt; what differs is not said)."""

    outcome: str
    receipt: receipts.Receipt
    chain: ChainCheck | None = None
    occurred_at: dt.datetime | None = None
    deadline: dt.datetime | None = None
    project_id: int | None = None
    project_reference: str = ""
    lot_number: int | None = None

    @property
    def before_deadline(self) -> bool:
        return bool(self.deadline and self.receipt.received_at <= self.deadline)

    @property
    def checkpoint_before_deadline(self) -> bool:
        checkpoint = self.chain.checkpoint if self.chain else None
        return bool(checkpoint and self.deadline and checkpoint.signed_at <= self.deadline)


def check_receipt(receipt: receipts.Receipt) -> ReceiptCheck:
    """Is the receipt's submission (or withdrawal) in the chain, as the receipt says? Nothing of
    any other bid is read into the answer."""
    if not receipts.is_intact(receipt):
        return ReceiptCheck("altered", receipt)
    bid = (
        Bid.objects.select_related("lot__project")
        .filter(public_id=receipt.bid, lot_id=receipt.lot)
        .exclude(status=Bid.Status.DRAFT)
        .first()
    )
    event = (
        AuditEvent.objects.filter(sequence=receipt.audit_sequence, object_type=BID)
        .values_list("object_id", "action", "data", "occurred_at")
        .first()
    )
    content = receipt.content
    if (
        bid is None
        or event is None
        or event[0] != str(bid.pk)
        or content["supplier"] != bid.supplier_id
        or content["lot_number"] != bid.lot.number
        or content["project"] != bid.lot.project.reference
        or not receipts.matches_event(receipt, action=event[1], data=event[2])
    ):
        return ReceiptCheck("unknown", receipt)
    project = bid.lot.project
    return ReceiptCheck(
        "confirmed",
        receipt,
        chain=check_event(receipt.audit_sequence),
        occurred_at=event[3],
        deadline=project.bid_deadline,
        project_id=project.pk,
        project_reference=project.reference,
        lot_number=bid.lot.number,
    )
