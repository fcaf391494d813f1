"""The receipts API: a supplier's own receipts only; the opening record only after opening."""

import pytest

from bidding import services
from tests.bidding.helpers import pass_deadline, prepare_bid, verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def lot(tendering_project):
    return tendering_project.lots.order_by("number").first()


def test_a_supplier_lists_its_own_receipts_and_not_others(client, lot, supplier_factory):
    mine, theirs = supplier_factory().representative, supplier_factory().representative
    own = prepare_bid(lot, mine)
    other = prepare_bid(lot, theirs)
    client.force_login(mine, backend="accounts.backends.MembershipAwareModelBackend")
    listed = client.get("/api/v1/bidding/receipts/").json()
    assert [r["bid"] for r in listed] == [str(own.public_id)]
    assert "price" not in listed[0]
    assert (
        client.get(f"/api/v1/bidding/receipts/{own.public_id}/").json()["audit_sequence"]
        == own.audit_sequence
    )
    assert client.get(f"/api/v1/bidding/receipts/{other.public_id}/").status_code == 404
    from audit.models import AuditEvent

    refused = AuditEvent.objects.filter(action="bidding.sealed_read_refused").latest()
    assert refused.object_id == str(other.pk) and refused.actor_id == mine.pk


def test_the_opening_record_is_public_only_after_opening(client, lot, supplier_factory, officer, approvers):
    for i in range(3):
        prepare_bid(lot, supplier_factory().representative, price=f"{500 + i}.00")
    url = f"/api/v1/bidding/lots/{lot.pk}/opening/"
    assert client.get(url).status_code == 404
    pass_deadline(lot.project)
    services.confirm_opening(lot.pk, actor=verified(officer))
    services.confirm_opening(lot.pk, actor=verified(approvers[0]))
    record = client.get(url).json()
    assert sorted(row["price"] for row in record["bids"]) == ["500.00", "501.00", "502.00"]
    assert record["failed"] is False and len(record["pdf_sha256"]) == 64


def _pdf(name, marker="x"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.bidding.helpers import pdf_bytes

    return SimpleUploadedFile(name, pdf_bytes(marker), content_type="application/pdf")


def test_a_whole_bid_in_one_request_gets_its_receipt(client, lot, supplier_factory):
    from bidding.models import Bid
    from tests.bidding.helpers import lodge_bond

    rep = supplier_factory().representative
    lodge_bond(lot, rep)
    client.force_login(rep, backend="accounts.backends.MembershipAwareModelBackend")
    keys = [item["key"] for item in services.current_document(lot.project).response_documents]
    response = client.post(
        f"/api/v1/bidding/lots/{lot.pk}/bids/", {"price": "123456.78", **{k: _pdf(f"{k}.pdf") for k in keys}}
    )
    assert response.status_code == 201, response.content
    receipt = response.json()
    assert sorted(f["document"] for f in receipt["files"]) == sorted(keys)
    bid = Bid.objects.get(public_id=receipt["bid"])
    assert bid.status == Bid.Status.SUBMITTED and bid.price is None and receipt["audit_sequence"]
    assert b"123456.78" not in bytes(bid.sealed_price)


def test_a_one_request_bid_with_a_disguised_file_is_refused_and_nothing_is_stored(
    client, lot, supplier_factory
):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bidding.models import Bid
    from tests.bidding.helpers import lodge_bond

    rep = supplier_factory().representative
    lodge_bond(lot, rep)
    client.force_login(rep, backend="accounts.backends.MembershipAwareModelBackend")
    keys = [item["key"] for item in services.current_document(lot.project).response_documents]
    files = {k: _pdf(f"{k}.pdf") for k in keys}
    files[keys[0]] = SimpleUploadedFile("a.pdf", b"<html><body>not a pdf</body></html>")
    response = client.post(f"/api/v1/bidding/lots/{lot.pk}/bids/", {"price": "10.00", **files})
    assert response.status_code == 400 and response.json()["code"] == "file_disguised"
    assert not Bid.objects.filter(lot=lot).exists()
