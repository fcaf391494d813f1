"""contracts.performance.services.record_breach: late delivery, refusal to sign and termination,
each recorded with its evidence (a checked PDF and its SHA-256), published (Notice BREACH), turned
into the supplier's credit event and written to the audit chain; terminations end the contract.
Bad input (no, disguised or oversized evidence, a wrong kind, a milestone that is not late, another
party's contract) changes nothing."""

import datetime
import hashlib

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from accounts.models import Notification
from audit.models import AuditEvent
from common.exceptions import Conflict, InvalidInput, NotFound, PermissionDenied
from contracts.models import Contract, Party, Signature
from contracts.performance import services
from contracts.performance.models import Breach, Milestone
from procurement.models import Notice
from tests.bidding.helpers import pdf_bytes

pytestmark = pytest.mark.django_db


def evidence(marker="evidence", **kwargs):
    return SimpleUploadedFile("evidence.pdf", pdf_bytes(marker, **kwargs), content_type="application/pdf")


def first_milestone(contract):
    return Milestone.objects.filter(contract=contract).order_by("number").first()


def overdue(milestone, days=3):
    Milestone.objects.filter(pk=milestone.pk).update(
        due_date=timezone.localdate() - datetime.timedelta(days=days)
    )


def record(contract, actor, kind, milestone=None, upload=None, description="供应商未按期交付。"):
    return services.record_breach(
        contract.pk,
        actor=actor,
        kind=kind,
        description=description,
        evidence=upload if upload is not None else evidence(),
        milestone_id=milestone.pk if milestone else None,
    )


def test_a_late_delivery_is_recorded_published_and_credited(signed_contract, clerk, supplier_rep):
    milestone = first_milestone(signed_contract)
    overdue(milestone)
    breach = record(signed_contract, clerk, Breach.Kind.LATE_DELIVERY, milestone)
    assert breach.responsible_id == signed_contract.supplier_id and breach.milestone_id == milestone.pk
    assert breach.evidence_sha256 == hashlib.sha256(pdf_bytes("evidence")).hexdigest()
    assert breach.evidence.read() == pdf_bytes("evidence")
    assert breach.notice.kind == Notice.Kind.BREACH
    assert "Late delivery" in breach.notice.body_en and "逾期交付" in breach.notice.body_zh
    assert breach.credit_event.rule.code == "supplier.late_delivery"
    assert breach.credit_event.evidence_id == str(breach.pk)
    event = AuditEvent.objects.get(action="contracts.breach_recorded", object_id=str(breach.pk))
    assert event.data["kind"] == "late_delivery" and event.data["evidence_sha256"] == breach.evidence_sha256
    assert Notification.objects.filter(recipient=supplier_rep, subject_en__contains="Breach").exists()
    signed_contract.refresh_from_db()
    assert signed_contract.status == Contract.Status.IN_PERFORMANCE
    # Once per milestone.
    with pytest.raises(Conflict):
        record(signed_contract, clerk, Breach.Kind.LATE_DELIVERY, milestone)
    assert Breach.objects.count() == 1


def test_a_delivery_reported_late_can_be_recorded_as_a_breach(signed_contract, clerk, supplier_rep):
    milestone = first_milestone(signed_contract)
    overdue(milestone, days=1)
    services.report_delivery(milestone.pk, actor=supplier_rep, note="迟交。")
    breach = record(signed_contract, clerk, Breach.Kind.LATE_DELIVERY, milestone)
    assert breach.kind == Breach.Kind.LATE_DELIVERY


def test_a_milestone_that_is_not_late_is_no_breach(signed_contract, clerk, supplier_rep):
    milestone = first_milestone(signed_contract)
    with pytest.raises(InvalidInput) as error:
        record(signed_contract, clerk, Breach.Kind.LATE_DELIVERY, milestone)
    assert error.value.code == "not_late"
    services.report_delivery(milestone.pk, actor=supplier_rep, note="按时交付。")
    overdue(milestone)  # delivered in time, the due date passed since
    with pytest.raises(InvalidInput):
        record(signed_contract, clerk, Breach.Kind.LATE_DELIVERY, milestone)
    with pytest.raises(InvalidInput) as error:
        services.record_breach(
            signed_contract.pk,
            actor=clerk,
            kind="late_delivery",
            description="x",
            evidence=evidence(),
            milestone_id="abc",
        )
    assert error.value.code == "milestone_required"
    assert not Breach.objects.exists() and not Notice.objects.filter(kind=Notice.Kind.BREACH).exists()


def test_a_refusal_to_sign_terminates_the_draft(draft_contract, clerk, regulator):
    breach = record(draft_contract, clerk, Breach.Kind.REFUSAL_TO_SIGN, description="供应商拒绝签订合同。")
    draft_contract.refresh_from_db()
    assert draft_contract.status == Contract.Status.TERMINATED and draft_contract.terminated_at is not None
    assert draft_contract.termination_reason == "供应商拒绝签订合同。"
    assert breach.credit_event.rule.code == "supplier.refused_to_sign"
    assert "terminated" in breach.notice.body_en
    event = AuditEvent.objects.get(action="contracts.contract_terminated", object_id=str(draft_contract.pk))
    assert event.data["previous"] == "draft" and event.data["kind"] == "refusal_to_sign"
    assert Notification.objects.filter(recipient=regulator, subject_en__contains="Breach").exists()


