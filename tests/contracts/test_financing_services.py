"""Contract financing services: a supplier applies to a bank against its signed contract, the bank
decides, the supplier may withdraw; each transition with its audit event and its notifications;
the refusals the issue names (a blacklisted supplier, an amount above what is unpaid, a second
open application to the same bank, a bank officer of another bank: 404)."""

import datetime
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts.models import Notification, Organisation
from audit.models import AuditEvent
from contracts.exceptions import ContractNotFound
from contracts.financing import services
from contracts.financing.exceptions import (
    AlreadyApplied,
    BankNotFound,
    ContractNotBinding,
    FinancingNotFound,
    FinancingReasonRequired,
    FinancingTransitionRefused,
    InvalidFinancingInput,
    NotFinancingApplicant,
)
from contracts.financing.models import FinancingApplication
from contracts.models import Contract
from contracts.performance.models import Milestone, PaymentApplication
from credit import services as credit_services
from credit.exceptions import NotEligible

pytestmark = pytest.mark.django_db


def bank_of(officer) -> Organisation:
    return officer.active_membership.organisation


def apply(contract, rep, officer, **fields):
    values = {"amount": Decimal("100000.00"), "term_months": 12, "purpose": "采购原材料，履行合同"}
    values.update(fields)
    return services.apply_for_financing(contract.pk, actor=rep, bank_id=bank_of(officer).pk, **values)


def pay_first_milestone(contract, rep, clerk) -> PaymentApplication:
    """The first milestone accepted and paid in full (rows as the performance services write them)."""
    milestone = contract.milestones.order_by("number").first()
    Milestone.objects.filter(pk=milestone.pk).update(
        status=Milestone.Status.ACCEPTED, accepted_at=timezone.now(), delivered_at=timezone.now()
    )
    return PaymentApplication.objects.create(
        contract=contract,
        milestone=milestone,
        amount=milestone.amount,
        invoice_number="INV-1",
        status=PaymentApplication.Status.PAID,
        applied_by=rep,
        decided_by=clerk,
        decided_at=timezone.now(),
        paid_amount=milestone.amount,
        paid_on=timezone.localdate(),
        payment_reference="PAY-1",
    )


def audit_of(action) -> AuditEvent:
    return AuditEvent.objects.get(action=action)


# --- Applying -------------------------------------------------------------------------------------


def test_the_supplier_applies_with_its_credit_and_the_bank_is_told(
    signed_contract, supplier_rep, bank_officer
):
    application = apply(signed_contract, supplier_rep, bank_officer)
    application.refresh_from_db()
    assert application.status == FinancingApplication.Status.SUBMITTED
    assert application.supplier_id == signed_contract.supplier_id
    assert application.bank == bank_of(bank_officer)
    assert application.amount == Decimal("100000.00") and application.term_months == 12
    assert application.applied_by == supplier_rep
    summary = application.credit_summary
    assert set(summary) >= {"score", "stars", "grade", "bans", "events", "penalties"}
    assert summary["bans"] == [] and 1 <= summary["stars"] <= 5
    event = audit_of("contracts.financing_applied")
    assert event.object_id == str(application.pk) and event.actor_id == supplier_rep.pk
    assert event.data["amount"] == "100000.00" and event.data["bank"] == bank_of(bank_officer).pk
    assert Notification.objects.filter(recipient=bank_officer, link=f"/contracts/financing/{application.pk}/")


def test_a_blacklisted_supplier_is_refused_with_the_ban(signed_contract, supplier_rep, bank_officer):
    credit_services.record_event(signed_contract.supplier, "supplier.false_materials")
    with pytest.raises(NotEligible) as refused:
        apply(signed_contract, supplier_rep, bank_officer)
    assert "supplier.false_materials" not in str(refused.value)  # the rule's name, not its code
    assert "黑名单" in str(refused.value) or "blacklist" in str(refused.value)
    assert not FinancingApplication.objects.exists()
    assert not AuditEvent.objects.filter(action="contracts.financing_applied").exists()


def test_the_amount_cannot_exceed_what_is_unpaid(
    signed_contract, supplier_rep, purchaser_clerk, bank_officer
):
    paid = pay_first_milestone(signed_contract, supplier_rep, purchaser_clerk)
    unpaid = signed_contract.amount - paid.paid_amount
    with pytest.raises(InvalidFinancingInput) as refused:
        apply(signed_contract, supplier_rep, bank_officer, amount=unpaid + Decimal("0.01"))
    assert f"{unpaid:,.2f}" in str(refused.value)
    assert not FinancingApplication.objects.exists()
    assert apply(signed_contract, supplier_rep, bank_officer, amount=unpaid).amount == unpaid


def test_an_amount_that_is_not_a_positive_sum_is_refused(signed_contract, supplier_rep, bank_officer):
    for amount in ("0", "-5", "abc", "1.001", "NaN", None):
        with pytest.raises(InvalidFinancingInput):
            apply(signed_contract, supplier_rep, bank_officer, amount=amount)
    assert not FinancingApplication.objects.exists()


