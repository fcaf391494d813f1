"""The envelope of sealed bids (pure functions; no ORM).

    key-encryption key (settings.SEALING_KEY, never in the database)
      └─ wraps each lot's X25519 private key               (LotKey.wrapped_private_key)
           lot public key ─ seals each bid's fresh data key (Bid.sealed_key: X25519 + HKDF + AES-GCM)
                              └─ encrypts the price and every file segment (AES-256-GCM)

Uploads and submission only ever use the lot's *public* key, so nothing but the opening service,
which unwraps the private key with the key-encryption key after the deadline, can read a bid.
While a bid is a draft its data key is also kept wrapped by the key-encryption key (chunks of one
file arrive in several requests); submission erases that copy.

Every ciphertext is bound to where it belongs by its associated data (the lot, the bid, the file
and the segment number), so a segment moved to another file or another bid fails to decrypt.
"""

import base64
import functools
import hashlib
import os
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric.x25519 import X25519PrivateKey, X25519PublicKey
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

NONCE_BYTES = 12
KEY_BYTES = 32


class SealBroken(Exception):
    """A ciphertext did not authenticate: altered, moved, or sealed under another key."""


# --- The key-encryption key ----------------------------------------------------------------------


def _decode_kek(text: str, where: str) -> bytes:
    try:
        key = base64.b64decode(text.strip(), validate=True)
    except ValueError as exc:
        raise ImproperlyConfigured(f"{where} is not base64") from exc
    if len(key) != KEY_BYTES:
        raise ImproperlyConfigured(f"{where} must be {KEY_BYTES} random bytes (base64)")
    return key


def key_encryption_key() -> bytes:
    """settings.SEALING_KEY, else (development) the key file, created on first use."""
    text = getattr(settings, "SEALING_KEY", "") or ""
    if text.strip():
        return _decode_kek(text, "SEALING_KEY")
    path = Path(settings.SEALING_KEY_FILE)
    if not path.exists():
        if getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured("Set SEALING_KEY: no key-encryption key is configured.")
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it first
        else:
            with os.fdopen(fd, "w") as handle:
                handle.write(base64.b64encode(os.urandom(KEY_BYTES)).decode("ascii"))
    return _key_file(str(path), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=4)
def _key_file(path: str, mtime_ns: int) -> bytes:
    """The key file's key, read once per version of the file (every bid asks for it)."""
    return _decode_kek(Path(path).read_text(), path)


def key_id(kek: bytes) -> str:
    """A short public name of a key-encryption key (for rotation), not a secret."""
    return hashlib.sha256(b"sunlight-kek-id" + kek).hexdigest()[:16]


# --- Symmetric envelopes -------------------------------------------------------------------------


def wrap(key: bytes, plaintext: bytes, aad: bytes) -> bytes:
    nonce = os.urandom(NONCE_BYTES)
    return nonce + AESGCM(key).encrypt(nonce, plaintext, aad)


def unwrap(key: bytes, sealed: bytes, aad: bytes) -> bytes:
    sealed = bytes(sealed)
    try:
        return AESGCM(key).decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], aad)
    except InvalidTag as exc:
        raise SealBroken(aad.decode("ascii", "replace")) from exc


def new_data_key() -> bytes:
    return AESGCM.generate_key(bit_length=256)


# --- Lot key pairs -------------------------------------------------------------------------------


def _lot_aad(lot_id: int) -> bytes:
    return f"sunlight:lot-key:{lot_id}".encode()


def new_lot_key(lot_id: int, kek: bytes) -> tuple[bytes, bytes]:
    """(public key bytes, private key wrapped by the key-encryption key) of a fresh X25519 pair."""
    private = X25519PrivateKey.generate()
    public = private.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    raw = private.private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    return public, wrap(kek, raw, _lot_aad(lot_id))


def unwrap_lot_key(lot_id: int, wrapped_private: bytes, kek: bytes) -> X25519PrivateKey:
    return X25519PrivateKey.from_private_bytes(unwrap(kek, wrapped_private, _lot_aad(lot_id)))


def _shared_key(shared: bytes, ephemeral_public: bytes, lot_public: bytes) -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(),
        length=KEY_BYTES,
        salt=ephemeral_public + lot_public,
        info=b"sunlight-bid-key",
    ).derive(shared)


def seal_to_lot(lot_public: bytes, plaintext: bytes, aad: bytes) -> bytes:
    """Seal to the lot's public key: only its private key opens it (ECIES: X25519, HKDF, AES-GCM)."""
    lot_public = bytes(lot_public)
    ephemeral = X25519PrivateKey.generate()
    ephemeral_public = ephemeral.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    key = _shared_key(
        ephemeral.exchange(X25519PublicKey.from_public_bytes(lot_public)), ephemeral_public, lot_public
    )
    return ephemeral_public + wrap(key, plaintext, aad)


def open_from_lot(lot_private: X25519PrivateKey, sealed: bytes, aad: bytes) -> bytes:
    sealed = bytes(sealed)
    ephemeral_public, rest = sealed[:32], sealed[32:]
    lot_public = lot_private.public_key().public_bytes(
        serialization.Encoding.Raw, serialization.PublicFormat.Raw
    )
    key = _shared_key(
        lot_private.exchange(X25519PublicKey.from_public_bytes(ephemeral_public)),
        ephemeral_public,
        lot_public,
    )
    return unwrap(key, rest, aad)


# --- What is sealed with a bid's data key --------------------------------------------------------


def bid_key_aad(bid_uuid) -> bytes:
    return f"sunlight:bid-key:{bid_uuid}".encode()


def draft_key_aad(bid_uuid) -> bytes:
    return f"sunlight:draft-key:{bid_uuid}".encode()


def price_aad(bid_uuid) -> bytes:
    return f"sunlight:price:{bid_uuid}".encode()


def name_aad(upload_key) -> bytes:
    return f"sunlight:file-name:{upload_key}".encode()


def segment_aad(upload_key, index: int) -> bytes:
    return f"sunlight:segment:{upload_key}:{index}".encode()


def price_text(price) -> str:
    """The canonical text of a price that is sealed: two decimals, no grouping."""
    return f"{price:.2f}"


def encrypt_segment(data_key: bytes, upload_key, index: int, plaintext: bytes) -> bytes:
    return wrap(data_key, plaintext, segment_aad(upload_key, index))


def decrypt_segment(data_key: bytes, upload_key, index: int, sealed: bytes) -> bytes:
    return unwrap(data_key, sealed, segment_aad(upload_key, index))
