"""Supplier services against the real database: each change with its audit event; refusals change
nothing (no rows, no files)."""

import datetime
from pathlib import Path

import pytest
from django.utils import timezone

from accounts.models import Membership, Notification, Organisation, Role, User
from audit.models import AuditEvent
from credit.models import CreditRecord
from suppliers import services
from suppliers.exceptions import (
    CommentRequired,
    DuplicateUscc,
    InvalidRegistration,
    InvalidTransition,
    NotEditable,
    NotReviewer,
    NotSupplierRepresentative,
    SupplierNotFound,
)
from suppliers.models import PROFILE_TRANSITIONS, Qualification, SupplierProfile

from .conftest import pdf_upload, registration, valid_uscc

Status = SupplierProfile.Status


def _files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _nothing_written(settings):
    assert not Organisation.objects.filter(kind=Organisation.Kind.SUPPLIER).exists()
    assert not User.objects.filter(username__startswith="newsupplier").exists()
    assert not SupplierProfile.objects.exists()
    assert not AuditEvent.objects.filter(action="suppliers.registered").exists()
    assert _files(settings) == []


# --- Registration ----------------------------------------------------------------------------------


def test_registration_creates_the_supplier_its_representative_and_a_pending_profile(db):
    profile = services.register_supplier(**registration())
    organisation = profile.organisation
    assert organisation.kind == Organisation.Kind.SUPPLIER and organisation.uscc == valid_uscc(1)
    assert profile.status == Status.PENDING and profile.is_small_or_micro
    user = User.objects.get(username="newsupplier1")
    assert user.check_password("Sunlight-test-2026!")
    membership = Membership.objects.get(user=user)
    assert membership.role == Role.SUPPLIER_REPRESENTATIVE and membership.organisation == organisation
    assert user.active_membership == membership
    qualification = profile.qualifications.get()
    assert qualification.kind == "quality_management" and len(qualification.sha256) == 64
    assert len(profile.commitment_letter_sha256) == 64 and profile.commitment_letter.name.endswith(".pdf")
    event = AuditEvent.objects.get(action="suppliers.registered")
    assert event.object_id == str(profile.pk) and event.organisation_id == organisation.pk
    assert event.actor_id == user.pk


def test_a_lower_case_uscc_with_spaces_is_normalised(db):
    code = valid_uscc(2)
    profile = services.register_supplier(**registration(uscc=" " + code.lower()[:9] + " " + code.lower()[9:]))
    assert profile.organisation.uscc == code


@pytest.mark.parametrize("bad", ["91330400MA0000001X", "123", "", None, 12345])
def test_an_invalid_uscc_is_refused_with_nothing_written(db, settings, bad):
    with pytest.raises(InvalidRegistration) as raised:
        services.register_supplier(**registration(uscc=bad))
    assert "uscc" in raised.value.errors
    _nothing_written(settings)


def test_a_duplicate_uscc_is_refused(db, settings):
    services.register_supplier(**registration())
    with pytest.raises(DuplicateUscc):
        services.register_supplier(**registration(serial=1, username="other", email="other@example.cn"))
    assert SupplierProfile.objects.count() == 1 and not User.objects.filter(username="other").exists()


def test_a_disguised_file_is_refused_with_nothing_written(db, settings):
    page = pdf_upload("letter.pdf", b"<!DOCTYPE html><html><body>not a pdf</body></html>")
    with pytest.raises(InvalidRegistration) as raised:
        services.register_supplier(**registration(commitment_letter=page))
    assert "commitment_letter" in raised.value.errors
    assert "text/html" in str(raised.value.errors["commitment_letter"][0])
    _nothing_written(settings)


def test_an_oversized_file_is_refused(db, settings):
    settings.UPLOAD_MAX_BYTES = 50
    with pytest.raises(InvalidRegistration) as raised:
        services.register_supplier(**registration())
    assert "commitment_letter" in raised.value.errors
    _nothing_written(settings)


def test_a_disguised_qualification_scan_is_refused(db, settings):
    data = registration()
    data["qualifications"][0]["document"] = pdf_upload("iso.pdf", b"MZ\x90\x00" + b"\x00" * 200)
    with pytest.raises(InvalidRegistration) as raised:
        services.register_supplier(**data)
    assert "qualifications.0.document" in raised.value.errors
    _nothing_written(settings)


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"registered_capital": "lots"}, "registered_capital"),
        ({"registered_capital": "-1"}, "registered_capital"),
        ({"enterprise_size": "huge"}, "enterprise_size"),
        ({"categories": "goods"}, "categories"),
        ({"categories": ["sweets"]}, "categories"),
        ({"regions": ["33"]}, "regions"),
        ({"contact_email": "not-an-address"}, "contact_email"),
        ({"legal_representative": 42}, "legal_representative"),
        ({"region_code": "zj"}, "region_code"),
        ({"password": "123"}, "password"),
        ({"qualifications": "iso"}, "qualifications"),
        ({"sme_declaration": None}, "sme_declaration"),  # small: the declaration is required
    ],
)
def test_wrong_types_and_values_are_refused_by_field(db, settings, overrides, field):
    with pytest.raises(InvalidRegistration) as raised:
        services.register_supplier(**registration(**overrides))
    assert field in raised.value.errors
    _nothing_written(settings)


