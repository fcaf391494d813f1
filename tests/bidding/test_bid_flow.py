"""The sealed-bid flow end to end through the services: prepare, upload, submit with a receipt,
close at the deadline, open with two officers, publish the record."""

import hashlib
from decimal import Decimal

import pytest

from audit.models import AuditEvent
from bidding import services
from bidding.exceptions import LateBid, NotEligibleToBid, OpeningRefused
from bidding.models import Bid, BidFile, Opening
from procurement.models import Lot, Notice
from tests.bidding.helpers import pass_deadline, pdf_bytes, prepare_bid, verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def lot(tendering_project):
    return tendering_project.lots.order_by("number").first()


@pytest.fixture
def suppliers(supplier_factory):
    return [supplier_factory().representative for _ in range(3)]


def test_a_submitted_bid_has_a_receipt_with_the_hashes_and_the_audit_sequence(lot, suppliers):
    bid = prepare_bid(lot, suppliers[0], marker="m1")
    assert bid.status == Bid.Status.SUBMITTED
    assert bid.received_at <= lot.project.bid_deadline
    assert bid.draft_key is None and bid.price is None
    files = list(bid.files.filter(status=BidFile.Status.COMPLETE))
    assert {f.sha256 for f in files} == {
        hashlib.sha256(pdf_bytes(f"m1-{f.document_key}")).hexdigest() for f in files
    }
    event = AuditEvent.objects.get(sequence=bid.audit_sequence)
    assert event.action == "bidding.bid_submitted"
    assert event.data["sealed_price_sha256"] == hashlib.sha256(bytes(bid.sealed_price)).hexdigest()


def test_a_second_click_returns_the_same_receipt(lot, suppliers):
    bid = prepare_bid(lot, suppliers[0])
    again = services.submit_bid(bid.public_id, actor=suppliers[0], price="1.00")
    assert again.pk == bid.pk and again.received_at == bid.received_at
    assert Bid.objects.filter(lot=lot, status=Bid.Status.SUBMITTED).count() == 1


def test_a_replacement_withdraws_the_earlier_bid(lot, suppliers):
    first = prepare_bid(lot, suppliers[0], price="100.00")
    second = prepare_bid(lot, suppliers[0], price="90.00")
    first.refresh_from_db()
    assert first.status == Bid.Status.WITHDRAWN and second.replaces_id == first.pk
    assert second.status == Bid.Status.SUBMITTED


def test_a_bid_after_the_deadline_is_refused_and_nothing_changes(lot, suppliers):
    bid = prepare_bid(lot, suppliers[0], submit=False)
    pass_deadline(lot.project)
    with pytest.raises(LateBid):
        services.submit_bid(bid.public_id, actor=suppliers[0], price="100.00")
    bid.refresh_from_db()
    assert bid.status == Bid.Status.DRAFT and bid.sealed_price is None


def test_an_unapproved_supplier_cannot_start_a_bid(lot, supplier_factory):
    pending = supplier_factory(status="pending").representative
    with pytest.raises(NotEligibleToBid):
        services.start_bid(lot.pk, actor=pending)


def test_two_officers_open_the_lot_and_the_record_is_published(lot, suppliers, officer, approvers):
    for i, supplier in enumerate(suppliers):
        prepare_bid(lot, supplier, price=f"{100 + i}000.00", marker=f"s{i}")
    pass_deadline(lot.project)
    first = services.confirm_opening(lot.pk, actor=verified(officer))
    assert first.status == Opening.Status.AWAITING_SECOND
    with pytest.raises(OpeningRefused):
        services.confirm_opening(lot.pk, actor=verified(officer))
    opening = services.confirm_opening(lot.pk, actor=verified(approvers[0]))
    assert opening.status == Opening.Status.OPENED and not opening.failed
    lot.refresh_from_db()
    assert lot.status == Lot.Status.OPENED
    prices = sorted(Bid.objects.filter(lot=lot).values_list("price", flat=True))
    assert prices == [Decimal("100000.00"), Decimal("101000.00"), Decimal("102000.00")]
    assert all(BidFile.objects.filter(bid__lot=lot, status="complete").values_list("hash_matches", flat=True))
    notice = Notice.objects.get(project=lot.project, kind=Notice.Kind.OPENING_RECORD)
    assert "101,000.00" in notice.body_zh or "101000.00" in notice.body_zh
    assert opening.pdf and len(opening.sha256) == 64
    with pytest.raises(OpeningRefused):
        services.confirm_opening(lot.pk, actor=verified(officer))


def test_opening_before_the_deadline_is_refused(lot, suppliers, officer):
    prepare_bid(lot, suppliers[0])
    with pytest.raises(OpeningRefused):
        services.confirm_opening(lot.pk, actor=verified(officer))
    assert not Opening.objects.filter(lot=lot).exists()


def test_too_few_bids_fail_the_lot_with_a_notice(lot, suppliers, officer, approvers):
    prepare_bid(lot, suppliers[0])
    pass_deadline(lot.project)
    services.confirm_opening(lot.pk, actor=verified(officer))
    opening = services.confirm_opening(lot.pk, actor=verified(approvers[0]))
    assert opening.failed
    lot.refresh_from_db()
    assert lot.status == Lot.Status.FAILED
    assert Notice.objects.filter(project=lot.project, kind=Notice.Kind.FAILED).exists()


def test_a_blacklisted_supplier_cannot_bid_and_is_told_why(lot, supplier_factory):
    from credit import services as credit_services

    profile = supplier_factory()
    draft = prepare_bid(lot, profile.representative, submit=False)
    credit_services.record_event(profile.organisation, "supplier.false_materials")
    with pytest.raises(NotEligibleToBid) as refused:
        services.submit_bid(draft.public_id, actor=profile.representative, price="10.00")
    assert "false" in str(refused.value).lower() or "虚假" in str(refused.value) or "blacklist" in str(
        refused.value
    ).lower()
    draft.refresh_from_db()
    assert draft.status == Bid.Status.DRAFT


def test_a_supplier_without_the_required_licence_cannot_bid(lot, supplier_factory):
    lot.project.tender_documents.filter(status="published").update(
        required_qualifications=["medical_device_trading"]
    )
    without = supplier_factory().representative
    with pytest.raises(NotEligibleToBid):
        services.start_bid(lot.pk, actor=without)
    holder = supplier_factory(qualifications=["medical_device_trading"]).representative
    assert services.start_bid(lot.pk, actor=holder).status == Bid.Status.DRAFT


def test_agency_staff_cannot_bid(lot, officer):
    with pytest.raises(NotEligibleToBid):
        services.start_bid(lot.pk, actor=officer)
