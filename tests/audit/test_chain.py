"""audit.chain: canonical JSON, hashes and verification, on plain data (no database)."""

import datetime as dt
import json
import uuid
from dataclasses import replace
from decimal import Decimal

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from django.db import models
from hypothesis import given
from hypothesis import strategies as st

from audit import chain
from audit.signing import public_key_pem

UTC = dt.UTC
T0 = dt.datetime(2025, 3, 1, 8, 0, 0, 123456, tzinfo=UTC)

json_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(10**30), max_value=10**30),
    st.floats(allow_nan=False, allow_infinity=False),
    st.text(),
)
json_values = st.recursive(
    json_scalars,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)
json_objects = st.dictionaries(st.text(max_size=8), json_values, max_size=6)
aware_times = st.datetimes(
    min_value=dt.datetime(2000, 1, 1), max_value=dt.datetime(2100, 1, 1), timezones=st.just(UTC)
)
hashes = st.text(alphabet="0123456789abcdef", min_size=64, max_size=64)
optional_ids = st.none() | st.integers(min_value=1, max_value=2**62)
records = st.builds(
    chain.EventRecord,
    sequence=st.integers(min_value=1, max_value=2**62),
    occurred_at=aware_times,
    actor_id=optional_ids,
    actor_label=st.text(max_size=20),
    organisation_id=optional_ids,
    action=st.from_regex(r"\A[a-z]{1,8}\.[a-z_]{1,12}\Z"),
    object_type=st.text(max_size=20),
    object_id=st.text(max_size=10),
    data=json_objects,
    previous_hash=hashes,
)


def build_chain(n: int, *, start: dt.datetime = T0) -> list[chain.EventRecord]:
    out, previous = [], chain.GENESIS_HASH
    for sequence in range(1, n + 1):
        record = chain.EventRecord(
            sequence=sequence,
            occurred_at=start + dt.timedelta(seconds=sequence),
            actor_id=sequence % 3 or None,
            actor_label=f"user{sequence}",
            organisation_id=7,
            action="tests.something_happened",
            object_type="accounts.organisation",
            object_id=str(sequence),
            data={"n": sequence, "名称": "采购"},
            previous_hash=previous,
        )
        record = replace(record, hash=chain.event_hash(record))
        out.append(record)
        previous = record.hash
    return out


def sign(key: Ed25519PrivateKey, sequence: int, head_hash: str, signed_at=T0) -> chain.CheckpointRecord:
    message = chain.checkpoint_message(sequence, head_hash, signed_at)
    return chain.CheckpointRecord(
        sequence, head_hash, signed_at, key.sign(message).hex(), public_key_pem(key.public_key())
    )


# --- canonical JSON ------------------------------------------------------------------------------


@given(json_objects)
def test_canonical_json_does_not_depend_on_key_order(value):
    reordered = dict(reversed(list(value.items())))
    assert chain.canonical_json(reordered) == chain.canonical_json(value)


@given(json_objects)
def test_canonical_json_is_stable_through_a_json_round_trip(value):
    first = chain.canonical_json(value)
    assert chain.canonical_json(json.loads(first)) == first


def test_canonical_json_is_compact_sorted_and_keeps_chinese_unescaped():
    assert chain.canonical_json({"b": 1, "a": ["采购", None]}) == '{"a":["采购",null],"b":1}'.encode()


def test_normalise_encodes_decimal_uuid_dates_and_aware_times_canonically():
    shanghai = dt.timezone(dt.timedelta(hours=8))
    value = {
        "amount": Decimal("1250000.50"),
        "id": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "day": dt.date(2025, 3, 1),
        "at": dt.datetime(2025, 3, 1, 16, 0, tzinfo=shanghai),
        "naive": dt.datetime(2025, 3, 1, 16, 0),
        "span": dt.timedelta(days=1, hours=2),
    }
    assert chain.normalise(value) == {
        "amount": "1250000.50",
        "id": "12345678-1234-5678-1234-567812345678",
        "day": "2025-03-01",
        "at": "2025-03-01T08:00:00.000000Z",
        "naive": "2025-03-01T16:00:00.000000",
        "span": "P1DT02H00M00S",
    }


