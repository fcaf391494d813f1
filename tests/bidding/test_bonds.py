"""Bid bond services (bidding/bonds.py): every transition allowed and refused with its audit
event, the lot's cap, refund due days in working days, the overdue sweep, and bad input that
changes nothing."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation

from accounts.models import Notification
from audit.models import AuditEvent
from bidding import bonds
from bidding.bond_selectors import BondLotNotFound, BondNotFound
from bidding.models import BOND_TRANSITIONS, Bond, can_transition_bond
from common.uploads import UploadRejected
from procurement.models import Lot, Project, TenderDocument

from .bond_fixtures import AWARD_DAY, AWARD_DUE, CASH, PDF, guarantee, guarantee_pdf, org


def events(action, bond=None):
    qs = AuditEvent.objects.filter(action=action)
    if bond is not None:
        qs = qs.filter(object_type="bidding.bond", object_id=str(bond.pk))
    return qs


def reload(bond):
    return Bond.objects.get(pk=bond.pk)


def set_document_bonds(project, bonds_by_lot):
    TenderDocument.objects.filter(project=project, status=TenderDocument.Status.PUBLISHED).update(
        bonds=bonds_by_lot
    )


# --- The transition table --------------------------------------------------------------------------


def test_the_transition_table_allows_exactly_the_lifecycle():
    allowed = {
        ("required", "lodged"),
        ("lodged", "verified"),
        ("lodged", "required"),
        ("lodged", "refundable"),
        ("verified", "refundable"),
        ("verified", "forfeited"),
        ("refundable", "refunded"),
    }
    for current in Bond.Status.values:
        for target in Bond.Status.values:
            assert can_transition_bond(current, target) == ((current, target) in allowed), (current, target)
    assert set(BOND_TRANSITIONS) == set(Bond.Status.values)


# --- Requiring -------------------------------------------------------------------------------------


def test_a_bond_is_required_with_the_amount_of_the_published_documents(bond_lot, bond_supplier):
    bond = bonds.require_bond(bond_lot, org(bond_supplier))
    assert bond.status == Bond.Status.REQUIRED
    assert bond.amount == Decimal("30000.00")  # the documents' default: 2 % of 1,500,000
    assert bond.cap == Decimal("30000.00")
    (event,) = events("bidding.bond_required", bond)
    assert event.data["amount"] == "30000.00"
    # Asked again, the same row and no second event.
    assert bonds.require_bond(bond_lot, org(bond_supplier)).pk == bond.pk
    assert events("bidding.bond_required").count() == 1


def test_no_bond_when_the_documents_ask_none(tendering_project, bond_lot, bond_supplier):
    set_document_bonds(tendering_project, {"1": "0", "2": "20000.00"})
    assert bonds.require_bond(bond_lot, org(bond_supplier)) is None
    set_document_bonds(tendering_project, {"2": "20000.00"})
    assert bonds.require_bond(bond_lot, org(bond_supplier)) is None
    assert not Bond.objects.exists()


def test_a_bond_above_the_lots_cap_is_refused(tendering_project, bond_lot, bond_supplier):
    set_document_bonds(tendering_project, {"1": "30000.01"})
    with pytest.raises(bonds.BondAboveCap) as error:
        bonds.require_bond(bond_lot, org(bond_supplier))
    assert error.value.status == 400
    with translation.override("en"):
        assert "30,000.00" in str(error.value.message)
    assert not Bond.objects.exists() and not events("bidding.bond_required").exists()


def test_the_database_refuses_an_amount_above_the_cap(bond_lot, bond_supplier):
    with pytest.raises(IntegrityError, match="bond_amount_within_cap"), transaction.atomic():
        Bond.objects.create(
            lot=bond_lot, supplier=org(bond_supplier), amount=Decimal("30000.01"), cap=Decimal("30000.00")
        )


def test_only_a_supplier_organisation_is_required_a_bond(bond_lot, officer):
    with pytest.raises(bonds.NotBondSupplier):
        bonds.require_bond(bond_lot, org(officer))


def test_a_lot_no_longer_open_takes_no_new_bond(bond_lot, bond_supplier):
    Lot.objects.filter(pk=bond_lot.pk).update(status=Lot.Status.CLOSED)
    with pytest.raises(bonds.BondsClosed) as error:
        bonds.require_bond(bond_lot, org(bond_supplier))
    assert error.value.status == 409


# --- Lodging ---------------------------------------------------------------------------------------


def test_a_cash_bond_is_lodged_with_the_paying_account(required_bond, bond_supplier):
    bond = bonds.lodge_bond(required_bond.pk, actor=bond_supplier, **CASH)
    bond = reload(bond)
    assert bond.status == Bond.Status.LODGED and bond.form == "cash_transfer"
    assert bond.payer_account_number == CASH["payer_account_number"] and bond.lodged_at
    (event,) = events("bidding.bond_lodged", bond)
    assert event.data["form"] == "cash_transfer"
    assert CASH["payer_account_number"] not in str(event.data)  # no account numbers in the chain


def test_a_guarantee_is_lodged_with_its_pdf(required_bond, bond_supplier):
    bond = reload(bonds.lodge_bond(required_bond.pk, actor=bond_supplier, **guarantee()))
    assert bond.form == "bank_guarantee" and bond.guarantee_number == "BG-2026-0001"
    assert bond.document.read() == PDF
    assert len(bond.document_sha256) == 64
    assert events("bidding.bond_lodged", bond).get().data["document_sha256"] == bond.document_sha256


def test_a_disguised_guarantee_file_is_refused_and_nothing_changes(required_bond, bond_supplier):
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
    with pytest.raises(UploadRejected) as error:
        bonds.lodge_bond(
            required_bond.pk,
            actor=bond_supplier,
            **guarantee(document=guarantee_pdf("guarantee.pdf", png)),
        )
    assert error.value.code == "file_disguised"
    assert reload(required_bond).status == Bond.Status.REQUIRED
    assert not events("bidding.bond_lodged").exists()


def test_an_image_guarantee_is_refused_a_pdf_is_needed(required_bond, bond_supplier):
    png = bytes.fromhex("89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489")
    with pytest.raises(UploadRejected) as error:
        bonds.lodge_bond(
            required_bond.pk, actor=bond_supplier, **guarantee(document=guarantee_pdf("scan.png", png))
        )
    assert error.value.code == "file_type_not_allowed"


@pytest.mark.parametrize(
    ("fields", "bad"),
    [
        ({"form": "cheque"}, {"form"}),
        ({"form": 7}, {"form"}),
        ({"form": None}, {"form"}),
        ({**CASH, "payer_bank": ""}, {"payer_bank"}),
        (
            {**CASH, "payer_account_name": None, "payer_account_number": "abc"},
            {"payer_account_name", "payer_account_number"},
        ),
        ({**CASH, "payer_account_number": 12345678}, {"payer_account_number"}),
        ({"form": "bank_guarantee", "guarantee_number": "G-1", "guarantor": "中国银行"}, {"document"}),
        (
            {"form": "insurance_guarantee", "document": "not a file"},
            {"guarantee_number", "guarantor", "document"},
        ),
    ],
)
def test_wrong_or_missing_fields_are_refused_by_field_and_nothing_changes(
    required_bond, bond_supplier, fields, bad
):
    with pytest.raises(bonds.BondInvalid) as error:
        bonds.lodge_bond(required_bond.pk, actor=bond_supplier, **fields)
    assert set(error.value.errors) == bad
    assert error.value.status == 400
    assert reload(required_bond).status == Bond.Status.REQUIRED
    assert not events("bidding.bond_lodged").exists()


@pytest.mark.parametrize("forged", [0, -1, 10**20, "abc", None, "1; DROP TABLE", True])
def test_a_forged_bond_id_is_404(bond_supplier, required_bond, forged):
    with pytest.raises(BondNotFound):
        bonds.lodge_bond(forged, actor=bond_supplier, **CASH)


def test_another_suppliers_bond_is_404_and_unchanged(required_bond, other_bond_supplier):
    with pytest.raises(BondNotFound) as error:
        bonds.lodge_bond(required_bond.pk, actor=other_bond_supplier, **CASH)
    assert error.value.status == 404
    assert reload(required_bond).status == Bond.Status.REQUIRED


def test_lodging_twice_is_409(lodged_bond, bond_supplier):
    with pytest.raises(bonds.BondTransitionRefused) as error:
        bonds.lodge_bond(lodged_bond.pk, actor=bond_supplier, **CASH)
    assert error.value.status == 409
    assert events("bidding.bond_lodged").count() == 1


def test_no_lodging_after_the_bid_deadline_by_the_database_clock(
    required_bond, bond_supplier, tendering_project
):
    Project.objects.filter(pk=tendering_project.pk).update(
        bid_deadline=timezone.now() - datetime.timedelta(seconds=1)
    )
    with pytest.raises(bonds.BondsClosed):
        bonds.lodge_bond(required_bond.pk, actor=bond_supplier, **CASH)
    assert reload(required_bond).status == Bond.Status.REQUIRED


def test_the_lot_page_lodges_in_one_step_and_a_refusal_leaves_no_row(bond_lot, bond_supplier):
    with pytest.raises(bonds.BondInvalid):
        bonds.lodge_bond_for_lot(bond_lot.pk, actor=bond_supplier, form="cash_transfer")
    assert not Bond.objects.exists()
    bond = bonds.lodge_bond_for_lot(bond_lot.pk, actor=bond_supplier, **CASH)
    assert bond.status == Bond.Status.LODGED


def test_the_lot_page_is_404_for_other_roles_and_unknown_lots(bond_lot, officer, bond_supplier):
    with pytest.raises(BondLotNotFound):
        bonds.lodge_bond_for_lot(bond_lot.pk, actor=officer, **CASH)
    with pytest.raises(BondLotNotFound):
        bonds.lodge_bond_for_lot(999999, actor=bond_supplier, **CASH)


# --- Verification ----------------------------------------------------------------------------------


def test_the_agency_officer_verifies_a_lodged_bond(lodged_bond, officer):
    bond = reload(bonds.verify_bond(lodged_bond.pk, actor=officer))
    assert bond.status == Bond.Status.VERIFIED and bond.verified_by == officer and bond.verified_at
    assert events("bidding.bond_verified", bond).get().actor_id == officer.pk


@pytest.mark.parametrize(
    "who", ["other_officer", "bond_supplier", "clerk", "regulator", "other_bond_supplier"]
)
def test_only_the_tenders_officer_may_verify_others_get_404(request, lodged_bond, who):
    with pytest.raises(BondNotFound):
        bonds.verify_bond(lodged_bond.pk, actor=request.getfixturevalue(who))
    assert reload(lodged_bond).status == Bond.Status.LODGED
    assert not events("bidding.bond_verified").exists()


def test_verifying_a_bond_not_lodged_is_409(required_bond, verified_bond, officer):
    with pytest.raises(bonds.BondTransitionRefused):
        bonds.verify_bond(verified_bond.pk, actor=officer)  # a double click
    assert events("bidding.bond_verified").count() == 1


def test_the_agency_rejects_a_lodged_bond_with_a_reason_and_the_supplier_is_told(
    lodged_bond, officer, bond_supplier
):
    bond = reload(bonds.reject_bond(lodged_bond.pk, actor=officer, reason="款项未到账"))
    assert bond.status == Bond.Status.REQUIRED and bond.rejection_reason == "款项未到账"
    assert bond.lodged_at is None
    assert events("bidding.bond_rejected", bond).get().data["reason"] == "款项未到账"
    note = Notification.objects.get(recipient=bond_supplier)
    assert "款项未到账" in note.body_zh
    # It may be lodged again, now as a guarantee.
    assert bonds.lodge_bond(bond.pk, actor=bond_supplier, **guarantee()).status == Bond.Status.LODGED
    assert reload(bond).payer_account_number == ""


def test_a_rejection_needs_a_reason_and_a_lodged_bond(lodged_bond, officer):
    with pytest.raises(bonds.ReasonRequired):
        bonds.reject_bond(lodged_bond.pk, actor=officer, reason="  ")
    assert reload(lodged_bond).status == Bond.Status.LODGED
    bonds.verify_bond(lodged_bond.pk, actor=officer)
    with pytest.raises(bonds.BondTransitionRefused):
        bonds.reject_bond(lodged_bond.pk, actor=officer, reason="迟到")
    assert reload(lodged_bond).status == Bond.Status.VERIFIED
    assert not events("bidding.bond_rejected").exists()


# --- Refunds ---------------------------------------------------------------------------------------


def test_the_award_notice_makes_the_losers_bonds_refundable_in_working_days(
    three_bonds, bond_lot, verified_bond, bond_supplier
):
    winner = org(bond_supplier)
    released = bonds.make_refundable(
        bond_lot.pk, winner_supplier_id=winner.pk, event="award_notice", on=AWARD_DAY
    )
    (required_user, required), (_u1, lodged), (_u2, verified) = three_bonds
    assert {bond.pk for bond in released} == {lodged.pk, verified.pk}
    for bond in (lodged, verified):
        bond = reload(bond)
        assert bond.status == Bond.Status.REFUNDABLE
        assert bond.refund_due_on == AWARD_DUE  # across the National Day holiday
        assert bond.refund_reason == "award_notice"
        assert events("bidding.bond_refundable", bond).get().data["refund_due_on"] == "2026-10-13"
    assert reload(required).status == Bond.Status.REQUIRED  # nothing was paid
    assert reload(verified_bond).status == Bond.Status.VERIFIED  # the winner's waits for the contract
    # Repeated (a retried job): nothing more.
    assert (
        bonds.make_refundable(bond_lot.pk, winner_supplier_id=winner.pk, event="award_notice", on=AWARD_DAY)
        == []
    )
    assert events("bidding.bond_refundable").count() == 2


def test_the_contract_signing_makes_the_winners_bond_refundable(verified_bond, bond_lot, bond_supplier):
    signed = datetime.date(2026, 11, 20)  # a Friday: Mon 23 ... Fri 27
    (bond,) = bonds.make_refundable(
        bond_lot.pk, winner_supplier_id=org(bond_supplier).pk, event="contract_signed", on=signed
    )
    assert reload(bond).refund_due_on == datetime.date(2026, 11, 27)
    assert reload(bond).refund_reason == "contract_signed"


def test_refund_days_crossing_into_a_declared_year(verified_bond, bond_lot, bond_supplier, make_member):
    from accounts.models import Role
    from rulebook import calendar
    from rulebook.services import declare_calendar_year

    if not calendar.is_covered(datetime.date(2027, 1, 1)):  # chinesecalendar 1.11 ends with 2026
        declare_calendar_year(
            2027,
            days_off=[datetime.date(2027, 1, 1)],
            working_days=[],
            reason_zh="测试：按周末排定",
            reason_en="Test: weekends only",
            actor=make_member(Role.OPERATOR),
        )
    (bond,) = bonds.make_refundable(
        bond_lot.pk,
        winner_supplier_id=org(bond_supplier).pk,
        event="contract_signed",
        on=datetime.date(2026, 12, 28),
    )
    # 29, 30, 31 December, then 1 January off and a weekend: 4 and 5 January 2027.
    assert reload(bond).refund_due_on == datetime.date(2027, 1, 5)


def test_a_failed_lot_releases_every_bond_held(three_bonds, bond_lot):
    Lot.objects.filter(pk=bond_lot.pk).update(status=Lot.Status.FAILED)
    released = bonds.make_refundable(bond_lot.pk, event="lot_failed", on=AWARD_DAY)
    assert len(released) == 2
    assert reload(three_bonds[0][1]).status == Bond.Status.REQUIRED


def test_a_cancelled_lot_releases_every_bond_held(verified_bond, bond_lot):
    with pytest.raises(bonds.BondTransitionRefused):
        bonds.make_refundable(bond_lot.pk, event="lot_cancelled", on=AWARD_DAY)
    Lot.objects.filter(pk=bond_lot.pk).update(status=Lot.Status.CANCELLED)
    (bond,) = bonds.make_refundable(bond_lot.pk, event="lot_cancelled", on=AWARD_DAY)
    assert reload(bond).status == Bond.Status.REFUNDABLE


def test_make_refundable_refuses_bad_input(verified_bond, bond_lot, other_officer, officer):
    with pytest.raises(bonds.InvalidRefundEvent):
        bonds.make_refundable(bond_lot.pk, event="whenever", on=AWARD_DAY)
    with pytest.raises(bonds.InvalidInput):
        bonds.make_refundable(bond_lot.pk, event="award_notice", on=AWARD_DAY)  # no winner
    with pytest.raises(bonds.InvalidInput):
        bonds.make_refundable(bond_lot.pk, winner_supplier_id=1, event="award_notice", on="2026-09-30")
    with pytest.raises(BondLotNotFound):
        bonds.make_refundable("x", winner_supplier_id=1, event="award_notice", on=AWARD_DAY)
    with pytest.raises(BondLotNotFound):  # another agency's officer
        bonds.make_refundable(
            bond_lot.pk, winner_supplier_id=1, event="award_notice", on=AWARD_DAY, actor=other_officer
        )
    assert reload(verified_bond).status == Bond.Status.VERIFIED
    assert bonds.make_refundable(
        bond_lot.pk, winner_supplier_id=1, event="award_notice", on=AWARD_DAY, actor=officer
    )


@pytest.fixture
def refundable_bond(verified_bond, bond_lot):
    Lot.objects.filter(pk=bond_lot.pk).update(status=Lot.Status.FAILED)
    (bond,) = bonds.make_refundable(bond_lot.pk, event="lot_failed", on=AWARD_DAY)
    return bond


def test_the_agency_records_the_refund(refundable_bond, officer, bond_supplier):
    bond = reload(bonds.record_refund(refundable_bond.pk, actor=officer))
    assert bond.status == Bond.Status.REFUNDED and bond.refunded_at
    assert events("bidding.bond_refunded", bond).get().data["late"] is True  # today is after 13 October
    assert Notification.objects.filter(recipient=bond_supplier).exists()
    with pytest.raises(bonds.BondTransitionRefused):
        bonds.record_refund(bond.pk, actor=officer)
    assert events("bidding.bond_refunded").count() == 1


def test_a_refund_of_a_bond_not_refundable_is_409_and_others_get_404(verified_bond, officer, other_officer):
    with pytest.raises(bonds.BondTransitionRefused):
        bonds.record_refund(verified_bond.pk, actor=officer)
    with pytest.raises(BondNotFound):
        bonds.record_refund(verified_bond.pk, actor=other_officer)
    assert not events("bidding.bond_refunded").exists()


def test_the_agency_forfeits_a_verified_bond_with_a_reason(verified_bond, officer, bond_supplier):
    with pytest.raises(bonds.ReasonRequired):
        bonds.forfeit_bond(verified_bond.pk, actor=officer, reason="")
    bond = reload(bonds.forfeit_bond(verified_bond.pk, actor=officer, reason="中标后无正当理由拒不签订合同"))
    assert bond.status == Bond.Status.FORFEITED and bond.forfeit_reason
    assert events("bidding.bond_forfeited", bond).count() == 1
    with pytest.raises(bonds.BondTransitionRefused):
        bonds.forfeit_bond(bond.pk, actor=officer, reason="again")
    # Forfeited is final: the award notice does not release it.
    assert bonds.make_refundable(bond.lot_id, winner_supplier_id=0, event="award_notice", on=AWARD_DAY) == []
    assert reload(bond).status == Bond.Status.FORFEITED


def test_a_refundable_bond_cannot_be_forfeited(refundable_bond, officer, bond_supplier):
    with pytest.raises(bonds.BondTransitionRefused):
        bonds.forfeit_bond(refundable_bond.pk, actor=officer, reason="迟交")
    with pytest.raises(BondNotFound):
        bonds.forfeit_bond(refundable_bond.pk, actor=bond_supplier, reason="迟交")


# --- The overdue sweep -----------------------------------------------------------------------------


def test_the_sweep_flags_an_overdue_refund_once_and_tells_the_regulator(
    refundable_bond,
    regulator,
    other_regulator,
    bond_supplier,
    monkeypatch,
    django_capture_on_commit_callbacks,
):
    from accounts import tasks

    monkeypatch.setattr(tasks.send_notification_email, "delay", lambda pk: tasks.send_notification_email(pk))
    with django_capture_on_commit_callbacks(execute=True):
        assert bonds.flag_overdue_refunds(on=datetime.date(2026, 10, 13)) == 0  # due that day: not yet late
        assert bonds.flag_overdue_refunds(on=datetime.date(2026, 10, 14)) == 1
    bond = reload(refundable_bond)
    assert bond.overdue_flagged_at is not None
    (event,) = events("bidding.bond_refund_overdue", bond)
    assert event.actor_id is None and event.data["refund_due_on"] == "2026-10-13"
    note = Notification.objects.get(recipient=regulator)
    assert bond.lot.project.reference in note.body_zh and "30,000.00" in note.body_en
    assert not Notification.objects.filter(recipient=other_regulator).exists()
    assert Notification.objects.filter(recipient=bond_supplier).exists()
    assert regulator.email in [address for message in mail.outbox for address in message.to]
    # Swept again: nothing new.
    assert bonds.flag_overdue_refunds(on=datetime.date(2026, 10, 20)) == 0
    assert events("bidding.bond_refund_overdue").count() == 1
    assert Notification.objects.filter(recipient=regulator).count() == 1


def test_the_sweep_ignores_refunded_bonds(refundable_bond, officer):
    bonds.record_refund(refundable_bond.pk, actor=officer)
    assert bonds.flag_overdue_refunds(on=datetime.date(2026, 12, 1)) == 0


def test_the_sweep_task_and_its_beat_entry(settings, refundable_bond):
    from bidding import bond_tasks
    from config.celery import app

    assert "bidding.flag_overdue_refunds" in app.tasks
    entry = settings.CELERY_BEAT_SCHEDULE["bidding-flag-overdue-refunds"]
    assert entry["task"] == "bidding.flag_overdue_refunds"
    assert bond_tasks.flag_overdue_refunds.acks_late
    assert bond_tasks.flag_overdue_refunds() == 1  # today is after 13 October 2026
    assert bond_tasks.flag_overdue_refunds() == 0


def test_every_bond_action_has_a_translated_label():
    from audit.actions import action_label

    with translation.override("zh-hans"):
        for action in (
            "bidding.bond_required",
            "bidding.bond_lodged",
            "bidding.bond_verified",
            "bidding.bond_rejected",
            "bidding.bond_refundable",
            "bidding.bond_refunded",
            "bidding.bond_forfeited",
            "bidding.bond_refund_overdue",
        ):
            assert action_label(action) != action