def test_a_supplier_that_signed_did_not_refuse(draft_contract, clerk, supplier_rep):
    Signature.objects.create(
        contract=draft_contract,
        party=Party.SUPPLIER,
        organisation=draft_contract.supplier,
        signer=supplier_rep,
        signed_at=timezone.now(),
        certificate_serial="9",
        certificate_subject="x",
        pdf_sha256="ef" * 32,
    )
    with pytest.raises(Conflict):
        record(draft_contract, clerk, Breach.Kind.REFUSAL_TO_SIGN)
    draft_contract.refresh_from_db()
    assert draft_contract.status == Contract.Status.DRAFT


def test_a_termination_ends_a_signed_contract(signed_contract, clerk, supplier_rep):
    breach = record(signed_contract, clerk, Breach.Kind.TERMINATION, description="供应商严重违约，合同解除。")
    signed_contract.refresh_from_db()
    assert signed_contract.status == Contract.Status.TERMINATED
    assert signed_contract.termination_reason == "供应商严重违约，合同解除。"
    assert breach.credit_event.rule.code == "supplier.breach_termination"
    assert AuditEvent.objects.filter(
        action="contracts.contract_terminated", object_id=str(signed_contract.pk)
    ).exists()
    # Nothing more is delivered, and no second breach is recorded on a terminated contract.
    with pytest.raises(Conflict):
        services.report_delivery(first_milestone(signed_contract).pk, actor=supplier_rep, note="x")
    with pytest.raises(Conflict):
        record(signed_contract, clerk, Breach.Kind.TERMINATION)


def test_a_draft_is_not_terminated_for_breach_and_a_signed_contract_not_for_refusal(draft_contract, clerk):
    with pytest.raises(Conflict):
        record(draft_contract, clerk, Breach.Kind.TERMINATION)
    with pytest.raises(Conflict):
        record(draft_contract, clerk, Breach.Kind.LATE_DELIVERY, first_milestone(draft_contract))
    draft_contract.refresh_from_db()
    assert draft_contract.status == Contract.Status.DRAFT and not Breach.objects.exists()


def test_a_signed_contract_is_not_terminated_for_refusal_to_sign(signed_contract, clerk):
    with pytest.raises(Conflict):
        record(signed_contract, clerk, Breach.Kind.REFUSAL_TO_SIGN)


@override_settings(UPLOAD_MAX_BYTES=2048)
def test_evidence_is_required_and_checked(signed_contract, clerk):
    cases = (
        ("", "evidence_required"),
        (SimpleUploadedFile("evidence.pdf", b"PK\x03\x04" + b"\x00" * 300), "file_disguised"),
        (SimpleUploadedFile("evidence.docx", pdf_bytes("x")), "file_type_not_allowed"),
        (evidence("big", size=3000), "file_too_large"),
        (b"%PDF-1.4", "file_invalid"),
    )
    for upload, code in cases:
        with pytest.raises(InvalidInput) as error:
            services.record_breach(
                signed_contract.pk, actor=clerk, kind="termination", description="违约。", evidence=upload
            )
        assert error.value.code == code
    signed_contract.refresh_from_db()
    assert signed_contract.status == Contract.Status.IN_PERFORMANCE
    assert (
        not Breach.objects.exists()
        and not AuditEvent.objects.filter(action="contracts.breach_recorded").exists()
    )


def test_wrong_kinds_and_empty_descriptions_are_refused(signed_contract, clerk):
    for kind in ("failed_acceptance", "bad_mood", None, ["termination"]):
        with pytest.raises(InvalidInput):
            record(signed_contract, clerk, kind)
    with pytest.raises(InvalidInput):
        record(signed_contract, clerk, Breach.Kind.TERMINATION, description="  ")
    assert not Breach.objects.exists()


def test_only_purchaser_staff_record_breaches(
    signed_contract, supplier_rep, officer, regulator, foreign_clerk, bidders
):
    for user in (supplier_rep, officer, regulator):
        with pytest.raises(PermissionDenied):
            record(signed_contract, user, Breach.Kind.TERMINATION)
    for user in (foreign_clerk, bidders[2]):
        with pytest.raises(NotFound):
            record(signed_contract, user, Breach.Kind.TERMINATION)
    with pytest.raises(NotFound):
        services.record_breach(
            999999999, actor=foreign_clerk, kind="termination", description="x", evidence=evidence()
        )
    signed_contract.refresh_from_db()
    assert signed_contract.status == Contract.Status.IN_PERFORMANCE and not Breach.objects.exists()
