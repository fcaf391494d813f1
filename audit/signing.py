"""The platform's Ed25519 key for chain checkpoints.

settings.AUDIT_SIGNING_KEY (PEM text) if set, else the PEM file settings.AUDIT_SIGNING_KEY_FILE.
Outside production a missing file is generated on first use (mode 0600); production refuses to
start without AUDIT_SIGNING_KEY (config/settings.py). Settings are read at call time.
"""

import os
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


def _parse(pem: bytes, source: str) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(pem, password=None)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"{source} is not an unencrypted PEM private key: {exc}") from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise ImproperlyConfigured(f"{source} must be an Ed25519 private key")
    return key


def _generate(path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return  # another process generated it first: use theirs
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)


def load_private_key() -> Ed25519PrivateKey:
    pem_text = getattr(settings, "AUDIT_SIGNING_KEY", "") or ""
    if pem_text.strip():
        return _parse(pem_text.strip().encode("ascii"), "AUDIT_SIGNING_KEY")
    path = Path(settings.AUDIT_SIGNING_KEY_FILE)
    if not path.exists():
        if getattr(settings, "PRODUCTION", False):
            raise ImproperlyConfigured("Set AUDIT_SIGNING_KEY: no audit signing key is configured.")
        _generate(path)
    return _parse(path.read_bytes(), str(path))


def public_key_pem(public_key: Ed25519PublicKey) -> str:
    return public_key.public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    ).decode("ascii")