def test_normalise_gives_floats_the_form_postgres_jsonb_gives_back():
    # jsonb has no negative zero and prints large floats without an exponent (as integers).
    assert chain.normalise({"z": -0.0, "big": 1e17, "small": 1e-7, "x": 2.5}) == {
        "z": 0.0,
        "big": 100000000000000000,
        "small": 1e-7,
        "x": 2.5,
    }


def test_normalise_turns_choices_into_plain_values_and_int_keys_into_strings():
    class Colour(models.TextChoices):
        RED = "red", "Red"

    assert chain.canonical_json({1: Colour.RED}) == b'{"1":"red"}'


@pytest.mark.parametrize(
    "value, error",
    [
        ({"x": float("nan")}, ValueError),
        ({"x": float("inf")}, ValueError),
        ({"x": {1, 2}}, TypeError),
        ({"x": object()}, TypeError),
        ({(1, 2): "tuple key"}, TypeError),
        ({1: "a", "1": "b"}, ValueError),
    ],
)
def test_normalise_refuses_what_cannot_be_recorded_faithfully(value, error):
    with pytest.raises(error):
        chain.normalise(value)


def test_format_time_refuses_naive_times():
    with pytest.raises(ValueError):
        chain.format_time(dt.datetime(2025, 1, 1))


# --- hashes --------------------------------------------------------------------------------------


@given(records)
def test_spliced_message_is_the_canonical_json_of_the_whole_event(record):
    whole = {
        "body": {
            "action": record.action,
            "actor_id": record.actor_id,
            "actor_label": record.actor_label,
            "data": record.data,
            "object_id": record.object_id,
            "object_type": record.object_type,
            "organisation_id": record.organisation_id,
        },
        "occurred_at": chain.format_time(record.occurred_at),
        "previous_hash": record.previous_hash,
        "sequence": record.sequence,
    }
    assert chain.event_message(record) == chain.canonical_json(whole)


@given(records)
def test_hash_is_stable_and_ignores_the_stored_hash_field(record):
    assert chain.event_hash(record) == chain.event_hash(replace(record, hash="anything"))
    assert len(chain.event_hash(record)) == 64


CHANGES = {
    "sequence": lambda r: r.sequence + 1,
    "occurred_at": lambda r: r.occurred_at + dt.timedelta(microseconds=1),
    "actor_id": lambda r: (r.actor_id or 0) + 1,
    "actor_label": lambda r: r.actor_label + "x",
    "organisation_id": lambda r: None if r.organisation_id else 1,
    "action": lambda r: r.action + "x",
    "object_type": lambda r: r.object_type + "x",
    "object_id": lambda r: r.object_id + "x",
    "data": lambda r: {"wrapped": r.data},
    "previous_hash": lambda r: ("1" if r.previous_hash[0] != "1" else "2") + r.previous_hash[1:],
}


@given(records, st.sampled_from(sorted(CHANGES)))
def test_any_change_to_any_field_changes_the_hash(record, field):
    changed = replace(record, **{field: CHANGES[field](record)})
    assert chain.event_hash(changed) != chain.event_hash(record)


def test_a_known_event_has_a_known_hash():
    # Pinned: if this changes, every stored chain stops verifying.
    record = chain.EventRecord(
        sequence=1,
        occurred_at=T0,
        actor_id=None,
        actor_label="",
        organisation_id=None,
        action="tests.genesis",
        object_type="",
        object_id="",
        data={"金额": "1.00"},
        previous_hash=chain.GENESIS_HASH,
    )
    assert (
        chain.event_message(record)
        == (
            '{"body":{"action":"tests.genesis","actor_id":null,"actor_label":"","data":{"金额":"1.00"},'
            '"object_id":"","object_type":"","organisation_id":null},'
            '"occurred_at":"2025-03-01T08:00:00.123456Z",'
            '"previous_hash":"0000000000000000000000000000000000000000000000000000000000000000",'
            '"sequence":1}'
        ).encode()
    )
    assert chain.event_hash(record) == chain.sha256_hex(chain.event_message(record))