def test_a_term_outside_one_to_sixty_months_is_refused(signed_contract, supplier_rep, bank_officer):
    for term in (0, 61, "1.5", "x", None):
        with pytest.raises(InvalidFinancingInput):
            apply(signed_contract, supplier_rep, bank_officer, term_months=term)
    assert apply(signed_contract, supplier_rep, bank_officer, term_months=60).term_months == 60


def test_a_purpose_is_required(signed_contract, supplier_rep, bank_officer):
    with pytest.raises(InvalidFinancingInput):
        apply(signed_contract, supplier_rep, bank_officer, purpose="   ")


def test_a_second_open_application_to_the_same_bank_is_a_conflict(
    signed_contract, supplier_rep, bank_officer, other_bank_officer
):
    apply(signed_contract, supplier_rep, bank_officer)
    with pytest.raises(AlreadyApplied):
        apply(signed_contract, supplier_rep, bank_officer)
    assert apply(signed_contract, supplier_rep, other_bank_officer).bank == bank_of(other_bank_officer)
    assert FinancingApplication.objects.count() == 2


def test_the_database_refuses_two_open_applications_to_one_bank(signed_contract, supplier_rep, bank_officer):
    first = apply(signed_contract, supplier_rep, bank_officer)
    with pytest.raises(IntegrityError, match="financing_one_open_per_bank"), transaction.atomic():
        FinancingApplication.objects.create(
            contract=signed_contract,
            supplier=first.supplier,
            bank=first.bank,
            amount=1,
            term_months=1,
            purpose="x",
            applied_by=supplier_rep,
        )


def test_after_a_decline_the_supplier_may_apply_again(signed_contract, supplier_rep, bank_officer):
    first = apply(signed_contract, supplier_rep, bank_officer)
    services.decide_financing(first.pk, actor=bank_officer, approve=False, reason="抵押不足")
    assert apply(signed_contract, supplier_rep, bank_officer).pk != first.pk


def test_a_draft_contract_cannot_be_financed(draft_contract, supplier_rep, bank_officer):
    with pytest.raises(ContractNotBinding):
        apply(draft_contract, supplier_rep, bank_officer)


def test_a_terminated_contract_cannot_be_financed(signed_contract, supplier_rep, bank_officer):
    Contract.objects.filter(pk=signed_contract.pk).update(
        status=Contract.Status.TERMINATED, terminated_at=timezone.now()
    )
    with pytest.raises(ContractNotBinding):
        apply(signed_contract, supplier_rep, bank_officer)


def test_only_the_suppliers_representative_applies(
    signed_contract, purchaser_clerk, bank_officer, make_member
):
    with pytest.raises(NotFinancingApplicant):
        apply(signed_contract, purchaser_clerk, bank_officer)
    stranger = make_member("supplier_representative")
    with pytest.raises(ContractNotFound):
        apply(signed_contract, stranger, bank_officer)
    with pytest.raises(ContractNotFound):
        apply(signed_contract, bank_officer, bank_officer)  # a bank officer sees no contract by itself


def test_the_bank_must_be_an_active_bank(signed_contract, supplier_rep, bank_officer):
    with pytest.raises(BankNotFound):
        services.apply_for_financing(
            signed_contract.pk,
            actor=supplier_rep,
            bank_id=signed_contract.purchaser_id,
            amount=1,
            term_months=1,
            purpose="x",
        )
    Organisation.objects.filter(pk=bank_of(bank_officer).pk).update(is_active=False)
    with pytest.raises(BankNotFound):
        apply(signed_contract, supplier_rep, bank_officer)


# --- Deciding -------------------------------------------------------------------------------------


def test_the_bank_approves_a_smaller_amount_and_the_supplier_is_told(
    signed_contract, supplier_rep, bank_officer
):
    application = apply(signed_contract, supplier_rep, bank_officer)
    services.decide_financing(
        application.pk,
        actor=bank_officer,
        approve=True,
        approved_amount=Decimal("80000"),
        reason="按八成授信",
    )
    application.refresh_from_db()
    assert application.status == FinancingApplication.Status.APPROVED
    assert application.approved_amount == Decimal("80000.00")
    assert application.decided_by == bank_officer and application.decided_at is not None
    assert application.decision_reason == "按八成授信"
    event = audit_of("contracts.financing_approved")
    assert event.object_id == str(application.pk) and event.data["approved_amount"] == "80000.00"
    assert Notification.objects.filter(recipient=supplier_rep, link=f"/contracts/financing/{application.pk}/")


def test_approving_without_an_amount_approves_the_amount_requested(
    signed_contract, supplier_rep, bank_officer
):
    application = apply(signed_contract, supplier_rep, bank_officer)
    services.decide_financing(application.pk, actor=bank_officer, approve=True)
    application.refresh_from_db()
    assert application.approved_amount == application.amount


