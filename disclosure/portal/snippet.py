"""The Python that /audit/verify shows for recomputing the chain and checking a checkpoint: the
same formulas as audit.chain, in the standard library plus `cryptography`, short enough to read.
A test runs exactly this text against the real chain and the published checkpoints."""

VERIFY_SNIPPET = '''\
import hashlib
import json

from cryptography.hazmat.primitives.serialization import load_pem_public_key

GENESIS = "0" * 64
PURPOSE = "sunlight.audit.checkpoint.v1"


def canonical(value):
    """Keys sorted, no spaces, UTF-8 (not ASCII-escaped)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def event_hash(event):
    """SHA-256 of one event: its body, its time (UTC, "YYYY-MM-DDTHH:MM:SS.ffffffZ"), the hash
    of the event before it and its sequence number."""
    body = {key: event[key] for key in ("action", "actor_id", "actor_label", "data",
                                         "object_id", "object_type", "organisation_id")}
    return hashlib.sha256(canonical({"body": body, "occurred_at": event["occurred_at"],
                                     "previous_hash": event["previous_hash"],
                                     "sequence": event["sequence"]})).hexdigest()


def chain_head(events):
    """(sequence, hash) of the last event, checking every link and hash from the first."""
    sequence, previous = 0, GENESIS
    for event in events:  # in sequence order, from 1
        sequence += 1
        assert event["sequence"] == sequence, f"event {sequence} is missing"
        assert event["previous_hash"] == previous, f"event {sequence} is not linked"
        previous = event_hash(event)
        assert previous == event["hash"], f"event {sequence} was altered"
    return sequence, previous


def checkpoint_is_signed(checkpoint):
    """Is the checkpoint's Ed25519 signature valid for its sequence, head hash and time?"""
    message = canonical({"head_hash": checkpoint["head_hash"], "purpose": PURPOSE,
                         "sequence": checkpoint["sequence"], "signed_at": checkpoint["signed_at"]})
    key = load_pem_public_key(checkpoint["public_key"].encode("ascii"))
    try:
        key.verify(bytes.fromhex(checkpoint["signature"]), message)
    except Exception:
        return False
    return True
'''
