"""Digital signatures of contract PDFs (pyHanko, PAdES baseline, SHA-256).

Each party signs the same PDF in turn as an incremental update, so the first signature stays
valid after the second and a PDF reader shows both. Who holds the keys is pluggable
(settings.CONTRACT_SIGNER, a dotted path to a class with the ContractSigner interface):

- PlatformSigner (default): certificates issued by the platform's own CA (contracts.certificates);
- PKCS12Signer: a real CA's certificate per organisation, as `<uscc>.p12` files in
  settings.CONTRACT_SIGNER_PKCS12_DIR with the passphrase in settings.CONTRACT_SIGNER_PKCS12_PASSPHRASE.

verify_pdf() validates every signature of a document against trust roots (by default the
platform CA), as the tests and the contract page do.
"""

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign import fields, signers
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext
from pyhanko_certvalidator.registry import SimpleCertificateStore

from accounts.models import Organisation


@dataclass(frozen=True)
class AppliedSignature:
    pdf: bytes
    certificate_serial: str
    certificate_subject: str


@dataclass(frozen=True)
class VerifiedSignature:
    field_name: str
    signer_subject: str
    intact: bool
    valid: bool
    trusted: bool
    covers_whole_file: bool
    signed_at: object

    @property
    def ok(self) -> bool:
        return self.intact and self.valid and self.trusted


class ContractSigner:
    """Turns an organisation into a pyHanko signer (its certificate and key)."""

    def signer_for(self, organisation: Organisation) -> signers.Signer:  # pragma: no cover - interface
        raise NotImplementedError

    def trust_roots(self) -> list[asn1_x509.Certificate]:  # pragma: no cover - interface
        raise NotImplementedError


def _asn1(certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(certificate.public_bytes(serialization.Encoding.DER))


class PlatformSigner(ContractSigner):
    """The platform CA's certificates (contracts.certificates)."""

    def signer_for(self, organisation: Organisation) -> signers.Signer:
        from pyhanko.keys import load_private_key_from_pemder_data

        from . import certificates

        pair = certificates.organisation_certificate(organisation)
        ca = certificates.platform_ca()
        key_der = pair.private_key.private_bytes(
            serialization.Encoding.DER, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
        )
        return signers.SimpleSigner(
            signing_cert=_asn1(pair.certificate),
            signing_key=load_private_key_from_pemder_data(key_der, passphrase=None),
            cert_registry=SimpleCertificateStore.from_certs([_asn1(ca.certificate)]),
        )

    def trust_roots(self) -> list[asn1_x509.Certificate]:
        from . import certificates

        return [_asn1(certificates.platform_ca().certificate)]


class PKCS12Signer(ContractSigner):
    """Certificates of a real CA, one PKCS#12 file per organisation named by its credit code."""

    def _folder(self) -> Path:
        folder = getattr(settings, "CONTRACT_SIGNER_PKCS12_DIR", "")
        if not folder:
            raise ImproperlyConfigured("Set CONTRACT_SIGNER_PKCS12_DIR for the PKCS#12 contract signer.")
        return Path(folder)

    def signer_for(self, organisation: Organisation) -> signers.Signer:
        path = self._folder() / f"{organisation.uscc}.p12"
        passphrase = getattr(settings, "CONTRACT_SIGNER_PKCS12_PASSPHRASE", "") or None
        signer = signers.SimpleSigner.load_pkcs12(
            str(path), passphrase=passphrase.encode() if passphrase else None
        )
        if signer is None:
            raise ImproperlyConfigured(f"No usable signing certificate in {path}.")
        return signer

    def trust_roots(self) -> list[asn1_x509.Certificate]:
        from pyhanko.keys import load_certs_from_pemder

        roots = self._folder() / "trust-roots.pem"
        return list(load_certs_from_pemder([str(roots)])) if roots.exists() else []


def _outside_event_loop(function, *args, **kwargs):
    """Call a pyHanko function that runs its own asyncio loop (asyncio.run): in this thread, or,
    when this thread already runs a loop (an ASGI view, a Playwright-driven test), in a worker
    thread. Only pure pyHanko work goes there: database reads stay in the caller's thread and
    transaction."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return function(*args, **kwargs)
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(function, *args, **kwargs).result()


@lru_cache(maxsize=4)
def _signer_class(path: str) -> type[ContractSigner]:
    return import_string(path)


def contract_signer() -> ContractSigner:
    return _signer_class(getattr(settings, "CONTRACT_SIGNER", "contracts.signing.PlatformSigner"))()


def sign_pdf(
    pdf: bytes, *, organisation: Organisation, field_name: str, reason: str, location: str = ""
) -> AppliedSignature:
    """Add the organisation's signature to the PDF as an incremental update (earlier signatures
    stay valid). field_name is unique per document (e.g. "purchaser", "supplier")."""
    signer = contract_signer().signer_for(organisation)
    writer = IncrementalPdfFileWriter(io.BytesIO(pdf), strict=False)
    meta = signers.PdfSignatureMetadata(
        field_name=field_name,
        reason=reason,
        location=location or None,
        md_algorithm="sha256",
        subfilter=fields.SigSeedSubFilter.PADES,
    )
    output = _outside_event_loop(
        signers.sign_pdf,
        writer,
        meta,
        signer=signer,
        new_field_spec=fields.SigFieldSpec(sig_field_name=field_name),
    )
    certificate = signer.signing_cert
    return AppliedSignature(
        pdf=output.getvalue(),
        certificate_serial=format(certificate.serial_number, "x"),
        certificate_subject=certificate.subject.human_friendly[:300],
    )


def verify_pdf(pdf: bytes, *, trust_roots=None) -> list[VerifiedSignature]:
    """Every signature of the PDF, validated against the trust roots (default: the configured
    signer's, i.e. the platform CA). No network: revocation is not checked online."""
    roots = trust_roots if trust_roots is not None else contract_signer().trust_roots()
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    results = []
    for embedded in reader.embedded_signatures:
        context = ValidationContext(trust_roots=roots, allow_fetching=False, revocation_mode="soft-fail")
        status = _outside_event_loop(validate_pdf_signature, embedded, context)
        results.append(
            VerifiedSignature(
                field_name=embedded.field_name,
                signer_subject=status.signing_cert.subject.human_friendly,
                intact=status.intact,
                valid=status.valid,
                trusted=status.trusted,
                covers_whole_file=status.coverage is not None and status.coverage.name == "ENTIRE_FILE",
                signed_at=status.signer_reported_dt,
            )
        )
    return results
