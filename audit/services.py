"""Every write of the audit app: appending an event to the chain, signing a checkpoint."""

import re

from django.contrib.auth.models import AnonymousUser
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import translation

from . import chain, signing
from .models import ACTION_PATTERN, AuditCheckpoint, AuditEvent
from .selectors import object_reference

_ACTION_RE = re.compile(ACTION_PATTERN)

# The database function audit_append() (migration 0002) checks the body, takes the chain lock,
# reads the head in a fresh snapshot, reads clock_timestamp(), splices the chain fields into the
# body, hashes and inserts: one round trip; the lock is held until the caller's transaction ends.
_APPEND_SQL = "SELECT o_sequence, o_occurred_at, o_previous_hash, o_hash FROM audit_append(%s)"

# Any fixed bigint distinct from the chain lock's key (0x53554E4C41554454, "SUNLAUDT").
_CHECKPOINT_LOCK_KEY = 0x53554E4C43484B50  # "SUNLCHKP"

ANONYMOUS_LABEL = "anonymous"


def _actor_reference(actor) -> tuple[int | None, str]:
    if actor is None:
        return None, ""
    if isinstance(actor, AnonymousUser) or not actor.is_authenticated or actor.pk is None:
        return None, ANONYMOUS_LABEL
    username = actor.get_username()
    # The label is hashed into the chain: never let the page's language choose the name's form.
    with translation.override(None):
        full_name = actor.get_full_name().strip()
    return actor.pk, f"{full_name} ({username})" if full_name else username


def record_event(
    action: str, *, actor=None, organisation=None, target=None, data: dict | None = None
) -> AuditEvent:
    """Append one event to the chain inside the caller's transaction.

    action: a dotted name ("accounts.login"). actor: a User, or None for the system (an
    unauthenticated user is recorded as "anonymous"). organisation: an Organisation, or None for
    the actor's active membership's organisation, if any. target: a saved model instance, kept as
    a generic reference (object_type "app_label.model", object_id str(pk)). data: a dict of
    JSON-compatible values, Decimal, date/datetime, UUID (normalised, see audit.chain).

    The append takes the chain lock, held until the caller's transaction ends: appends are
    serialised, so call this last in a service, after the row locks and the writes. Outside a
    transaction the append commits at once. A caller at REPEATABLE READ or SERIALIZABLE may get a
    serialisation error under contention (its snapshot cannot see the newest head); retry it.
    """
    if not isinstance(action, str) or not _ACTION_RE.match(action):
        raise ValueError(f"audit action {action!r} is not a dotted lower-case name like 'accounts.login'")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise TypeError("audit data must be a dict")
    actor_id, actor_label = _actor_reference(actor)
    if organisation is not None:
        organisation_id = organisation.pk
    elif actor_id is not None and getattr(actor, "active_membership_id", None) is not None:
        organisation_id = actor.active_membership.organisation_id
    else:
        organisation_id = None
    object_type, object_id = object_reference(target) if target is not None else ("", "")
    body = chain.event_body_value(
        action=action,
        actor_id=actor_id,
        actor_label=actor_label,
        organisation_id=organisation_id,
        object_type=object_type,
        object_id=object_id,
        data=data,
    )
    # One statement, hence atomic by itself: inside the caller's atomic block it joins that
    # transaction; outside one it is its own transaction and commits in the same round trip,
    # releasing the chain lock at once (no BEGIN/COMMIT exchange while the lock is held).
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(_APPEND_SQL, [chain.dumps_native(body).decode("utf-8")])
        sequence, occurred_at, previous_hash, hash_ = cursor.fetchone()
    # Fields in AuditEvent's order; from_db marks the instance as saved.
    return AuditEvent.from_db(
        DEFAULT_DB_ALIAS,
        None,
        (
            sequence,
            occurred_at,
            actor_id,
            actor_label,
            organisation_id,
            action,
            object_type,
            object_id,
            body["data"],
            previous_hash,
            hash_,
        ),
    )


@transaction.atomic
def record_checkpoint(*, actor=None) -> AuditCheckpoint | None:
    """Sign the current chain head with the platform key; idempotent for an unchanged head.

    Returns the checkpoint for the head (the existing one if the head has not moved since), or
    None while the chain is empty. Recording a checkpoint is not itself an audit event: it is a
    signed, append-only statement about the chain, and an event would move the head it signs.
    """
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_CHECKPOINT_LOCK_KEY])
        cursor.execute(
            "SELECT sequence, hash, clock_timestamp() FROM audit_auditevent ORDER BY sequence DESC LIMIT 1"
        )
        row = cursor.fetchone()
    if row is None:
        return None
    sequence, head_hash, now = row
    existing = AuditCheckpoint.objects.filter(sequence=sequence).first()
    if existing is not None:
        return existing
    key = signing.load_private_key()
    message = chain.checkpoint_message(sequence, head_hash, now)
    public_key = key.public_key()
    return AuditCheckpoint.objects.create(
        sequence=sequence,
        head_hash=head_hash,
        signed_at=now,
        signature=key.sign(message).hex(),
        public_key=signing.public_key_pem(public_key),
        key_fingerprint=chain.public_key_fingerprint(public_key),
        recorded_by=actor if getattr(actor, "pk", None) is not None else None,
    )
