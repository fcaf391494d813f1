"""Supplementary agreements (补充合同): drafted by the purchaser within the cap (all together at
most supplementary_contract.max_percent of the contract amount), signed by both parties like the
contract; the second signature adds a milestone and publishes the agreement."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from audit.models import AuditEvent
from contracts import services, signing
from contracts.exceptions import (
    AlreadySigned,
    ContractTransitionRefused,
    NotContractParty,
    SupplementNotFound,
    SupplementOverCap,
)
from contracts.models import SupplementaryAgreement
from contracts.performance.models import Milestone
from procurement.models import Notice
from tests.accounts.fixtures import current_code

pytestmark = pytest.mark.django_db


def _due(days=40):
    return (timezone.localdate() + datetime.timedelta(days=days)).isoformat()


def _draft(contract, clerk, amount):
    return services.draft_supplement(
        contract.pk,
        actor=clerk,
        amount=amount,
        subject="追加同型号设备2台",
        reason="使用单位增加",
        due_date=_due(),
    )


def test_both_parties_sign_a_supplement_which_adds_a_milestone_and_is_published(
    signed_contract, purchaser_clerk, supplier_rep
):
    amount = (signed_contract.amount * Decimal("0.05")).quantize(Decimal("0.01"))
    supplement = _draft(signed_contract, purchaser_clerk, amount)
    assert supplement.number == 1 and supplement.status == SupplementaryAgreement.Status.DRAFT
    assert AuditEvent.objects.filter(
        action="contracts.supplement_drafted", object_id=str(supplement.pk)
    ).exists()

    services.sign_supplement(supplement.pk, actor=supplier_rep, otp_token=current_code(supplier_rep))
    supplement.refresh_from_db()
    assert supplement.status == SupplementaryAgreement.Status.DRAFT and supplement.draft_sha256
    supplement = services.sign_supplement(
        supplement.pk, actor=purchaser_clerk, otp_token=current_code(purchaser_clerk)
    )
    supplement.refresh_from_db()
    assert supplement.status == SupplementaryAgreement.Status.SIGNED and supplement.signed_at
    milestone = Milestone.objects.get(supplement=supplement)
    assert milestone.number == 3 and milestone.amount == amount
    assert milestone.due_date == datetime.date.fromisoformat(_due())
    assert supplement.notice.kind == Notice.Kind.SUPPLEMENT and supplement.sha256 in supplement.notice.body_zh
    with supplement.pdf.open("rb") as handle:
        assert [v.ok for v in signing.verify_pdf(handle.read())] == [True, True]
    assert AuditEvent.objects.filter(action="contracts.supplement_signature").count() == 2
    event = AuditEvent.objects.get(action="contracts.supplement_signed")
    assert event.data["milestone"] == milestone.pk and event.data["sha256"] == supplement.sha256
    with pytest.raises(ContractTransitionRefused):
        services.sign_supplement(
            supplement.pk, actor=purchaser_clerk, otp_token=current_code(purchaser_clerk)
        )


def test_a_supplement_over_the_cap_is_refused_with_the_headroom(signed_contract, purchaser_clerk):
    cap = (signed_contract.amount * Decimal("0.10")).quantize(Decimal("0.01"))
    first = (cap * Decimal("0.6")).quantize(Decimal("0.01"))
    _draft(signed_contract, purchaser_clerk, first)
    with pytest.raises(SupplementOverCap) as raised:
        _draft(signed_contract, purchaser_clerk, cap - first + Decimal("0.01"))
    assert f"{cap - first:,.2f}" in str(raised.value.message)
    assert raised.value.params["headroom"] == str(cap - first)
    second = _draft(signed_contract, purchaser_clerk, cap - first)  # exactly up to the cap
    assert second.number == 2
    assert SupplementaryAgreement.objects.filter(contract=signed_contract).count() == 2


def test_only_the_purchaser_drafts(signed_contract, supplier_rep):
    with pytest.raises(NotContractParty):
        _draft(signed_contract, supplier_rep, "100.00")
    assert not SupplementaryAgreement.objects.exists()


def test_no_supplement_to_an_unsigned_contract(draft_contract, purchaser_clerk):
    with pytest.raises(ContractTransitionRefused):
        _draft(draft_contract, purchaser_clerk, "100.00")
    assert not SupplementaryAgreement.objects.exists()


def test_a_party_signs_a_supplement_once_and_strangers_get_404(
    signed_contract, purchaser_clerk, foreign_clerk, bidders
):
    supplement = _draft(signed_contract, purchaser_clerk, "100.00")
    services.sign_supplement(supplement.pk, actor=purchaser_clerk, otp_token=current_code(purchaser_clerk))
    with pytest.raises(AlreadySigned):
        services.sign_supplement(
            supplement.pk, actor=purchaser_clerk, otp_token=current_code(purchaser_clerk)
        )
    for actor in (foreign_clerk, bidders[1]):
        with pytest.raises(SupplementNotFound):
            services.sign_supplement(supplement.pk, actor=actor, otp_token="000000")
    with pytest.raises(SupplementNotFound):
        services.sign_supplement("x", actor=purchaser_clerk, otp_token="000000")
