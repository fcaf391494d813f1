"""The audit chain's one definition: canonical JSON, event hashes, checkpoint messages, verification.

Pure functions over plain data (no ORM), shared by the append path, `verify_audit`, the
benchmark and anyone who wants to check the chain from an export.

An event's hash is the SHA-256 (lower-case hex) of the UTF-8 bytes of the canonical JSON of

    {"body": {"action": ..., "actor_id": ..., "actor_label": ..., "data": {...},
              "object_id": ..., "object_type": ..., "organisation_id": ...},
     "occurred_at": "YYYY-MM-DDTHH:MM:SS.ffffffZ", "previous_hash": "<64 hex>", "sequence": N}

Canonical JSON: keys sorted, separators "," and ":", no ASCII escaping, UTF-8. The body comes
first because of the key order, so the database can append an event in one call: Python renders
the body, and the database (holding the chain lock) splices in the three chain fields — see
`event_message_from_parts`, which is what both sides use.

Values in `data` are normalised before they are stored, so that what PostgreSQL's jsonb gives
back has the same canonical form: Decimal and UUID become strings, datetimes ISO 8601 (aware
ones in UTC with microseconds and "Z"), floats must be finite, -0.0 becomes 0.0 and integral
floats of 1e16 or more become ints (jsonb prints them without an exponent).
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import hashlib
import json
import math
import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from django.utils.duration import duration_iso_string
from django.utils.functional import Promise

GENESIS_HASH = "0" * 64
CHECKPOINT_PURPOSE = "sunlight.audit.checkpoint.v1"

# Python prints floats of this size with an exponent; jsonb prints them as plain integers.
_FLOAT_EXPONENT_FROM = 1e16


def format_time(value: dt.datetime) -> str:
    """An aware datetime in UTC with microseconds: 2025-03-01T08:00:00.000000Z."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError("audit times must be timezone-aware")
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


_NATIVE = frozenset({str, int, bool, type(None)})


def normalise(value):
    """The JSON-native value that `value` is recorded as (see the module docstring)."""
    kind = type(value)
    if kind in _NATIVE:  # the common case first: exact types need no conversion
        return value
    if kind is dict:
        out = {}
        for key, item in value.items():
            if type(key) is not str:
                return _normalise(value)
            out[key] = item if type(item) in _NATIVE else normalise(item)
        return out
    if kind is list:
        return [item if type(item) in _NATIVE else normalise(item) for item in value]
    return _normalise(value)