def test_missing_fields_are_named(db, settings):
    data = registration()
    del data["legal_representative"], data["bank_account_number"]
    with pytest.raises(InvalidRegistration) as raised:
        services.register_supplier(**data)
    assert {"legal_representative", "bank_account_number"} <= set(raised.value.errors)
    _nothing_written(settings)


def test_a_qualification_expiring_before_its_issue_is_refused(db, settings):
    data = registration()
    data["qualifications"][0]["expires_on"] = data["qualifications"][0]["issued_on"]
    with pytest.raises(InvalidRegistration) as raised:
        services.register_supplier(**data)
    assert "qualifications.0.expires_on" in raised.value.errors


def test_a_taken_username_is_refused(db, make_member):
    make_member(Role.PURCHASER_CLERK, user=User.objects.create(username="newsupplier1", email="x@example.cn"))
    with pytest.raises(InvalidRegistration) as raised:
        services.register_supplier(**registration())
    assert "username" in raised.value.errors


def test_a_large_enterprise_needs_no_sme_declaration_and_a_prison_enterprise_is_small(db):
    large = services.register_supplier(**registration(enterprise_size="large", sme_declaration=None))
    assert not large.is_small_or_micro and not large.sme_declaration
    prison = services.register_supplier(
        **registration(2, enterprise_size="large", special_status="prison_enterprise")
    )
    assert prison.is_small_or_micro


# --- Review -----------------------------------------------------------------------------------------

REVIEWS = {
    Status.APPROVED: lambda pk, actor: services.approve_supplier(pk, actor=actor),
    Status.CHANGES_REQUESTED: lambda pk, actor: services.request_changes(pk, actor=actor, comment="补充资质"),
    Status.REJECTED: lambda pk, actor: services.reject_supplier(pk, actor=actor, comment="信息不实"),
    Status.SUSPENDED: lambda pk, actor: services.suspend_supplier(pk, actor=actor, reason="涉嫌围标"),
}
ACTIONS = {
    Status.APPROVED: "suppliers.approved",
    Status.CHANGES_REQUESTED: "suppliers.changes_requested",
    Status.REJECTED: "suppliers.rejected",
    Status.SUSPENDED: "suppliers.suspended",
}


@pytest.mark.parametrize("start", list(Status))
@pytest.mark.parametrize("target", list(REVIEWS))
def test_every_review_transition_is_allowed_or_refused_by_the_table(
    supplier_factory, operator, start, target
):
    profile = supplier_factory(status=start)
    allowed = target in PROFILE_TRANSITIONS[start]
    if not allowed:
        with pytest.raises(InvalidTransition):
            REVIEWS[target](profile.pk, operator)
        profile.refresh_from_db()
        assert profile.status == start
        assert not AuditEvent.objects.filter(action__startswith="suppliers.").exists()
        return
    REVIEWS[target](profile.pk, operator)
    profile.refresh_from_db()
    assert profile.status == target and profile.reviewed_by == operator
    action = (
        "suppliers.reinstated" if start == Status.SUSPENDED and target == Status.APPROVED else ACTIONS[target]
    )
    if start == Status.SUSPENDED:
        return  # reinstating is its own service
    event = AuditEvent.objects.get(action=action)
    assert event.object_id == str(profile.pk) and event.data["to"] == target
    assert Notification.objects.filter(recipient=profile.representative).exists()


def test_reinstating_a_suspended_supplier(supplier_factory, regulator):
    profile = supplier_factory(status=Status.SUSPENDED)
    services.reinstate_supplier(profile.pk, actor=regulator)
    profile.refresh_from_db()
    assert profile.status == Status.APPROVED
    assert AuditEvent.objects.filter(action="suppliers.reinstated", object_id=str(profile.pk)).exists()
    with pytest.raises(InvalidTransition):
        services.reinstate_supplier(profile.pk, actor=regulator)


def test_approval_gives_the_supplier_a_credit_record(supplier_factory, regulator):
    profile = supplier_factory(status=Status.PENDING)
    services.approve_supplier(profile.pk, actor=regulator)
    assert CreditRecord.objects.filter(organisation=profile.organisation).exists()