# --- verification --------------------------------------------------------------------------------


def test_an_intact_chain_verifies():
    events = build_chain(5)
    result = chain.verify_chain(events)
    assert result.ok
    assert (result.events, result.head_sequence, result.head_hash) == (5, 5, events[-1].hash)


def test_an_empty_chain_verifies_with_the_genesis_head():
    result = chain.verify_chain([])
    assert result.ok
    assert (result.head_sequence, result.head_hash) == (0, chain.GENESIS_HASH)


def test_altered_data_breaks_at_that_sequence():
    events = build_chain(5)
    events[2] = replace(events[2], data={"n": 999})
    result = chain.verify_chain(events)
    assert (result.broken.sequence, result.broken.reason) == (3, "hash")


def test_a_missing_event_is_a_gap_named_by_its_sequence():
    events = build_chain(5)
    del events[3]
    result = chain.verify_chain(events)
    assert (result.broken.sequence, result.broken.reason) == (4, "gap")


def test_a_wrong_previous_hash_breaks_the_link():
    events = build_chain(4)
    forged = replace(events[2], previous_hash="f" * 64)
    events[2] = replace(forged, hash=chain.event_hash(forged))
    result = chain.verify_chain(events)
    assert (result.broken.sequence, result.broken.reason) == (3, "link")


def test_a_consistent_rewrite_is_caught_by_an_earlier_checkpoint():
    key = Ed25519PrivateKey.generate()
    original = build_chain(6)
    checkpoint = sign(key, 4, original[3].hash)
    rewritten = build_chain(6, start=T0 + dt.timedelta(days=1))  # every hash recomputed
    assert chain.verify_chain(rewritten).ok
    result = chain.verify_chain(rewritten, [checkpoint])
    assert (result.broken.sequence, result.broken.reason) == (4, "checkpoint_mismatch")
    assert chain.verify_chain(original, [checkpoint]).checkpoints == 1


def test_a_forged_checkpoint_signature_is_refused():
    key, other = Ed25519PrivateKey.generate(), Ed25519PrivateKey.generate()
    events = build_chain(3)
    checkpoint = sign(key, 3, events[2].hash)
    forged = replace(checkpoint, public_key=public_key_pem(other.public_key()))
    result = chain.verify_chain(events, [forged])
    assert (result.broken.sequence, result.broken.reason) == (3, "checkpoint_signature")


def test_a_checkpoint_beyond_the_end_means_the_chain_was_cut():
    key = Ed25519PrivateKey.generate()
    events = build_chain(5)
    checkpoint = sign(key, 5, events[4].hash)
    result = chain.verify_chain(events[:3], [checkpoint])
    assert (result.broken.sequence, result.broken.reason) == (5, "missing_tail")


def test_an_expected_head_must_still_be_in_the_chain():
    events = build_chain(3)
    assert chain.verify_chain(events, expected={2: events[1].hash}).expectations == 1
    result = chain.verify_chain(events, expected={2: "e" * 64})
    assert (result.broken.sequence, result.broken.reason) == (2, "expected_mismatch")


def test_signature_check_refuses_garbage():
    assert not chain.signature_is_valid("not a key", "00", b"message")
    key = Ed25519PrivateKey.generate()
    pem = public_key_pem(key.public_key())
    assert chain.signature_is_valid(pem, key.sign(b"message").hex(), b"message")
    assert not chain.signature_is_valid(pem, key.sign(b"message").hex(), b"messagE")
    assert not chain.signature_is_valid(pem, "zz", b"message")
