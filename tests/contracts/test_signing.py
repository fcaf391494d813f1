"""Signing a contract: each party with their second factor, each signature a digital signature of
the PDF (the second on top of the first), checked with pyHanko's own validator against the
platform CA; signing twice, while a challenge is open, with a wrong or reused code."""

import hashlib
import io

import pytest
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko_certvalidator import ValidationContext

from audit.models import AuditEvent
from bidding.models import Bond
from contracts import certificates, services, signing
from contracts.exceptions import (
    AlreadySigned,
    ContractNotFound,
    InvalidContractInput,
    InvalidSigningCode,
    NotContractParty,
    SecondFactorNotSetUp,
    SigningBlocked,
)
from contracts.models import Contract, Party, Signature
from tests.accounts.fixtures import current_code
from tests.bidding.test_challenges_fixtures import file
from tests.contracts.fixtures import make_contract

pytestmark = pytest.mark.django_db


def sign_both(lot, clerk, rep):
    """The lot's contract (drafted by the service), signed by the purchaser, then the supplier."""
    contract = services.draft_contract(lot.pk, actor=clerk)
    services.sign_contract(contract.pk, actor=clerk, otp_token=current_code(clerk))
    contract = services.sign_contract(contract.pk, actor=rep, otp_token=current_code(rep))
    contract.refresh_from_db()
    return contract


def _pdf(contract) -> bytes:
    with contract.pdf.open("rb") as handle:
        return handle.read()


def test_both_parties_sign_and_pyhanko_validates_both_signatures(
    contracting_lot, purchaser_clerk, supplier_rep
):
    contract = services.draft_contract(contracting_lot.pk, actor=purchaser_clerk)
    services.sign_contract(contract.pk, actor=purchaser_clerk, otp_token=current_code(purchaser_clerk))
    contract.refresh_from_db()
    assert contract.status == Contract.Status.DRAFT and contract.draft_sha256 and not contract.is_editable
    (first,) = AuditEvent.objects.filter(action="contracts.contract_signature")
    assert (
        first.data["party"] == Party.PURCHASER
        and first.data["pdf_sha256"] == hashlib.sha256(_pdf(contract)).hexdigest()
    )

    contract = services.sign_contract(contract.pk, actor=supplier_rep, otp_token=current_code(supplier_rep))
    contract.refresh_from_db()
    pdf = _pdf(contract)
    assert contract.status == Contract.Status.SIGNED and contract.signed_at and contract.notice_due
    assert contract.sha256 == hashlib.sha256(pdf).hexdigest()
    signatures = list(contract.signatures.order_by("signed_at"))
    assert [s.party for s in signatures] == [Party.PURCHASER, Party.SUPPLIER]
    assert signatures[1].pdf_sha256 == contract.sha256
    assert signatures[0].signer_id == purchaser_clerk.pk and signatures[1].signer_id == supplier_rep.pk
    signed = AuditEvent.objects.get(action="contracts.contract_signed")
    assert signed.data["sha256"] == contract.sha256 and signed.object_id == str(contract.pk)
    assert AuditEvent.objects.filter(action="contracts.contract_signature").count() == 2

    # pyHanko's validator, trusting the platform CA only: both signatures intact, valid, trusted.
    root = signing._asn1(certificates.platform_ca().certificate)
    reader = PdfFileReader(io.BytesIO(pdf), strict=False)
    assert [s.field_name for s in reader.embedded_signatures] == ["purchaser", "supplier"]
    for embedded in reader.embedded_signatures:
        status = validate_pdf_signature(
            embedded, ValidationContext(trust_roots=[root], allow_fetching=False, revocation_mode="soft-fail")
        )
        assert status.intact and status.valid and status.trusted
    assert [v.ok for v in signing.verify_pdf(pdf)] == [True, True]

    # The winner's bid bond is refundable from the signing.
    winner_bonds = list(Bond.objects.filter(lot=contracting_lot, supplier_id=contract.supplier_id))
    assert not any(bond.status == Bond.Status.VERIFIED for bond in winner_bonds)