def test_a_regulator_elsewhere_gets_404_and_the_supplier_itself_403(supplier_factory, other_regulator):
    profile = supplier_factory(status=Status.PENDING)
    with pytest.raises(SupplierNotFound):
        services.approve_supplier(profile.pk, actor=other_regulator)
    with pytest.raises(NotReviewer):
        services.approve_supplier(profile.pk, actor=profile.representative)
    with pytest.raises(SupplierNotFound):
        services.approve_supplier(999999, actor=other_regulator)
    profile.refresh_from_db()
    assert profile.status == Status.PENDING
    assert not AuditEvent.objects.filter(action="suppliers.approved").exists()


def test_another_supplier_cannot_review_or_see_a_registration(supplier_factory):
    profile = supplier_factory(status=Status.PENDING)
    other = supplier_factory(status=Status.APPROVED)
    with pytest.raises(SupplierNotFound):
        services.approve_supplier(profile.pk, actor=other.representative)


@pytest.mark.parametrize("comment", ["", "   ", None])
def test_refusals_and_suspensions_need_a_comment(supplier_factory, operator, comment):
    profile = supplier_factory(status=Status.PENDING)
    with pytest.raises(CommentRequired):
        services.reject_supplier(profile.pk, actor=operator, comment=comment)
    with pytest.raises(CommentRequired):
        services.request_changes(profile.pk, actor=operator, comment=comment)
    profile.refresh_from_db()
    assert profile.status == Status.PENDING


# --- The supplier's own changes ---------------------------------------------------------------------


def test_changes_requested_then_corrected_goes_back_to_review(supplier_factory, operator):
    profile = supplier_factory(status=Status.PENDING)
    services.request_changes(profile.pk, actor=operator, comment="请上传新的承诺书")
    services.update_registration(
        profile.pk,
        actor=profile.representative,
        address="浙江省嘉兴市新地址 9 号",
        commitment_letter=pdf_upload("new.pdf"),
    )
    profile.refresh_from_db()
    assert profile.status == Status.PENDING and profile.address == "浙江省嘉兴市新地址 9 号"
    event = AuditEvent.objects.get(action="suppliers.registration_resubmitted")
    assert event.data["changes"]["address"]["new"] == "浙江省嘉兴市新地址 9 号"
    assert "commitment_letter_sha256" in event.data["changes"]


def test_an_approved_registration_cannot_be_edited(approved_supplier):
    with pytest.raises(NotEditable):
        services.update_registration(
            approved_supplier.pk, actor=approved_supplier.representative, address="x"
        )


def test_another_supplier_cannot_edit_a_registration(supplier_factory):
    profile = supplier_factory(status=Status.PENDING)
    other = supplier_factory(status=Status.PENDING)
    with pytest.raises(SupplierNotFound):
        services.update_registration(profile.pk, actor=other.representative, address="x")


def test_a_bad_update_changes_nothing(supplier_factory):
    profile = supplier_factory(status=Status.CHANGES_REQUESTED)
    with pytest.raises(InvalidRegistration):
        services.update_registration(
            profile.pk, actor=profile.representative, address="新地址", registered_capital="many"
        )
    profile.refresh_from_db()
    assert profile.status == Status.CHANGES_REQUESTED and profile.address != "新地址"


def test_adding_a_qualification(approved_supplier):
    today = timezone.localdate()
    qualification = services.add_qualification(
        approved_supplier.pk,
        actor=approved_supplier.representative,
        kind="work_safety",
        number="(浙)JZ安许证字[2024]000001",
        issued_on=today - datetime.timedelta(days=10),
        expires_on=today + datetime.timedelta(days=1000),
        document=pdf_upload("safety.pdf"),
    )
    assert qualification.status == Qualification.Status.VALID
    assert AuditEvent.objects.filter(action="suppliers.qualification_added").count() == 1


def test_a_reviewer_cannot_add_a_qualification(approved_supplier, operator):
    with pytest.raises(NotSupplierRepresentative):
        services.add_qualification(
            approved_supplier.pk,
            actor=operator,
            kind="work_safety",
            number="1",
            issued_on="2024-01-01",
            expires_on="2030-01-01",
            document=pdf_upload(),
        )


def test_a_qualification_of_an_unknown_kind_is_refused(approved_supplier):
    with pytest.raises(InvalidRegistration) as raised:
        services.add_qualification(
            approved_supplier.pk,
            actor=approved_supplier.representative,
            kind="magic",
            number="1",
            issued_on="2024-01-01",
            expires_on="not a date",
            document=pdf_upload(),
        )
    assert {"kind", "expires_on"} <= set(raised.value.errors)
    assert approved_supplier.qualifications.count() == 0