def _normalise(value):
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return str.__str__(value)  # a str subclass (TextChoices) as its plain text
    if isinstance(value, int):
        return int(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("audit data cannot hold NaN or infinite numbers")
        if value == 0:
            return 0.0
        if abs(value) >= _FLOAT_EXPONENT_FROM:
            return int(value)
        return value
    if isinstance(value, Mapping):
        out = {}
        for key, item in value.items():
            if isinstance(key, enum.Enum):
                key = key.value
            if isinstance(key, bool) or not isinstance(key, str | int):
                raise TypeError(f"audit data keys must be strings, not {type(key).__name__}")
            text = str.__str__(key) if isinstance(key, str) else str(int(key))
            if text in out:
                raise ValueError(f"audit data key {text!r} appears twice")
            out[text] = normalise(item)
        return out
    if isinstance(value, list | tuple):
        return [normalise(item) for item in value]
    if isinstance(value, dt.datetime):
        if value.tzinfo is None or value.utcoffset() is None:
            return value.isoformat(timespec="microseconds")
        return format_time(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dt.time):
        return value.isoformat()
    if isinstance(value, dt.timedelta):
        return duration_iso_string(value)
    if isinstance(value, decimal.Decimal | uuid.UUID | Promise):
        return str(value)
    if isinstance(value, enum.Enum):
        return normalise(value.value)
    raise TypeError(f"{type(value).__name__} cannot be recorded in audit data; pass ids and plain values")


def canonical_json(value) -> bytes:
    """Canonical JSON bytes of a value (normalised first)."""
    return dumps_native(normalise(value))


def dumps_native(value) -> bytes:
    """Canonical JSON bytes of a value that is already JSON-native (normalised)."""
    return json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode("utf-8")


def sha256_hex(message: bytes) -> str:
    return hashlib.sha256(message).hexdigest()


@dataclass(frozen=True, slots=True)
class EventRecord:
    """Every hashed field of one event, as stored."""

    sequence: int
    occurred_at: dt.datetime
    actor_id: int | None
    actor_label: str
    organisation_id: int | None
    action: str
    object_type: str
    object_id: str
    data: dict
    previous_hash: str
    hash: str = ""


def event_body_value(
    *,
    action: str,
    actor_id: int | None,
    actor_label: str,
    organisation_id: int | None,
    object_type: str,
    object_id: str,
    data: dict,
) -> dict:
    """An event's body, normalised: everything but the three chain fields."""
    return normalise(
        {
            "action": action,
            "actor_id": actor_id,
            "actor_label": actor_label,
            "data": data,
            "object_id": object_id,
            "object_type": object_type,
            "organisation_id": organisation_id,
        }
    )


def event_body(**fields) -> bytes:
    """The canonical JSON of an event's body (see event_body_value for the fields)."""
    return dumps_native(event_body_value(**fields))


def event_message_from_parts(body: bytes, occurred_at: str, previous_hash: str, sequence: int) -> bytes:
    """The canonical JSON of the whole event, spliced from the body and the chain fields.

    This is exactly canonical_json({"body": ..., "occurred_at": ..., "previous_hash": ...,
    "sequence": ...}) because those keys sort in that order and the three values need no escaping;
    the database function audit_append() builds the same bytes the same way.
    """
    return b"".join(
        (
            b'{"body":',
            body,
            b',"occurred_at":"',
            occurred_at.encode("ascii"),
            b'","previous_hash":"',
            previous_hash.encode("ascii"),
            b'","sequence":',
            str(int(sequence)).encode("ascii"),
            b"}",
        )
    )


def event_message(record: EventRecord) -> bytes:
    body = event_body(
        action=record.action,
        actor_id=record.actor_id,
        actor_label=record.actor_label,
        organisation_id=record.organisation_id,
        object_type=record.object_type,
        object_id=record.object_id,
        data=record.data,
    )
    return event_message_from_parts(
        body, format_time(record.occurred_at), record.previous_hash, record.sequence
    )


def event_hash(record: EventRecord) -> str:
    return sha256_hex(event_message(record))


# --- Checkpoints ---------------------------------------------------------------------------------


def checkpoint_message(sequence: int, head_hash: str, signed_at: dt.datetime) -> bytes:
    """The bytes an Ed25519 checkpoint signature covers."""
    return canonical_json(
        {
            "head_hash": head_hash,
            "purpose": CHECKPOINT_PURPOSE,
            "sequence": int(sequence),
            "signed_at": format_time(signed_at),
        }
    )


def public_key_fingerprint(public_key: Ed25519PublicKey) -> str:
    """SHA-256 (hex) of the raw 32-byte public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return sha256_hex(raw)


def signature_is_valid(public_key_pem: str, signature_hex: str, message: bytes) -> bool:
    try:
        key = serialization.load_pem_public_key(public_key_pem.encode("ascii"))
        if not isinstance(key, Ed25519PublicKey):
            return False
        key.verify(bytes.fromhex(signature_hex), message)
    except (InvalidSignature, ValueError, TypeError, UnicodeEncodeError):
        return False
    return True


@dataclass(frozen=True, slots=True)
class CheckpointRecord:
    sequence: int
    head_hash: str
    signed_at: dt.datetime
    signature: str
    public_key: str


# --- Verification --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Break:
    """The first place where the chain does not hold."""

    sequence: int
    reason: str  # a stable code: gap, link, hash, checkpoint_signature, checkpoint_mismatch, ...
    detail: str

    def __str__(self) -> str:
        return f"sequence {self.sequence}: {self.detail}"


@dataclass(slots=True)
class Verification:
    events: int = 0
    head_sequence: int = 0
    head_hash: str = GENESIS_HASH
    checkpoints: int = 0
    broken: Break | None = None
    expectations: int = field(default=0)

    @property
    def ok(self) -> bool:
        return self.broken is None


def verify_chain(
    events: Iterable[EventRecord],
    checkpoints: Iterable[CheckpointRecord] = (),
    expected: Mapping[int, str] | None = None,
) -> Verification:
    """Recompute every hash and link in sequence order; stop at the first break.

    `events` must come in ascending sequence order (it may be a stream of a million rows).
    Each checkpoint's signature is checked against the public key recorded with it, and its
    (sequence, head hash) against the recomputed chain; `expected` maps sequences to hashes
    known from elsewhere (a copy of the public head taken earlier) and is checked the same way.
    """
    pending: dict[int, list[CheckpointRecord]] = {}
    for checkpoint in checkpoints:
        pending.setdefault(checkpoint.sequence, []).append(checkpoint)
    expected = dict(expected or {})
    result = Verification()
    previous_sequence, previous_hash = 0, GENESIS_HASH

    def check_anchors(sequence: int, actual_hash: str) -> Break | None:
        for checkpoint in pending.pop(sequence, ()):
            message = checkpoint_message(checkpoint.sequence, checkpoint.head_hash, checkpoint.signed_at)
            if not signature_is_valid(checkpoint.public_key, checkpoint.signature, message):
                return Break(sequence, "checkpoint_signature", "the checkpoint's signature is not valid")
            if checkpoint.head_hash != actual_hash:
                return Break(
                    sequence,
                    "checkpoint_mismatch",
                    f"the chain's hash {actual_hash} differs from the checkpoint signed at "
                    f"{format_time(checkpoint.signed_at)} ({checkpoint.head_hash})",
                )
            result.checkpoints += 1
        if sequence in expected:
            wanted = expected.pop(sequence)
            if wanted != actual_hash:
                return Break(
                    sequence, "expected_mismatch", f"the chain's hash {actual_hash} differs from {wanted}"
                )
            result.expectations += 1
        return None

    for event in events:
        if event.sequence != previous_sequence + 1:
            result.broken = Break(
                previous_sequence + 1,
                "gap",
                f"the event is missing (the chain goes from {previous_sequence} to {event.sequence})",
            )
            return result
        if event.previous_hash != previous_hash:
            result.broken = Break(
                event.sequence,
                "link",
                f"previous_hash {event.previous_hash} does not match the hash of event "
                f"{previous_sequence} ({previous_hash})",
            )
            return result
        recomputed = event_hash(event)
        if recomputed != event.hash:
            result.broken = Break(
                event.sequence,
                "hash",
                f"stored hash {event.hash} but the event's fields hash to {recomputed}",
            )
            return result
        broken = check_anchors(event.sequence, event.hash)
        if broken:
            result.broken = broken
            return result
        previous_sequence, previous_hash = event.sequence, event.hash
        result.events += 1
    result.head_sequence, result.head_hash = previous_sequence, previous_hash
    if previous_sequence == 0 and 0 in expected:
        if expected.pop(0) != GENESIS_HASH:
            result.broken = Break(0, "expected_mismatch", "the chain is empty")
            return result
        result.expectations += 1
    beyond = sorted([*pending, *expected])
    if beyond:
        result.broken = Break(
            beyond[0],
            "missing_tail",
            f"the chain ends at {previous_sequence} but was anchored at {beyond[0]}",
        )
    return result
