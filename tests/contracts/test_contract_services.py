"""The contract core's services: drafting from the award, completing the draft, publication, the
signing and disclosure sweeps (signatures: test_signing.py; supplementary agreements:
test_supplements.py). Each transition asserts the change and its audit event."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import Notification
from audit.models import AuditEvent
from contracts import services
from contracts.documents import chinese_capital_amount, mask_name, mask_number
from contracts.exceptions import (
    ContractLotNotFound,
    ContractNotEditable,
    ContractNotFound,
    ContractTransitionRefused,
    FixedByAward,
    InvalidContractInput,
    NotContractParty,
)
from contracts.models import Contract
from contracts.performance.models import Milestone
from credit.models import CreditEvent
from procurement.models import Notice
from rulebook.selectors import add_working_days
from tests.contracts.fixtures import make_contract

pytestmark = pytest.mark.django_db


def events(action, target=None):
    queryset = AuditEvent.objects.filter(action=action)
    if target is not None:
        queryset = queryset.filter(object_id=str(target.pk))
    return list(queryset)


# --- Drafting -------------------------------------------------------------------------------------


def test_the_purchaser_drafts_the_contract_from_the_award(contracting_lot, purchaser_clerk):
    award = contracting_lot.award
    contract = services.draft_contract(contracting_lot.pk, actor=purchaser_clerk)
    project = contracting_lot.project
    assert contract.status == Contract.Status.DRAFT
    assert contract.reference == f"{project.reference}-{contracting_lot.number}-HT"
    assert contract.amount == award.amount
    assert contract.supplier_id == award.winner.supplier_id
    assert contract.purchaser_id == project.purchaser_id
    assert contract.subject == contracting_lot.quantity_and_specification
    assert contract.tender_document.status == "published"
    assert contract.contract_terms == contract.tender_document.sections.get("contract_terms", "")
    assert contract.award_notice_on == timezone.localdate(award.confirmed_at)
    assert contract.signing_due == contract.award_notice_on + datetime.timedelta(days=30)
    # The winner of the shared fixtures is a small enterprise: paid within payment.sme_days.
    assert contract.supplier_is_sme and contract.sme_payment_days == 30
    assert contract.supplier_account_number and contract.supplier_contact
    milestones = list(contract.milestones.all())
    assert len(milestones) == 1 and milestones[0].amount == contract.amount
    assert milestones[0].due_date >= timezone.localdate()
    assert contract.is_editable
    (event,) = events("contracts.contract_drafted", contract)
    assert event.data["amount"] == str(award.amount) or Decimal(event.data["amount"]) == award.amount
    assert Notification.objects.filter(recipient=purchaser_clerk, link=contract.get_absolute_url()).exists()


def test_drafting_twice_returns_the_same_contract(contracting_lot, purchaser_clerk):
    first = services.draft_contract(contracting_lot.pk, actor=purchaser_clerk)
    again = services.draft_contract(contracting_lot.pk, actor=purchaser_clerk)
    assert again.pk == first.pk
    assert len(events("contracts.contract_drafted")) == 1


def test_the_sweep_drafts_once(contracting_lot):
    assert services.prepare_drafts() == 1
    assert services.prepare_drafts() == 0
    contract = Contract.objects.get(lot=contracting_lot)
    assert contract.created_by is None
    (event,) = events("contracts.contract_drafted", contract)
    assert event.actor_id is None


def test_a_lot_still_awarded_cannot_be_drafted(awarded_lot, clerk):
    with pytest.raises(Exception) as raised:
        services.draft_contract(awarded_lot.pk, actor=clerk)
    assert raised.value.code == "lot_not_ready_for_contract"
    assert services.prepare_drafts() == 0


def test_another_purchaser_and_a_supplier_get_404_for_the_lot(contracting_lot, foreign_clerk, supplier_rep):
    for actor in (foreign_clerk, supplier_rep):
        with pytest.raises(ContractLotNotFound):
            services.draft_contract(contracting_lot.pk, actor=actor)
    with pytest.raises(ContractLotNotFound):
        services.draft_contract("nope", actor=foreign_clerk)
    assert not Contract.objects.exists()


# --- Completing the draft -------------------------------------------------------------------------


def _milestones(contract, *parts, days=30):
    today = timezone.localdate()
    return [
        {
            "title": f"第{n}批",
            "kind": "delivery",
            "description": "",
            "due_date": (today + datetime.timedelta(days=days * n)).isoformat(),
            "amount": str(part),
        }
        for n, part in enumerate(parts, start=1)
    ]


def test_the_purchaser_completes_the_draft(draft_contract, purchaser_clerk):
    amount = draft_contract.amount
    first = (amount * Decimal("0.3")).quantize(Decimal("0.01"))
    contract = services.save_draft(
        draft_contract.pk,
        actor=purchaser_clerk,
        payment_terms="验收合格后15日内付款。",
        performance_bond_percent="5",
        sme_payment_days=15,
        special_terms="乙方提供三年质保。",
        purchaser_phone="0573-12345678",
        milestones=_milestones(draft_contract, first, amount - first),
    )
    contract.refresh_from_db()
    assert contract.performance_bond_percent == Decimal("5.00")
    assert contract.performance_bond_amount == (amount * Decimal("0.05")).quantize(Decimal("0.01"))
    assert contract.sme_payment_days == 15 and contract.special_terms == "乙方提供三年质保。"
    assert [m.amount for m in contract.milestones.order_by("number")] == [first, amount - first]
    (event,) = events("contracts.contract_draft_saved", contract)
    assert event.data["sme_payment_days"] == 15 and len(event.data["milestones"]) == 2


@pytest.mark.parametrize(
    "field, value",
    [
        ("amount", "1.00"),
        ("supplier", 1),
        ("subject", "别的东西"),
        ("delivery_period", "明年"),
        ("contract_terms", "无"),
        ("title_zh", "新标题"),
    ],
)
def test_a_field_fixed_by_the_award_cannot_be_edited(draft_contract, purchaser_clerk, field, value):
    with pytest.raises(FixedByAward) as raised:
        services.save_draft(draft_contract.pk, actor=purchaser_clerk, **{field: value})
    assert raised.value.code == "fixed_by_award"
    with translation.override("en"):
        assert "fixed by the award" in str(raised.value.message).lower()
    fresh = Contract.objects.get(pk=draft_contract.pk)
    assert fresh.amount == draft_contract.amount and fresh.subject == draft_contract.subject
    assert not events("contracts.contract_draft_saved")


@pytest.mark.parametrize(
    "fields, code",
    [
        ({"performance_bond_percent": "10.01"}, "performance_bond_over_cap"),
        ({"performance_bond_percent": "-1"}, "performance_bond_over_cap"),
        ({"performance_bond_percent": "abc"}, "invalid_performance_bond_percent"),
        ({"sme_payment_days": 31}, "sme_payment_days_over_limit"),
        ({"sme_payment_days": ""}, "sme_payment_days_required"),
        ({"status": "signed"}, "unknown_field"),
    ],
)
def test_bad_draft_input_is_refused(draft_contract, purchaser_clerk, fields, code):
    with pytest.raises(InvalidContractInput) as raised:
        services.save_draft(draft_contract.pk, actor=purchaser_clerk, **fields)
    assert raised.value.code == code
    assert not events("contracts.contract_draft_saved")


def test_milestones_must_add_up_and_not_be_due_in_the_past(draft_contract, purchaser_clerk):
    amount = draft_contract.amount
    with pytest.raises(InvalidContractInput) as raised:
        services.save_draft(
            draft_contract.pk, actor=purchaser_clerk, milestones=_milestones(draft_contract, amount - 1)
        )
    assert raised.value.code == "milestones_total"
    past = _milestones(draft_contract, amount, days=-2)
    with pytest.raises(InvalidContractInput) as raised:
        services.save_draft(draft_contract.pk, actor=purchaser_clerk, milestones=past)
    assert raised.value.code == "milestone_due_date"
    assert draft_contract.milestones.count() == 2  # unchanged


def test_the_supplier_cannot_edit_and_a_stranger_gets_404(draft_contract, supplier_rep, foreign_clerk):
    with pytest.raises(NotContractParty):
        services.save_draft(draft_contract.pk, actor=supplier_rep, special_terms="x")
    with pytest.raises(ContractNotFound):
        services.save_draft(draft_contract.pk, actor=foreign_clerk, special_terms="x")
    with pytest.raises(ContractNotFound):
        services.save_draft(10**9, actor=supplier_rep, special_terms="x")


def test_a_signed_draft_cannot_be_edited(draft_contract, purchaser_clerk):
    Contract.objects.filter(pk=draft_contract.pk).update(draft_sha256="ab" * 32)
    with pytest.raises(ContractNotEditable):
        services.save_draft(draft_contract.pk, actor=purchaser_clerk, special_terms="x")


# --- Publication ----------------------------------------------------------------------------------


def test_the_purchaser_publishes_the_signed_contract(contracting_lot, purchaser_clerk, supplier_rep):
    from tests.contracts.test_signing import sign_both

    contract = sign_both(contracting_lot, purchaser_clerk, supplier_rep)
    contract = services.publish_contract(contract.pk, actor=purchaser_clerk)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.IN_PERFORMANCE
    notice = contract.notice
    assert notice.kind == Notice.Kind.CONTRACT and notice.attachment_sha256
    assert contract.sha256 in notice.body_zh and contract.sha256 in notice.body_en
    assert contract.supplier.name_zh in notice.body_zh
    # The published copy masks the contact persons, telephones and account numbers.
    assert notice.attachment_sha256 != contract.sha256
    (event,) = events("contracts.contract_published", contract)
    assert event.data["redacted"] is True and event.data["notice"] == notice.pk
    with pytest.raises(ContractTransitionRefused):
        services.publish_contract(contract.pk, actor=purchaser_clerk)


def test_only_the_purchaser_publishes_a_signed_contract(draft_contract, purchaser_clerk, supplier_rep):
    with pytest.raises(ContractTransitionRefused):
        services.publish_contract(draft_contract.pk, actor=purchaser_clerk)
    Contract.objects.filter(pk=draft_contract.pk).update(status="signed", sha256="cd" * 32)
    with pytest.raises(NotContractParty):
        services.publish_contract(draft_contract.pk, actor=supplier_rep)
    assert not Notice.objects.filter(kind=Notice.Kind.CONTRACT).exists()


# --- Sweeps ---------------------------------------------------------------------------------------


def test_the_sweep_warns_both_parties_once_near_the_limit(draft_contract, purchaser_clerk, supplier_rep):
    today = timezone.localdate()
    Contract.objects.filter(pk=draft_contract.pk).update(signing_due=today + datetime.timedelta(days=6))
    assert services.sweep_signing_limits() == {"warned": 0, "escalated": 0}
    Contract.objects.filter(pk=draft_contract.pk).update(signing_due=today + datetime.timedelta(days=5))
    assert services.sweep_signing_limits() == {"warned": 1, "escalated": 0}
    assert services.sweep_signing_limits() == {"warned": 0, "escalated": 0}
    draft_contract.refresh_from_db()
    assert draft_contract.signing_warned_at is not None
    for user in (purchaser_clerk, supplier_rep):
        assert (
            Notification.objects.filter(recipient=user, link=draft_contract.get_absolute_url()).count() == 1
        )
    assert len(events("contracts.signing_warned", draft_contract)) == 1


def test_the_sweep_escalates_an_overdue_draft_once(draft_contract, regulator, other_regulator):
    Contract.objects.filter(pk=draft_contract.pk).update(
        signing_due=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert services.sweep_signing_limits()["escalated"] == 1
    assert services.sweep_signing_limits()["escalated"] == 0
    draft_contract.refresh_from_db()
    assert draft_contract.signing_escalated_at is not None
    assert Notification.objects.filter(recipient=regulator).count() == 1
    assert not Notification.objects.filter(recipient=other_regulator).exists()
    (credit,) = CreditEvent.objects.filter(rule__code="purchaser.late_contract_signing")
    assert credit.record.organisation_id == draft_contract.purchaser_id
    assert len(events("contracts.signing_escalated", draft_contract)) == 1


def test_a_late_contract_notice_is_escalated_once(contracting_lot, purchaser_clerk, supplier_rep, regulator):
    contract = make_contract(
        contracting_lot, status=Contract.Status.SIGNED, clerk=purchaser_clerk, rep=supplier_rep
    )
    today = timezone.localdate()
    assert services.flag_late_contract_notices() == 0
    Contract.objects.filter(pk=contract.pk).update(notice_due=today)
    assert services.flag_late_contract_notices() == 0
    Contract.objects.filter(pk=contract.pk).update(notice_due=today - datetime.timedelta(days=1))
    assert services.flag_late_contract_notices() == 1
    assert services.flag_late_contract_notices() == 0
    contract.refresh_from_db()
    assert contract.disclosure_escalated_at is not None
    assert CreditEvent.objects.filter(rule__code="purchaser.late_contract_disclosure").count() == 1
    assert Notification.objects.filter(recipient=regulator).count() == 1
    assert len(events("contracts.disclosure_escalated", contract)) == 1


def test_the_notice_is_due_the_rulebooks_working_days_after_signing(
    contracting_lot, purchaser_clerk, supplier_rep
):
    from tests.contracts.test_signing import sign_both

    contract = sign_both(contracting_lot, purchaser_clerk, supplier_rep)
    assert contract.notice_due == add_working_days(timezone.localdate(contract.signed_at), 2)


def test_the_tasks_run_the_sweeps(draft_contract):
    from contracts import tasks

    assert tasks.prepare_drafts() == 0
    assert tasks.sweep_signing_limits() == {"warned": 0, "escalated": 0}
    assert tasks.flag_late_contract_notices() == 0
    assert Milestone.objects.filter(contract=draft_contract).count() == 2


# --- The amount in capitals and the masks (pure functions) ----------------------------------------

_DIGITS = {c: n for n, c in enumerate("零壹贰叁肆伍陆柒捌玖")}
_SMALL = {"拾": 10, "佰": 100, "仟": 1000}


def _parse_capitals(text: str) -> Decimal:
    """The inverse of chinese_capital_amount, written independently for the property test."""
    total, section, number = 0, 0, 0
    fen = 0
    integer, _, rest = text.partition("元") if "元" in text else ("", "", text)
    for char in integer:
        if char in _DIGITS:
            number = _DIGITS[char]
        elif char in _SMALL:
            section += number * _SMALL[char]
            number = 0
        elif char == "万":
            section = (section + number) * 10_000
            number = 0
        elif char == "亿":
            total = (total + section + number) * 100_000_000
            section = number = 0
    total += section + number
    digit = 0
    for char in rest:
        if char in _DIGITS:
            digit = _DIGITS[char]
        elif char == "角":
            fen += digit * 10
            digit = 0
        elif char == "分":
            fen += digit
            digit = 0
    return Decimal(total) + Decimal(fen) / 100


@pytest.mark.parametrize(
    "amount, text",
    [
        ("1500000", "壹佰伍拾万元整"),
        ("1234.56", "壹仟贰佰叁拾肆元伍角陆分"),
        ("0.05", "伍分"),
        ("1.05", "壹元零伍分"),
        ("100010000", "壹亿零壹万元整"),
        ("10.50", "壹拾元伍角整"),
        ("1005", "壹仟零伍元整"),
        ("0", "零元整"),
    ],
)
def test_amounts_in_capitals(amount, text):
    assert chinese_capital_amount(Decimal(amount)) == text


@given(st.decimals(min_value=0, max_value=Decimal("999999999999.99"), places=2, allow_nan=False))
def test_capitals_read_back_to_the_amount(amount):
    text = chinese_capital_amount(amount)
    assert _parse_capitals(text) == amount
    assert "零零" not in text and not text.startswith("零") or amount == 0


def test_masks():
    assert mask_name("张三丰") == "张**" and mask_number("13812345678") == "*******5678"
    assert mask_number("") == "" and mask_number("123") == "***"