def test_signing_twice_is_refused(draft_contract, purchaser_clerk):
    services.sign_contract(draft_contract.pk, actor=purchaser_clerk, otp_token=current_code(purchaser_clerk))
    with pytest.raises(AlreadySigned) as raised:
        services.sign_contract(
            draft_contract.pk, actor=purchaser_clerk, otp_token=current_code(purchaser_clerk)
        )
    assert raised.value.status == 409
    assert Signature.objects.filter(contract=draft_contract).count() == 1


def test_signing_while_a_challenge_is_open_is_refused(draft_contract, purchaser_clerk, bidders):
    challenge = file(draft_contract.lot, bidders[2])
    with pytest.raises(SigningBlocked) as raised:
        services.sign_contract(
            draft_contract.pk, actor=purchaser_clerk, otp_token=current_code(purchaser_clerk)
        )
    assert f"Challenge {challenge.pk}" in str(raised.value.message) or str(challenge.pk) in str(
        raised.value.message
    )
    draft_contract.refresh_from_db()
    assert not draft_contract.draft_sha256 and not Signature.objects.exists()


def test_a_wrong_code_is_refused(draft_contract, purchaser_clerk):
    code = current_code(purchaser_clerk)
    wrong = f"{(int(code) + 1) % 1_000_000:06d}"
    with pytest.raises(InvalidSigningCode):
        services.sign_contract(draft_contract.pk, actor=purchaser_clerk, otp_token=wrong)
    with pytest.raises(InvalidSigningCode):
        services.sign_contract(draft_contract.pk, actor=purchaser_clerk, otp_token="")
    assert not Signature.objects.exists()


def test_a_reused_code_is_refused(draft_contract, purchaser_clerk):
    """A code already used (here: to pass the login's second factor) cannot sign."""
    code = current_code(purchaser_clerk)
    device = TOTPDevice.objects.get(user=purchaser_clerk, confirmed=True)
    assert device.verify_token(code)
    with pytest.raises(InvalidSigningCode):
        services.sign_contract(draft_contract.pk, actor=purchaser_clerk, otp_token=code)
    # The next step's code works.
    device.refresh_from_db()
    following = (
        f"{totp(device.bin_key, step=device.step, t0=device.t0 - device.step, digits=device.digits):06d}"
    )
    services.sign_contract(draft_contract.pk, actor=purchaser_clerk, otp_token=following)
    assert Signature.objects.filter(contract=draft_contract).count() == 1


def test_a_signer_without_a_second_factor_is_told_to_set_it_up(draft_contract, supplier_rep):
    TOTPDevice.objects.filter(user=supplier_rep).delete()
    with pytest.raises(SecondFactorNotSetUp) as raised:
        services.sign_contract(draft_contract.pk, actor=supplier_rep, otp_token="123456")
    assert "/accounts/second-factor/setup/" in str(raised.value.message)


def test_others_cannot_sign(draft_contract, officer, regulator, foreign_clerk, bidders):
    for actor in (officer, regulator):
        with pytest.raises((NotContractParty, ContractNotFound)):
            services.sign_contract(draft_contract.pk, actor=actor, otp_token="000000")
    for actor in (foreign_clerk, bidders[1]):
        with pytest.raises(ContractNotFound):
            services.sign_contract(draft_contract.pk, actor=actor, otp_token="000000")
    assert not Signature.objects.exists()


def test_an_incomplete_draft_cannot_be_signed(contracting_lot, purchaser_clerk):
    contract = make_contract(contracting_lot)
    contract.milestones.filter(number=2).delete()
    with pytest.raises(InvalidContractInput) as raised:
        services.sign_contract(contract.pk, actor=purchaser_clerk, otp_token=current_code(purchaser_clerk))
    assert raised.value.code == "milestones_total"
