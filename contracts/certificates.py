"""The platform's certificate authority for contract signatures.

On a platform without certificates from a real CA (development, demonstrations, a pilot), the
platform is its own CA: a self-signed root made on first use (or by `manage.py
create_signing_ca`), which issues each organisation that signs a contract a signing certificate
(ECDSA P-256, key usage digital signature + non-repudiation, valid five years). Keys are stored in
the database encrypted with PKCS#8 under a passphrase derived from the platform's key-encryption
key (bidding.sealing.key_encryption_key: settings.SEALING_KEY, never in the database).

A PDF reader verifies the signatures against the root certificate, downloadable at
/contracts/certificate-authority.pem; real deployments plug in a signer using their CA's
certificates instead (contracts.signing, settings.CONTRACT_SIGNER).
"""

import datetime
import hashlib
from dataclasses import dataclass

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.x509.oid import NameOID
from django.db import connection, transaction
from django.utils import timezone

from accounts.models import Organisation
from bidding.sealing import key_encryption_key

from .models import SigningCertificate

CA_NAME = "Sunlight Procurement Platform Signing CA"
ROOT_YEARS = 20
ORGANISATION_YEARS = 5
_LOCK = 7_202_611  # pg_advisory_xact_lock key: one CA / one certificate per organisation at a time


@dataclass(frozen=True)
class KeyPair:
    certificate: x509.Certificate
    private_key: ec.EllipticCurvePrivateKey
    row: SigningCertificate


def _passphrase() -> bytes:
    return HKDF(
        algorithm=hashes.SHA256(), length=32, salt=None, info=b"sunlight-contract-signing-keys"
    ).derive(key_encryption_key())


def _store(
    organisation, certificate: x509.Certificate, key: ec.EllipticCurvePrivateKey
) -> SigningCertificate:
    return SigningCertificate.objects.create(
        organisation=organisation,
        serial=format(certificate.serial_number, "x"),
        subject=certificate.subject.rfc4514_string()[:300],
        not_before=certificate.not_valid_before_utc,
        not_after=certificate.not_valid_after_utc,
        certificate_pem=certificate.public_bytes(serialization.Encoding.PEM).decode("ascii"),
        encrypted_key_pem=key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.BestAvailableEncryption(_passphrase()),
        ).decode("ascii"),
    )


def _load(row: SigningCertificate) -> KeyPair:
    certificate = x509.load_pem_x509_certificate(row.certificate_pem.encode("ascii"))
    key = serialization.load_pem_private_key(row.encrypted_key_pem.encode("ascii"), password=_passphrase())
    return KeyPair(certificate=certificate, private_key=key, row=row)


def _lock() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])


def _name(common_name: str, organisation_name: str, uscc: str = "") -> x509.Name:
    attributes = [
        x509.NameAttribute(NameOID.COUNTRY_NAME, "CN"),
        x509.NameAttribute(NameOID.ORGANIZATION_NAME, organisation_name[:64]),
        x509.NameAttribute(NameOID.COMMON_NAME, common_name[:64]),
    ]
    if uscc:
        attributes.append(x509.NameAttribute(NameOID.ORGANIZATION_IDENTIFIER, uscc))
    return x509.Name(attributes)


@transaction.atomic
def platform_ca() -> KeyPair:
    """The platform's root certificate and key, made on first use."""
    row = SigningCertificate.objects.filter(organisation__isnull=True, revoked_at__isnull=True).first()
    if row is None:
        _lock()
        row = SigningCertificate.objects.filter(organisation__isnull=True, revoked_at__isnull=True).first()
    if row is not None:
        return _load(row)
    key = ec.generate_private_key(ec.SECP256R1())
    name = _name(CA_NAME, "Sunlight")
    now = timezone.now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(now + datetime.timedelta(days=365 * ROOT_YEARS))
        .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .sign(key, hashes.SHA256())
    )
    return KeyPair(certificate=certificate, private_key=key, row=_store(None, certificate, key))


def _issue(organisation: Organisation, ca: KeyPair) -> KeyPair:
    key = ec.generate_private_key(ec.SECP256R1())
    now = timezone.now()
    certificate = (
        x509.CertificateBuilder()
        .subject_name(_name(organisation.name_zh, organisation.name_zh, organisation.uscc or ""))
        .issuer_name(ca.certificate.subject)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(minutes=5))
        .not_valid_after(
            min(now + datetime.timedelta(days=365 * ORGANISATION_YEARS), ca.certificate.not_valid_after_utc)
        )
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.certificate.public_key()), critical=False
        )
        .sign(ca.private_key, hashes.SHA256())
    )
    return KeyPair(certificate=certificate, private_key=key, row=_store(organisation, certificate, key))


@transaction.atomic
def organisation_certificate(organisation: Organisation) -> KeyPair:
    """The organisation's current signing certificate, issued by the platform CA on first use
    (and again once the current one has expired)."""
    now = timezone.now()
    current = SigningCertificate.objects.filter(organisation=organisation, revoked_at__isnull=True).first()
    if current is not None and current.not_after > now:
        return _load(current)
    ca = platform_ca()
    _lock()
    current = SigningCertificate.objects.filter(organisation=organisation, revoked_at__isnull=True).first()
    if current is not None and current.not_after > now:
        return _load(current)
    if current is not None:
        SigningCertificate.objects.filter(pk=current.pk).update(revoked_at=now, updated_at=now)
    return _issue(organisation, ca)


def ca_certificate_pem() -> bytes:
    return platform_ca().certificate.public_bytes(serialization.Encoding.PEM)


def fingerprint(certificate: x509.Certificate) -> str:
    return hashlib.sha256(certificate.public_bytes(serialization.Encoding.DER)).hexdigest()
