"""contracts.performance.services: delivery, acceptance (published, with its report PDF), payment
applications and their decisions and payments, the late-SME-payment sweep, final acceptance with
the performance bond's release, and closing. Each transition asserts the change and its audit
event; the bad input of issue 7 (a payment application above the unpaid accepted amount, accepting
a milestone twice, disguised or oversized inspection reports, another party's objects, wrong
types) changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import override_settings
from django.utils import timezone

from accounts.models import Notification
from audit.models import AuditEvent
from common.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from contracts.models import Contract
from contracts.performance import services, tasks
from contracts.performance.models import Acceptance, Breach, Milestone, PaymentApplication
from credit.models import CreditEvent
from procurement.models import Notice
from tests.bidding.helpers import pdf_bytes

pytestmark = pytest.mark.django_db

TEAM = [{"name": "张明", "role": "验收组长"}, {"name": "李华", "role": "技术人员"}]
CHECKS = [
    {"category": "technical", "requirement": "配置与合同一致", "passed": True, "remark": ""},
    {"category": "service", "requirement": "安装调试与培训", "passed": True, "remark": "已培训"},
    {"category": "safety", "requirement": "电气安全", "passed": True, "remark": ""},
]


def events(action, target=None):
    queryset = AuditEvent.objects.filter(action=action)
    if target is not None:
        queryset = queryset.filter(object_id=str(target.pk))
    return queryset


def credit_events(rule):
    return CreditEvent.objects.filter(rule__code=rule)


def milestones(contract):
    return list(Milestone.objects.filter(contract=contract).order_by("number"))


def deliver(milestone, rep, note="已按合同交付全部货物。"):
    return services.report_delivery(milestone.pk, actor=rep, note=note)


def accept(milestone, clerk, outcome=Acceptance.Outcome.PASSED, **kwargs):
    kwargs.setdefault("team", TEAM)
    kwargs.setdefault("checks", CHECKS)
    return services.record_acceptance(milestone.pk, actor=clerk, outcome=outcome, **kwargs)


def deliver_and_accept(milestone, rep, clerk, **kwargs):
    deliver(milestone, rep)
    return accept(milestone, clerk, **kwargs)


def apply(contract, milestone, rep, amount, invoice="INV-1"):
    return services.apply_for_payment(
        contract.pk, actor=rep, milestone_id=milestone.pk, amount=amount, invoice_number=invoice
    )


def pay(application, clerk, amount=None, on=None):
    services.approve_payment(application.pk, actor=clerk)
    return services.record_payment(
        application.pk,
        actor=clerk,
        paid_amount=amount if amount is not None else application.amount,
        paid_on=on or timezone.localdate(),
        reference="BANK-001",
    )


# --- Delivery ------------------------------------------------------------------------------------


def test_the_supplier_reports_a_delivery_and_the_purchaser_is_told(signed_contract, supplier_rep, clerk):
    first = milestones(signed_contract)[0]
    deliver(first, supplier_rep)
    first.refresh_from_db()
    assert first.status == Milestone.Status.DELIVERED
    assert first.delivered_at is not None and not first.delivered_late
    assert first.delivery_note == "已按合同交付全部货物。"
    event = events("contracts.delivery_reported", first).get()
    assert event.data["late"] is False and event.data["contract"] == signed_contract.pk
    assert Notification.objects.filter(
        recipient=clerk, link__endswith=f"/milestones/{first.pk}/acceptance/"
    ).exists()


def test_a_delivery_after_the_due_date_is_marked_late(signed_contract, supplier_rep):
    first = milestones(signed_contract)[0]
    Milestone.objects.filter(pk=first.pk).update(due_date=timezone.localdate() - datetime.timedelta(days=1))
    deliver(first, supplier_rep)
    first.refresh_from_db()
    assert first.delivered_late
    assert events("contracts.delivery_reported", first).get().data["late"] is True


def test_only_the_supplier_reports_delivery(signed_contract, purchaser_clerk):
    first = milestones(signed_contract)[0]
    with pytest.raises(PermissionDenied):
        deliver(first, purchaser_clerk)
    first.refresh_from_db()
    assert first.status == Milestone.Status.PENDING


def test_another_supplier_gets_404_for_a_milestone(signed_contract, bidders):
    first = milestones(signed_contract)[0]
    with pytest.raises(NotFound):
        deliver(first, bidders[2])
    with pytest.raises(NotFound):
        services.report_delivery(999999999, actor=bidders[2], note="x")
    with pytest.raises(NotFound):
        services.report_delivery("abc", actor=bidders[2], note="x")


def test_a_delivery_needs_a_note(signed_contract, supplier_rep):
    first = milestones(signed_contract)[0]
    with pytest.raises(InvalidInput):
        deliver(first, supplier_rep, note="  ")
    with pytest.raises(InvalidInput):
        deliver(first, supplier_rep, note=["not", "text"])
    first.refresh_from_db()
    assert first.status == Milestone.Status.PENDING


def test_a_draft_contract_takes_no_delivery(draft_contract, supplier_rep):
    with pytest.raises(Conflict):
        deliver(milestones(draft_contract)[0], supplier_rep)


def test_a_milestone_is_delivered_once(signed_contract, supplier_rep):
    first = milestones(signed_contract)[0]
    deliver(first, supplier_rep)
    with pytest.raises(Conflict):
        deliver(first, supplier_rep)
    assert events("contracts.delivery_reported", first).count() == 1


# --- Acceptance ----------------------------------------------------------------------------------


def test_a_passed_acceptance_accepts_the_milestone_and_is_published(signed_contract, supplier_rep, clerk):
    first = milestones(signed_contract)[0]
    acceptance = deliver_and_accept(first, supplier_rep, clerk)
    first.refresh_from_db()
    assert first.status == Milestone.Status.ACCEPTED and first.accepted_at is not None
    notice = acceptance.notice
    assert notice.kind == Notice.Kind.ACCEPTANCE and f"第{signed_contract.lot.number}包" in notice.title_zh
    assert notice.attachment.read().startswith(b"%PDF")
    assert len(notice.attachment_sha256) == 64
    assert "张明" in notice.body_zh and "Passed" in notice.body_en and "验收合格" in notice.body_zh
    event = events("contracts.acceptance_recorded", acceptance).get()
    assert event.data["outcome"] == "passed" and event.data["report_sha256"] == notice.attachment_sha256
    assert Notification.objects.filter(recipient=supplier_rep, subject_en__contains="Acceptance").exists()
    signed_contract.refresh_from_db()
    assert signed_contract.status == Contract.Status.IN_PERFORMANCE  # the second milestone is pending


def test_accepting_a_milestone_twice_is_a_conflict(signed_contract, supplier_rep, clerk):
    first = milestones(signed_contract)[0]
    deliver_and_accept(first, supplier_rep, clerk)
    with pytest.raises(Conflict) as error:
        accept(first, clerk)
    assert error.value.code == "already_accepted"
    assert Acceptance.objects.filter(milestone=first).count() == 1
    assert events("contracts.acceptance_recorded").count() == 1


def test_the_database_refuses_a_second_passing_acceptance(signed_contract, supplier_rep, clerk):
    first = milestones(signed_contract)[0]
    acceptance = deliver_and_accept(first, supplier_rep, clerk)
    with pytest.raises(IntegrityError), transaction.atomic():
        Acceptance.objects.create(
            milestone=first,
            outcome="passed_with_remarks",
            team=TEAM,
            checks=CHECKS,
            recorded_by=clerk,
            recorded_at=timezone.now(),
            remarks="x",
        )
    assert acceptance.pk


def test_a_failed_acceptance_sends_the_milestone_back_and_records_a_breach(
    signed_contract, supplier_rep, clerk
):
    first = milestones(signed_contract)[0]
    deliver(first, supplier_rep)
    checks = [*CHECKS[:2], {**CHECKS[2], "passed": False, "remark": "漏电保护缺失"}]
    acceptance = accept(
        first, clerk, outcome=Acceptance.Outcome.FAILED, checks=checks, reasons="电气安全不合格。"
    )
    first.refresh_from_db()
    assert first.status == Milestone.Status.PENDING and first.accepted_at is None
    breach = Breach.objects.get(contract=signed_contract)
    assert breach.kind == Breach.Kind.FAILED_ACCEPTANCE and breach.milestone_id == first.pk
    assert breach.responsible_id == signed_contract.supplier_id
    assert breach.evidence_sha256 == acceptance.notice.attachment_sha256
    assert breach.notice.kind == Notice.Kind.BREACH
    assert breach.credit_event.rule.code == "supplier.failed_acceptance"
    assert events("contracts.breach_recorded", breach).get().data["acceptance"] == acceptance.pk
    # The supplier delivers again, and this time it passes.
    deliver(first, supplier_rep)
    again = accept(first, clerk)
    assert again.outcome == Acceptance.Outcome.PASSED
    assert Acceptance.objects.filter(milestone=first).count() == 2


BAD_ACCEPTANCES = [
    ({"team": TEAM[:1]}, "team_too_small"),
    ({"team": [{"name": "张明"}, {"name": "李华", "role": "x"}]}, "invalid_acceptance"),
    ({"team": "张明, 李华"}, "invalid_acceptance"),
    ({"checks": CHECKS[:2]}, "checks_missing_category"),
    ({"checks": [{**CHECKS[0], "passed": "yes"}, *CHECKS[1:]]}, "invalid_acceptance"),
    ({"checks": [{**CHECKS[0], "category": "beauty"}, *CHECKS[1:]]}, "invalid_acceptance"),
    ({"checks": {"technical": True}}, "invalid_acceptance"),
    ({"outcome": "great"}, "invalid_acceptance"),
    ({"outcome": "passed_with_remarks"}, "remarks_required"),
    ({"outcome": "failed"}, "reason_required"),
    ({"checks": [{**CHECKS[0], "passed": False}, *CHECKS[1:]]}, "outcome_contradicts_checks"),
]


def test_bad_acceptance_reports_change_nothing(signed_contract, supplier_rep, clerk):
    first = milestones(signed_contract)[0]
    deliver(first, supplier_rep)
    for changes, code in BAD_ACCEPTANCES:
        kwargs = {"outcome": "passed", "team": TEAM, "checks": CHECKS, **changes}
        with pytest.raises(InvalidInput) as error:
            services.record_acceptance(first.pk, actor=clerk, **kwargs)
        assert error.value.code == code, changes
    first.refresh_from_db()
    assert first.status == Milestone.Status.DELIVERED
    assert not Acceptance.objects.exists() and not Notice.objects.filter(kind=Notice.Kind.ACCEPTANCE).exists()


def test_an_undelivered_milestone_cannot_be_accepted(signed_contract, clerk):
    with pytest.raises(Conflict):
        accept(milestones(signed_contract)[0], clerk)


def test_only_purchaser_staff_accept(signed_contract, supplier_rep, officer, regulator, foreign_clerk):
    first = milestones(signed_contract)[0]
    deliver(first, supplier_rep)
    for user in (supplier_rep, officer, regulator):
        with pytest.raises(PermissionDenied):
            accept(first, user)
    with pytest.raises(NotFound):
        accept(first, foreign_clerk)
    assert not Acceptance.objects.exists()


def test_an_inspection_report_is_kept_with_its_hash(signed_contract, supplier_rep, clerk):
    first = milestones(signed_contract)[0]
    deliver(first, supplier_rep)
    content = pdf_bytes("inspection")
    report = SimpleUploadedFile("inspection.pdf", content, content_type="application/pdf")
    acceptance = accept(first, clerk, inspection_report=report)
    import hashlib

    assert acceptance.inspection_sha256 == hashlib.sha256(content).hexdigest()
    assert acceptance.inspection_report.read() == content
    assert acceptance.inspection_sha256 in acceptance.notice.body_en


@override_settings(UPLOAD_MAX_BYTES=2048)
def test_disguised_or_oversized_inspection_reports_are_refused(signed_contract, supplier_rep, clerk):
    first = milestones(signed_contract)[0]
    deliver(first, supplier_rep)
    for upload, code in (
        (SimpleUploadedFile("inspection.pdf", b"MZ\x90\x00" + b"\x00" * 300), "file_disguised"),
        (SimpleUploadedFile("inspection.exe", pdf_bytes("x")), "file_type_not_allowed"),
        (SimpleUploadedFile("inspection.pdf", pdf_bytes("big", size=3000)), "file_too_large"),
        (SimpleUploadedFile("inspection.pdf", b""), "file_empty"),
        ("inspection.pdf", "file_invalid"),
    ):
        with pytest.raises(InvalidInput) as error:
            accept(first, clerk, inspection_report=upload)
        assert error.value.code == code
    first.refresh_from_db()
    assert first.status == Milestone.Status.DELIVERED and not Acceptance.objects.exists()


# --- Final acceptance and the performance bond --------------------------------------------------


def test_the_last_acceptance_accepts_the_contract_and_releases_the_bond(signed_contract, supplier_rep, clerk):
    Contract.objects.filter(pk=signed_contract.pk).update(
        performance_bond_percent=Decimal("5"), performance_bond_amount=Decimal("1000.00")
    )
    first, second = milestones(signed_contract)
    deliver_and_accept(first, supplier_rep, clerk)
    assert not events("contracts.contract_accepted").exists()
    deliver_and_accept(second, supplier_rep, clerk)
    signed_contract.refresh_from_db()
    assert signed_contract.status == Contract.Status.ACCEPTED and signed_contract.accepted_at is not None
    assert signed_contract.performance_bond_released_at is not None
    assert events("contracts.contract_accepted", signed_contract).count() == 1
    assert events("contracts.performance_bond_released", signed_contract).get().data["amount"] == "1000.00"
    assert Notification.objects.filter(
        recipient=supplier_rep, subject_en__contains="Performance bond"
    ).exists()
    positive = credit_events("supplier.acceptance_without_remarks").get()
    assert positive.evidence_id == str(signed_contract.pk)


def test_remarks_or_a_late_delivery_earn_no_positive_event(signed_contract, supplier_rep, clerk):
    first, second = milestones(signed_contract)
    deliver_and_accept(first, supplier_rep, clerk, outcome="passed_with_remarks", remarks="包装轻微破损。")
    deliver_and_accept(second, supplier_rep, clerk)
    signed_contract.refresh_from_db()
    assert signed_contract.status == Contract.Status.ACCEPTED
    assert signed_contract.performance_bond_released_at is None  # no bond was asked for
    assert not events("contracts.performance_bond_released").exists()
    assert not credit_events("supplier.acceptance_without_remarks").exists()


def test_the_last_milestone_waits_for_the_contract_notice(contracting_lot, purchaser_clerk, supplier_rep):
    from tests.contracts.fixtures import make_contract

    contract = make_contract(
        contracting_lot,
        status=Contract.Status.SIGNED,
        milestones=((100, 10),),
        clerk=purchaser_clerk,
        rep=supplier_rep,
    )
    (only,) = milestones(contract)
    deliver(only, supplier_rep)
    with pytest.raises(Conflict):
        accept(only, purchaser_clerk)
    only.refresh_from_db()
    assert only.status == Milestone.Status.DELIVERED


# --- Payment -------------------------------------------------------------------------------------


@pytest.fixture
def accepted_first(signed_contract, supplier_rep, clerk):
    first = milestones(signed_contract)[0]
    deliver_and_accept(first, supplier_rep, clerk)
    first.refresh_from_db()
    return first


def test_the_supplier_applies_for_payment_with_a_day_to_pay(
    signed_contract, accepted_first, supplier_rep, clerk
):
    application = apply(signed_contract, accepted_first, supplier_rep, accepted_first.amount)
    assert application.status == PaymentApplication.Status.SUBMITTED
    assert application.pay_by == timezone.localdate(accepted_first.accepted_at) + datetime.timedelta(days=30)
    event = events("contracts.payment_applied", application).get()
    assert event.data["amount"] == str(accepted_first.amount)
    assert Notification.objects.filter(recipient=clerk, subject_en__contains="Payment application").exists()


def test_no_day_to_pay_for_a_supplier_that_is_not_an_sme(signed_contract, accepted_first, supplier_rep):
    Contract.objects.filter(pk=signed_contract.pk).update(supplier_is_sme=False)
    assert apply(signed_contract, accepted_first, supplier_rep, "100.00").pay_by is None


def test_the_rulebook_days_apply_when_the_contract_names_none(signed_contract, accepted_first, supplier_rep):
    from rulebook.selectors import rule_int

    Contract.objects.filter(pk=signed_contract.pk).update(sme_payment_days=None)
    days = rule_int("payment.sme_days", on=timezone.localdate())
    application = apply(signed_contract, accepted_first, supplier_rep, "100.00")
    assert application.pay_by == timezone.localdate(accepted_first.accepted_at) + datetime.timedelta(
        days=days
    )


def test_a_payment_application_above_the_unpaid_accepted_amount_is_refused(
    signed_contract, accepted_first, supplier_rep
):
    apply(signed_contract, accepted_first, supplier_rep, accepted_first.amount - Decimal("100.00"))
    with pytest.raises(InvalidInput) as error:
        apply(signed_contract, accepted_first, supplier_rep, "100.01", invoice="INV-2")
    assert error.value.code == "payment_above_available"
    assert "100.00" in str(error.value.message)
    assert PaymentApplication.objects.count() == 1
    # Exactly what is left is fine; then nothing is left (a double click cannot apply twice).
    apply(signed_contract, accepted_first, supplier_rep, "100.00", invoice="INV-2")
    with pytest.raises(InvalidInput):
        apply(signed_contract, accepted_first, supplier_rep, "100.00", invoice="INV-2")
    assert PaymentApplication.objects.count() == 2


def test_a_rejected_application_frees_its_amount(signed_contract, accepted_first, supplier_rep, clerk):
    application = apply(signed_contract, accepted_first, supplier_rep, accepted_first.amount)
    services.reject_payment(application.pk, actor=clerk, reason="发票抬头有误。")
    application.refresh_from_db()
    assert application.status == PaymentApplication.Status.REJECTED
    assert application.rejection_reason == "发票抬头有误。" and application.decided_by == clerk
    assert events("contracts.payment_rejected", application).get().data["reason"] == "发票抬头有误。"
    assert Notification.objects.filter(recipient=supplier_rep, subject_en__contains="rejected").exists()
    apply(signed_contract, accepted_first, supplier_rep, accepted_first.amount, invoice="INV-2")


def test_a_rejection_needs_a_reason(signed_contract, accepted_first, supplier_rep, clerk):
    application = apply(signed_contract, accepted_first, supplier_rep, "100.00")
    with pytest.raises(InvalidInput):
        services.reject_payment(application.pk, actor=clerk, reason=" ")
    application.refresh_from_db()
    assert application.status == PaymentApplication.Status.SUBMITTED


def test_payment_against_a_milestone_not_accepted_is_refused(signed_contract, supplier_rep):
    second = milestones(signed_contract)[1]
    with pytest.raises(Conflict):
        apply(signed_contract, second, supplier_rep, "100.00")


def test_wrong_amounts_and_a_missing_invoice_are_refused(signed_contract, accepted_first, supplier_rep):
    for amount in ("0", "-5", "abc", None, "1.001", "NaN", "Infinity", ["100"], 10**20):
        with pytest.raises(InvalidInput):
            apply(signed_contract, accepted_first, supplier_rep, amount)
    with pytest.raises(InvalidInput):
        apply(signed_contract, accepted_first, supplier_rep, "100.00", invoice="")
    assert not PaymentApplication.objects.exists()


def test_only_the_supplier_applies_and_others_get_404(signed_contract, accepted_first, clerk, bidders):
    with pytest.raises(PermissionDenied):
        apply(signed_contract, accepted_first, clerk, "100.00")
    with pytest.raises(NotFound):
        apply(signed_contract, accepted_first, bidders[2], "100.00")
    assert not PaymentApplication.objects.exists()


def test_a_milestone_of_another_contract_is_not_found(
    signed_contract, accepted_first, supplier_rep, contracting_lot
):
    from tests.contracts.fixtures import make_contract

    # Another (terminated) contract of the same lot: one live contract per lot.
    Contract.objects.filter(pk=signed_contract.pk).update(status=Contract.Status.TERMINATED)
    other = make_contract(contracting_lot)
    Contract.objects.filter(pk=other.pk).update(status=Contract.Status.TERMINATED)
    Contract.objects.filter(pk=signed_contract.pk).update(status=Contract.Status.IN_PERFORMANCE)
    with pytest.raises(NotFound):
        apply(signed_contract, milestones(other)[0], supplier_rep, "100.00")


def test_approve_and_record_a_payment(signed_contract, accepted_first, supplier_rep, clerk):
    application = apply(signed_contract, accepted_first, supplier_rep, accepted_first.amount)
    services.approve_payment(application.pk, actor=clerk)
    application.refresh_from_db()
    assert application.status == PaymentApplication.Status.APPROVED and application.decided_at is not None
    assert events("contracts.payment_approved", application).exists()
    services.record_payment(
        application.pk,
        actor=clerk,
        paid_amount=application.amount,
        paid_on=timezone.localdate(),
        reference="B-7",
    )
    application.refresh_from_db()
    assert application.status == PaymentApplication.Status.PAID and application.payment_reference == "B-7"
    event = events("contracts.payment_recorded", application).get()
    assert event.data["late"] is False
    assert not credit_events("purchaser.late_sme_payment").exists()
    signed_contract.refresh_from_db()
    assert signed_contract.status == Contract.Status.IN_PERFORMANCE


def test_a_payment_is_recorded_only_once_approved(signed_contract, accepted_first, supplier_rep, clerk):
    application = apply(signed_contract, accepted_first, supplier_rep, "100.00")
    with pytest.raises(Conflict):
        services.record_payment(
            application.pk, actor=clerk, paid_amount="100.00", paid_on=timezone.localdate(), reference="B"
        )
    services.approve_payment(application.pk, actor=clerk)
    with pytest.raises(Conflict):
        services.approve_payment(application.pk, actor=clerk)


def test_bad_payment_records_change_nothing(signed_contract, accepted_first, supplier_rep, clerk):
    application = apply(signed_contract, accepted_first, supplier_rep, "100.00")
    services.approve_payment(application.pk, actor=clerk)
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    for changes in (
        {"paid_amount": "100.01"},
        {"paid_amount": "0"},
        {"paid_on": "yesterday"},
        {"paid_on": 20240101},
        {"paid_on": tomorrow},
        {"reference": ""},
    ):
        values = {
            "paid_amount": "100.00",
            "paid_on": timezone.localdate().isoformat(),
            "reference": "B",
            **changes,
        }
        with pytest.raises(InvalidInput):
            services.record_payment(application.pk, actor=clerk, **values)
    application.refresh_from_db()
    assert application.status == PaymentApplication.Status.APPROVED


def test_the_supplier_cannot_decide_its_own_application(
    signed_contract, accepted_first, supplier_rep, foreign_clerk
):
    application = apply(signed_contract, accepted_first, supplier_rep, "100.00")
    with pytest.raises(PermissionDenied):
        services.approve_payment(application.pk, actor=supplier_rep)
    with pytest.raises(NotFound):
        services.approve_payment(application.pk, actor=foreign_clerk)
    with pytest.raises(NotFound):
        services.approve_payment("nope", actor=foreign_clerk)


def test_a_late_sme_payment_is_a_credit_event_once(signed_contract, accepted_first, supplier_rep, clerk):
    application = apply(signed_contract, accepted_first, supplier_rep, "100.00")
    PaymentApplication.objects.filter(pk=application.pk).update(
        pay_by=timezone.localdate() - datetime.timedelta(days=3)
    )
    pay(application, clerk)
    application.refresh_from_db()
    assert application.late_flagged_at is not None
    assert events("contracts.payment_recorded", application).get().data["late"] is True
    event = credit_events("purchaser.late_sme_payment").get()
    assert event.evidence_id == str(application.pk)


# --- The sweep -----------------------------------------------------------------------------------


def test_the_sweep_flags_late_sme_payments_once(
    signed_contract, accepted_first, supplier_rep, clerk, regulator
):
    late = apply(signed_contract, accepted_first, supplier_rep, "100.00", invoice="LATE")
    on_time = apply(signed_contract, accepted_first, supplier_rep, "100.00", invoice="OK")
    PaymentApplication.objects.filter(pk=late.pk).update(
        pay_by=timezone.localdate() - datetime.timedelta(days=1)
    )
    assert tasks.flag_late_sme_payments.run() == 1
    late.refresh_from_db()
    on_time.refresh_from_db()
    assert late.late_flagged_at is not None and on_time.late_flagged_at is None
    event = events("contracts.late_sme_payment_flagged", late).get()
    assert event.actor_label in ("", "system") or event.actor_id is None
    assert credit_events("purchaser.late_sme_payment").count() == 1
    assert Notification.objects.filter(recipient=regulator, subject_en__contains="overdue").exists()
    assert Notification.objects.filter(recipient=clerk, subject_en__contains="overdue").exists()
    # Idempotent: again, nothing; and paying late afterwards is not a second event.
    assert services.flag_late_sme_payments() == 0
    pay(late, clerk)
    assert credit_events("purchaser.late_sme_payment").count() == 1
    assert events("contracts.late_sme_payment_flagged").count() == 1


def test_the_sweep_leaves_paid_and_non_sme_applications(signed_contract, accepted_first, supplier_rep, clerk):
    paid = apply(signed_contract, accepted_first, supplier_rep, "100.00")
    pay(paid, clerk)
    PaymentApplication.objects.filter(pk=paid.pk).update(
        pay_by=timezone.localdate() - datetime.timedelta(days=5)
    )
    assert services.flag_late_sme_payments() == 0
    assert services.flag_late_sme_payments(on=timezone.localdate() + datetime.timedelta(days=400)) == 0


# --- Closing -------------------------------------------------------------------------------------


def test_a_fully_paid_accepted_contract_is_closed(signed_contract, supplier_rep, clerk):
    first, second = milestones(signed_contract)
    deliver_and_accept(first, supplier_rep, clerk)
    deliver_and_accept(second, supplier_rep, clerk)
    a = apply(signed_contract, first, supplier_rep, first.amount, invoice="A")
    b = apply(signed_contract, second, supplier_rep, second.amount, invoice="B")
    pay(a, clerk)
    signed_contract.refresh_from_db()
    assert signed_contract.status == Contract.Status.ACCEPTED
    # Paid less than applied: the rest can be applied for again.
    pay(b, clerk, amount=second.amount - Decimal("10.00"))
    signed_contract.refresh_from_db()
    assert signed_contract.status == Contract.Status.ACCEPTED
    c = apply(signed_contract, second, supplier_rep, "10.00", invoice="C")
    pay(c, clerk)
    signed_contract.refresh_from_db()
    assert signed_contract.status == Contract.Status.CLOSED and signed_contract.closed_at is not None
    assert events("contracts.contract_closed", signed_contract).count() == 1
    assert credit_events("supplier.completed_on_time").get().evidence_id == str(signed_contract.pk)
    with pytest.raises(Conflict):
        apply(signed_contract, second, supplier_rep, "1.00")
