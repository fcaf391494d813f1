"""Opening: automatically (the sweep, and the real Celery worker running `bidding.open_due_lots`),
a stored segment altered after submission (recorded as a mismatch, shown, the opening completes),
and the collusion flags recorded at opening (same bond account, same IP)."""

import time

import pytest
from django.core.files.storage import default_storage
from django.db import connections

from audit.models import AuditEvent
from bidding import services
from bidding.models import Bid, BidFile, CollusionFlag, Opening
from config.celery import app as celery_app
from procurement.models import Lot, Notice
from tests.bidding.helpers import lodge_bond, pass_deadline, prepare_bid, verified


@pytest.fixture
def lot(tendering_project):
    return tendering_project.lots.order_by("number").first()


@pytest.fixture
def suppliers(supplier_factory):
    return [supplier_factory().representative for _ in range(3)]


def _automatic(project):
    project.tender_documents.filter(status="published").update(opens_automatically=True)


@pytest.mark.django_db
def test_the_sweep_opens_a_lot_whose_documents_open_it_automatically(lot, suppliers):
    _automatic(lot.project)
    for i, supplier in enumerate(suppliers):
        prepare_bid(lot, supplier, price=f"{200 + i}000.00")
    assert services.open_due_lots() == 0  # before the deadline: nothing
    assert not Opening.objects.filter(lot=lot).exists()
    pass_deadline(lot.project)
    assert services.open_due_lots() == 2  # both lots of the project; the second has no bid
    opening = Opening.objects.get(lot=lot)
    assert opening.status == Opening.Status.OPENED and opening.automatic
    assert opening.first_officer_id is None and opening.valid_bids == 3
    assert Bid.objects.filter(lot=lot, status=Bid.Status.OPENED).count() == 3
    assert Notice.objects.filter(project=lot.project, kind=Notice.Kind.OPENING_RECORD).count() == 2
    assert Lot.objects.get(project=lot.project, number=2).status == Lot.Status.FAILED
    event = AuditEvent.objects.get(action="bidding.bids_opened", data__lot=lot.pk)
    assert event.actor_id is None and event.data["automatic"] is True
    assert services.open_due_lots() == 0  # idempotent
    assert AuditEvent.objects.filter(action="bidding.bids_opened").count() == 2


@pytest.mark.django_db
def test_the_sweep_leaves_a_lot_opened_by_officers_alone(lot, suppliers):
    for supplier in suppliers:
        prepare_bid(lot, supplier)
    pass_deadline(lot.project)
    services.open_due_lots()
    assert not Opening.objects.filter(lot=lot, status=Opening.Status.OPENED).exists()
    assert not Bid.objects.filter(lot=lot, status=Bid.Status.OPENED).exists()


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("seeded_transactional_db")
def test_the_real_worker_opens_a_due_lot(celery_worker, tendering_project, supplier_factory):
    lot = tendering_project.lots.order_by("number").first()
    _automatic(tendering_project)
    for i in range(3):
        prepare_bid(lot, supplier_factory().representative, price=f"{300 + i}000.00")
    pass_deadline(tendering_project)
    celery_app.send_task("bidding.open_due_lots")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if Opening.objects.filter(lot=lot, status=Opening.Status.OPENED).exists():
            break
        time.sleep(0.2)
    opening = Opening.objects.get(lot=lot)
    assert opening.status == Opening.Status.OPENED and opening.automatic
    assert sorted(str(p) for p in Bid.objects.filter(lot=lot).values_list("price", flat=True)) == [
        "300000.00",
        "301000.00",
        "302000.00",
    ]
    connections.close_all()


@pytest.mark.django_db
def test_an_altered_segment_is_recorded_as_a_mismatch_and_the_opening_completes(
    lot, suppliers, officer, approvers, login
):
    bids = [prepare_bid(lot, supplier, marker=f"t{i}") for i, supplier in enumerate(suppliers)]
    tampered = BidFile.objects.filter(bid=bids[1], status=BidFile.Status.COMPLETE).order_by("pk").first()
    name = f"{tampered.storage_prefix}/000000.seg"
    with default_storage.open(name, "rb") as handle:
        sealed = bytearray(handle.read())
    sealed[-1] ^= 0x01  # one bit of the stored ciphertext flipped
    default_storage.delete(name)
    default_storage.save(name, __import__("io").BytesIO(bytes(sealed)))
    pass_deadline(lot.project)
    services.confirm_opening(lot.pk, actor=verified(officer))
    opening = services.confirm_opening(lot.pk, actor=verified(approvers[0]))
    assert opening.status == Opening.Status.OPENED and opening.valid_bids == 3
    tampered.refresh_from_db()
    assert tampered.hash_matches is False and tampered.opened_sha256 != tampered.sha256
    others = BidFile.objects.filter(bid__lot=lot, status=BidFile.Status.COMPLETE).exclude(pk=tampered.pk)
    assert set(others.values_list("hash_matches", flat=True)) == {True}
    event = AuditEvent.objects.get(action="bidding.bids_opened", data__lot=lot.pk)
    assert event.data["hash_mismatches"] == [
        {"bid": str(bids[1].public_id), "document": tampered.document_key}
    ]
    assert Lot.objects.get(pk=lot.pk).status == Lot.Status.OPENED
    page = login(officer).get(f"/bidding/lots/{lot.pk}/opening/").content.decode()
    assert page.count("badge text-bg-danger") == 1  # “does not match the receipt”, once


@pytest.mark.django_db
def test_collusion_flags_for_a_shared_bond_account_and_a_shared_ip_are_recorded(
    lot, suppliers, officer, approvers
):
    lodge_bond(lot, suppliers[0], account="6222 0000 9999 0001")
    lodge_bond(lot, suppliers[1], account="6222-0000-9999-0001")
    prepare_bid(lot, suppliers[0], ip="10.7.7.7", price="110000.00")
    prepare_bid(lot, suppliers[1], ip="10.8.8.8", price="130000.00")
    prepare_bid(lot, suppliers[2], ip="10.8.8.8", price="170000.00")
    pass_deadline(lot.project)
    services.confirm_opening(lot.pk, actor=verified(officer))
    services.confirm_opening(lot.pk, actor=verified(approvers[0]))
    orgs = [s.active_membership.organisation_id for s in suppliers]
    flags = {flag.kind: flag for flag in CollusionFlag.objects.filter(lot=lot).prefetch_related("suppliers")}
    assert {s.pk for s in flags["same_bond_account"].suppliers.all()} == {orgs[0], orgs[1]}
    assert {s.pk for s in flags["same_ip"].suppliers.all()} == {orgs[1], orgs[2]}
    kinds = AuditEvent.objects.get(action="bidding.bids_opened", data__lot=lot.pk).data["collusion_flags"]
    assert "same_bond_account" in kinds and "same_ip" in kinds
