"""The sealed-bid flow end to end through the services: prepare, upload, submit with a receipt,
close at the deadline, open with two officers, publish the record."""

import hashlib
from decimal import Decimal

import pytest

from audit.models import AuditEvent
from bidding import services
from bidding.exceptions import LateBid, NotEligibleToBid, OpeningRefused
from bidding.models import Bid, BidFile, Opening
from common.exceptions import InvalidInput
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
    from bidding.models import Bond

    assert set(Bond.objects.filter(lot=lot).values_list("status", flat=True)) == {Bond.Status.REFUNDABLE}


def test_a_blacklisted_supplier_cannot_bid_and_is_told_why(lot, supplier_factory):
    from credit import services as credit_services

    profile = supplier_factory()
    draft = prepare_bid(lot, profile.representative, submit=False)
    credit_services.record_event(profile.organisation, "supplier.false_materials")
    with pytest.raises(NotEligibleToBid) as refused:
        services.submit_bid(draft.public_id, actor=profile.representative, price="10.00")
    assert (
        "false" in str(refused.value).lower()
        or "虚假" in str(refused.value)
        or "blacklist" in str(refused.value).lower()
    )
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


def test_a_large_file_is_sealed_segment_by_segment_and_resumes_after_a_drop(lot, suppliers, settings):
    import io
    import uuid

    settings.BID_UPLOAD_SEGMENT_BYTES = 64 * 1024
    bid = services.start_bid(lot.pk, actor=suppliers[0])
    content = pdf_bytes("big", size=64 * 1024 * 5 + 1234)

    class Dropping(io.BytesIO):
        def __init__(self, data, after):
            super().__init__(data)
            self.after = after

        def read(self, n=-1):
            if self.tell() >= self.after:
                raise OSError("connection reset")
            return super().read(min(n, self.after - self.tell()) if n >= 0 else self.after - self.tell())

    key = uuid.uuid4()
    services.begin_file(
        bid.public_id,
        actor=suppliers[0],
        upload_key=key,
        document_key="technical",
        name="t.pdf",
        size=len(content),
    )
    with pytest.raises(InvalidInput) as dropped:
        services.receive_file_data(
            key, actor=suppliers[0], offset=0, stream=Dropping(content, 64 * 1024 * 3 + 10)
        )
    assert getattr(dropped.value, "code", "") == "upload_incomplete"
    stored = BidFile.objects.get(upload_key=key)
    assert stored.received == 64 * 1024 * 3 and stored.segments == 3
    resume = stored.received - 64 * 1024
    done = services.receive_file_data(
        key, actor=suppliers[0], offset=resume, stream=io.BytesIO(content[resume:])
    )
    assert done.status == BidFile.Status.COMPLETE
    assert done.sha256 == hashlib.sha256(content).hexdigest()


def test_a_resumed_upload_of_a_changed_file_is_refused_and_discarded(lot, suppliers, settings):
    import io
    import uuid

    from bidding.exceptions import UploadConflict

    settings.BID_UPLOAD_SEGMENT_BYTES = 64 * 1024
    bid = services.start_bid(lot.pk, actor=suppliers[0])
    content = pdf_bytes("first", size=64 * 1024 * 3)
    key = uuid.uuid4()
    services.begin_file(
        bid.public_id,
        actor=suppliers[0],
        upload_key=key,
        document_key="technical",
        name="t.pdf",
        size=len(content),
    )
    with pytest.raises(InvalidInput):  # the body ended early: upload_incomplete
        services.receive_file_data(
            key, actor=suppliers[0], offset=0, stream=io.BytesIO(content[: 64 * 1024 * 2])
        )
    changed = content[: 64 * 1024] + b"X" * (64 * 1024) + content[64 * 1024 * 2 :]
    with pytest.raises(UploadConflict):
        services.receive_file_data(
            key, actor=suppliers[0], offset=64 * 1024, stream=io.BytesIO(changed[64 * 1024 :])
        )
    assert BidFile.objects.get(upload_key=key).status == BidFile.Status.DISCARDED


def test_cancelling_a_lot_releases_its_bonds(
    lot, suppliers, officer, monkeypatch, django_capture_on_commit_callbacks
):
    from bidding import tasks
    from bidding.models import Bond
    from procurement import services as procurement_services
    from tests.bidding.helpers import lodge_bond

    lodge_bond(lot, suppliers[0])
    sent = []
    monkeypatch.setattr(
        procurement_services.current_app, "send_task", lambda name, args: sent.append((name, args))
    )
    with django_capture_on_commit_callbacks(execute=True):
        procurement_services.cancel_lot(lot.pk, actor=officer, reason="需求变更")
    assert ("bidding.release_bonds_of_cancelled_lots", [lot.project_id]) in sent
    assert tasks.release_bonds_of_cancelled_lots(lot.project_id) == 1
    bond = Bond.objects.get(lot=lot)
    assert bond.status == Bond.Status.REFUNDABLE and bond.refund_due_on is not None
    assert tasks.release_bonds_of_cancelled_lots(lot.project_id) == 0


def test_the_opening_record_notice_names_the_lot_and_carries_the_pdf(
    client, lot, suppliers, officer, approvers
):
    import hashlib as _hashlib

    for i, supplier in enumerate(suppliers):
        prepare_bid(lot, supplier, price=f"{300 + i}.00")
    pass_deadline(lot.project)
    services.confirm_opening(lot.pk, actor=verified(officer))
    services.confirm_opening(lot.pk, actor=verified(approvers[0]))
    notice = Notice.objects.get(project=lot.project, kind=Notice.Kind.OPENING_RECORD)
    assert f"第{lot.number}包" in notice.title_zh and f"lot {lot.number}" in notice.title_en
    page = client.get(f"/notices/{notice.pk}/")
    assert notice.attachment_sha256 in page.content.decode()
    pdf = client.get(f"/notices/{notice.pk}/attachment/")
    assert pdf.status_code == 200
    assert _hashlib.sha256(b"".join(pdf.streaming_content)).hexdigest() == notice.attachment_sha256