def test_the_approved_amount_cannot_exceed_the_request(signed_contract, supplier_rep, bank_officer):
    application = apply(signed_contract, supplier_rep, bank_officer)
    for amount in ("100000.01", "0", "-1"):
        with pytest.raises(InvalidFinancingInput):
            services.decide_financing(
                application.pk, actor=bank_officer, approve=True, approved_amount=amount
            )
    application.refresh_from_db()
    assert application.status == FinancingApplication.Status.SUBMITTED
    assert not AuditEvent.objects.filter(action="contracts.financing_approved").exists()


def test_the_bank_declines_with_a_reason(signed_contract, supplier_rep, bank_officer):
    application = apply(signed_contract, supplier_rep, bank_officer)
    with pytest.raises(FinancingReasonRequired):
        services.decide_financing(application.pk, actor=bank_officer, approve=False, reason="  ")
    services.decide_financing(application.pk, actor=bank_officer, approve=False, reason="现金流不足")
    application.refresh_from_db()
    assert application.status == FinancingApplication.Status.DECLINED
    assert application.decision_reason == "现金流不足" and application.approved_amount is None
    assert audit_of("contracts.financing_declined").data["reason"] == "现金流不足"
    assert Notification.objects.filter(recipient=supplier_rep).count() == 1


def test_an_application_is_decided_once(signed_contract, supplier_rep, bank_officer):
    application = apply(signed_contract, supplier_rep, bank_officer)
    services.decide_financing(application.pk, actor=bank_officer, approve=True)
    with pytest.raises(FinancingTransitionRefused):
        services.decide_financing(application.pk, actor=bank_officer, approve=False, reason="改主意")


def test_an_officer_of_another_bank_gets_the_404_of_a_missing_application(
    signed_contract, supplier_rep, bank_officer, other_bank_officer
):
    application = apply(signed_contract, supplier_rep, bank_officer)
    with pytest.raises(FinancingNotFound):
        services.decide_financing(application.pk, actor=other_bank_officer, approve=True)
    with pytest.raises(FinancingNotFound):
        services.decide_financing(application.pk + 1000, actor=bank_officer, approve=True)
    with pytest.raises(FinancingNotFound):
        services.decide_financing(application.pk, actor=supplier_rep, approve=True)  # the applicant
    application.refresh_from_db()
    assert application.status == FinancingApplication.Status.SUBMITTED


def test_a_terminated_contract_can_only_be_declined(signed_contract, supplier_rep, bank_officer):
    application = apply(signed_contract, supplier_rep, bank_officer)
    Contract.objects.filter(pk=signed_contract.pk).update(
        status=Contract.Status.TERMINATED, terminated_at=timezone.now()
    )
    with pytest.raises(ContractNotBinding):
        services.decide_financing(application.pk, actor=bank_officer, approve=True)
    services.decide_financing(application.pk, actor=bank_officer, approve=False, reason="合同已解除")


# --- Withdrawing ----------------------------------------------------------------------------------


def test_the_supplier_withdraws_and_the_bank_is_told(signed_contract, supplier_rep, bank_officer):
    application = apply(signed_contract, supplier_rep, bank_officer)
    Notification.objects.all().delete()
    services.withdraw_financing(application.pk, actor=supplier_rep)
    application.refresh_from_db()
    assert application.status == FinancingApplication.Status.WITHDRAWN
    assert audit_of("contracts.financing_withdrawn").object_id == str(application.pk)
    assert Notification.objects.filter(recipient=bank_officer).count() == 1
    with pytest.raises(FinancingTransitionRefused):
        services.withdraw_financing(application.pk, actor=supplier_rep)
    with pytest.raises(FinancingTransitionRefused):
        services.decide_financing(application.pk, actor=bank_officer, approve=True)


def test_the_bank_cannot_withdraw_a_suppliers_application(signed_contract, supplier_rep, bank_officer):
    application = apply(signed_contract, supplier_rep, bank_officer)
    with pytest.raises(FinancingNotFound):
        services.withdraw_financing(application.pk, actor=bank_officer)


# --- The bank reads the signed contract -----------------------------------------------------------


def test_reading_the_signed_contract_is_audited(
    signed_contract, supplier_rep, bank_officer, other_bank_officer
):
    from django.core.files.base import ContentFile

    signed_contract.pdf.save("signed.pdf", ContentFile(b"%PDF-1.7 test"), save=True)
    application = apply(signed_contract, supplier_rep, bank_officer)
    assert services.read_financing_contract(application.pk, actor=bank_officer).pk == signed_contract.pk
    event = audit_of("contracts.financing_contract_read")
    assert event.actor_id == bank_officer.pk and event.data["contract"] == signed_contract.pk
    with pytest.raises(FinancingNotFound):
        services.read_financing_contract(application.pk, actor=other_bank_officer)


def test_the_credit_snapshot_counts_events_still_counting(signed_contract, supplier_rep, bank_officer):
    credit_services.record_event(signed_contract.supplier, "supplier.late_delivery")
    credit_services.record_event(signed_contract.supplier, "supplier.completed_on_time")
    summary = apply(signed_contract, supplier_rep, bank_officer).credit_summary
    assert summary["events"] == 2 and summary["penalties"] == 1
    assert datetime.date.today()  # the snapshot stays as it was, whatever happens later
