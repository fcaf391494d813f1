"""The sealing envelope (pure): what is sealed opens only with the right key, at the right place."""

import base64
import os

import pytest
from django.core.exceptions import ImproperlyConfigured
from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from bidding import sealing

KEK = os.urandom(32)


def test_a_lot_key_pair_seals_what_only_its_private_key_opens():
    public, wrapped = sealing.new_lot_key(7, KEK)
    sealed = sealing.seal_to_lot(public, b"data key", b"aad")
    private = sealing.unwrap_lot_key(7, wrapped, KEK)
    assert sealing.open_from_lot(private, sealed, b"aad") == b"data key"
    assert b"data key" not in sealed


def test_the_private_key_is_bound_to_its_lot_and_its_key_encryption_key():
    _public, wrapped = sealing.new_lot_key(7, KEK)
    with pytest.raises(sealing.SealBroken):
        sealing.unwrap_lot_key(8, wrapped, KEK)
    with pytest.raises(sealing.SealBroken):
        sealing.unwrap_lot_key(7, wrapped, os.urandom(32))


def test_another_lots_private_key_cannot_open_a_bid_key():
    public, _wrapped = sealing.new_lot_key(1, KEK)
    _other_public, other_wrapped = sealing.new_lot_key(2, KEK)
    sealed = sealing.seal_to_lot(public, b"k", b"aad")
    with pytest.raises(sealing.SealBroken):
        sealing.open_from_lot(sealing.unwrap_lot_key(2, other_wrapped, KEK), sealed, b"aad")


@hsettings(max_examples=50, deadline=None)
@given(st.binary(max_size=4096), st.integers(min_value=0, max_value=10_000))
def test_a_segment_opens_only_at_its_own_place(plaintext, index):
    key = sealing.new_data_key()
    sealed = sealing.encrypt_segment(key, "u1", index, plaintext)
    assert sealing.decrypt_segment(key, "u1", index, sealed) == plaintext
    with pytest.raises(sealing.SealBroken):
        sealing.decrypt_segment(key, "u1", index + 1, sealed)
    with pytest.raises(sealing.SealBroken):
        sealing.decrypt_segment(key, "u2", index, sealed)


def test_a_flipped_bit_is_detected():
    key = sealing.new_data_key()
    sealed = bytearray(sealing.wrap(key, b"987654.32", b"price"))
    sealed[-1] ^= 1
    with pytest.raises(sealing.SealBroken):
        sealing.unwrap(key, bytes(sealed), b"price")


def test_the_key_encryption_key_comes_from_the_settings(settings):
    key = os.urandom(32)
    settings.SEALING_KEY = base64.b64encode(key).decode()
    assert sealing.key_encryption_key() == key
    settings.SEALING_KEY = base64.b64encode(b"short").decode()
    with pytest.raises(ImproperlyConfigured):
        sealing.key_encryption_key()


def test_development_makes_a_key_file_once(settings, tmp_path):
    settings.SEALING_KEY = ""
    settings.SEALING_KEY_FILE = tmp_path / "keys" / "kek"
    first = sealing.key_encryption_key()
    assert sealing.key_encryption_key() == first
    assert (settings.SEALING_KEY_FILE.stat().st_mode & 0o777) == 0o600


def test_production_without_a_key_is_refused(settings, tmp_path):
    settings.SEALING_KEY = ""
    settings.SEALING_KEY_FILE = tmp_path / "missing"
    settings.PRODUCTION = True
    with pytest.raises(ImproperlyConfigured):
        sealing.key_encryption_key()
