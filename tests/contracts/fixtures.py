"""Fixtures of the contract tests, built row by row on the shared award fixtures so that the
performance and financing tests do not wait for the drafting and signing services:

- contracting_lot: an awarded lot (result notice published, challenge window over) in contracting;
- make_contract(lot, status=..., milestones=...): a contract row as the drafting service would
  write it (fixed fields from the award), optionally marked signed/in performance with its
  signatures and a document hash;
- draft_contract / signed_contract: the usual two;
- the parties: purchaser_clerk (the lot's clerk), supplier_rep (the winner's representative),
  each with a confirmed TOTP device (sign with tests.accounts.fixtures.current_code(user));
- bank_officer / other_bank_officer: officers of two banks.
"""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.models import Membership, Organisation, Role
from contracts.models import Contract, Party, Signature
from contracts.performance.models import Milestone
from procurement.models import Lot, TenderDocument
from tests.accounts.factories import OrganisationFactory
from tests.bidding.test_challenges_fixtures import awarded_lot, bidders  # noqa: F401

SIGNED_STATUSES = {Contract.Status.SIGNED, Contract.Status.IN_PERFORMANCE, Contract.Status.ACCEPTED}


def with_device(user):
    """Give the user a confirmed TOTP device (clerks and suppliers have none by default)."""
    if not TOTPDevice.objects.filter(user=user, confirmed=True).exists():
        TOTPDevice.objects.create(user=user, name="test", confirmed=True)
    return user


def winner_representative(lot):
    return Membership.objects.get(
        organisation_id=lot.award.winner.supplier_id, role=Role.SUPPLIER_REPRESENTATIVE
    ).user


@pytest.fixture
def contracting_lot(awarded_lot):  # noqa: F811
    Lot.objects.filter(pk=awarded_lot.pk).update(status=Lot.Status.CONTRACTING)
    awarded_lot.refresh_from_db()
    return awarded_lot


@pytest.fixture
def purchaser_clerk(clerk):
    return with_device(clerk)


@pytest.fixture
def supplier_rep(contracting_lot):
    return with_device(winner_representative(contracting_lot))


def make_contract(
    lot, *, status=Contract.Status.DRAFT, milestones=((60, 30), (40, 90)), clerk=None, rep=None
):
    """A contract of the lot's confirmed award as the drafting service writes it. milestones:
    (percent of the amount, due in days from today) per milestone. A signed status adds both
    signatures (clerk and rep needed) and a document hash."""
    award = lot.award
    supplier = award.winner.supplier
    project = lot.project
    document = TenderDocument.objects.filter(project=project, status=TenderDocument.Status.PUBLISHED).first()
    today = timezone.localdate()
    contract = Contract.objects.create(
        lot=lot,
        award=award,
        purchaser=project.purchaser,
        supplier=supplier,
        reference=f"{project.reference}-{lot.number}-HT{Contract.objects.count() + 1}",
        status=Contract.Status.DRAFT,
        title_zh=f"{project.title_zh}第{lot.number}包合同",
        title_en=f"Contract for {project.title_en or project.title_zh}, lot {lot.number}",
        amount=award.amount,
        subject=lot.quantity_and_specification,
        delivery_place=lot.delivery_place,
        delivery_period=lot.delivery_period,
        contract_terms=(document.sections.get("contract_terms", "") if document else "") or "合同条款",
        tender_document=document,
        supplier_is_sme=True,
        payment_terms="验收合格后30日内支付。",
        sme_payment_days=30,
        award_notice_on=today,
        signing_due=today + datetime.timedelta(days=30),
    )
    remaining = award.amount
    for number, (percent, due_in) in enumerate(milestones, start=1):
        amount = (
            remaining
            if number == len(milestones)
            else (award.amount * Decimal(percent) / 100).quantize(Decimal("0.01"))
        )
        remaining -= amount
        Milestone.objects.create(
            contract=contract,
            number=number,
            title=f"第{number}批交付",
            due_date=today + datetime.timedelta(days=due_in),
            amount=amount,
        )
    if status in SIGNED_STATUSES:
        now = timezone.now()
        for party, organisation, user in (
            (Party.PURCHASER, contract.purchaser, clerk),
            (Party.SUPPLIER, contract.supplier, rep),
        ):
            Signature.objects.create(
                contract=contract,
                party=party,
                organisation=organisation,
                signer=user,
                signed_at=now,
                certificate_serial="1",
                certificate_subject=organisation.name_zh,
                pdf_sha256="cd" * 32,
            )
        Contract.objects.filter(pk=contract.pk).update(
            status=status,
            draft_sha256="ab" * 32,
            sha256="cd" * 32,
            signed_at=now,
            notice_due=today + datetime.timedelta(days=2),
        )
        contract.refresh_from_db()
    return contract


@pytest.fixture
def draft_contract(contracting_lot):
    return make_contract(contracting_lot)


@pytest.fixture
def signed_contract(contracting_lot, purchaser_clerk, supplier_rep):
    """A contract signed by both parties and in performance (its notice published), with two
    milestones (60 percent due in 30 days, 40 percent in 90)."""
    return make_contract(
        contracting_lot, status=Contract.Status.IN_PERFORMANCE, clerk=purchaser_clerk, rep=supplier_rep
    )


def make_bank_officer(make_member, name_zh: str, name_en: str, region_code: str):
    bank = OrganisationFactory(
        kind=Organisation.Kind.BANK, name_zh=name_zh, name_en=name_en, region_code=region_code
    )
    return make_member(Role.BANK_OFFICER, organisation=bank)


@pytest.fixture
def bank_officer(make_member):
    return make_bank_officer(make_member, "嘉禾商业银行", "Jiahe Commercial Bank", "330400")


@pytest.fixture
def other_bank_officer(make_member):
    return make_bank_officer(make_member, "涪江银行", "Fujiang Bank", "510700")
