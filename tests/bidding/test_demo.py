"""bidding/demo.py: load_demo lodges the Jiaxing bonds and seals jx_supplier's bid, and opens the
Yuxi soil-testing lot with three bids and two officers, through the services; loading again adds
nothing."""

import pytest
from django.core.management import call_command

from audit.models import AuditEvent
from bidding import demo
from bidding.models import Bid, BidFile, Bond, Opening
from procurement.models import Lot, Notice, Project
from tests.demo_once import declare_next_year, demo_once

pytestmark = pytest.mark.django_db

# The whole demo, loaded once for the module; each test runs in a savepoint over it
# (tests/demo_once.py). The tests that must not see the demo rows come first.
demo_rows = demo_once(before=declare_next_year)


@pytest.fixture
def loaded(demo_rows, db, settings):
    settings.MEDIA_ROOT = demo_rows  # the demo's files


def _counts():
    return (
        Bond.objects.count(),
        Bid.objects.count(),
        BidFile.objects.count(),
        Opening.objects.count(),
        Notice.objects.count(),
        AuditEvent.objects.exclude(action__startswith="credit.").count(),
    )


def test_the_demo_documents_are_pdfs_with_their_authoring_software():
    content = demo.pdf_document("Bid letter", "Yuxi (Demo) Co.", "Liu Yang", "WPS Office 2023")
    assert content.startswith(b"%PDF-1.4") and content.rstrip().endswith(b"%%EOF")
    assert b"/Producer (WPS Office 2023)" in content and b"Yuxi \\(Demo\\) Co." in content


def test_nothing_is_bid_without_the_demo_accounts():
    assert demo.load() == []
    assert not Bid.objects.exists() and not Bond.objects.exists()


def test_the_jiaxing_bonds_are_lodged_one_verified_and_jx_supplier_holds_a_sealed_bid(loaded):
    project = Project.objects.get(title_zh=demo.JIAXING_PROJECT)
    lot = project.lots.get(number=1)
    assert lot.status == Lot.Status.OPEN_FOR_BIDS
    statuses = dict(
        Bond.objects.filter(lot=lot).values_list("supplier__memberships__user__username", "status")
    )
    assert statuses == {"jx_supplier": Bond.Status.VERIFIED, "jx_supplier2": Bond.Status.LODGED}
    assert set(Bond.objects.filter(lot=lot).values_list("form", flat=True)) == {Bond.Form.CASH_TRANSFER}
    bid = Bid.objects.get(lot=lot)
    assert bid.supplier.memberships.filter(user__username="jx_supplier").exists()
    assert bid.status == Bid.Status.SUBMITTED and bid.price is None and bid.sealed_price
    assert bid.received_at < project.bid_deadline and bid.audit_sequence and len(bid.receipt_sha256) == 64
    files = list(bid.files.filter(status=BidFile.Status.COMPLETE))
    assert sorted(f.document_key for f in files) == ["bid_letter", "commercial", "qualification", "technical"]
    assert all(len(f.sha256) == 64 and f.size > 0 for f in files)
    assert not Opening.objects.filter(lot__project=project).exists()


def test_the_yuxi_lot_is_opened_by_two_officers_with_three_bids_and_its_record_is_public(loaded):
    project = Project.objects.get(title_zh=demo.YUXI_PROJECT)
    lot1, lot2 = project.lots.order_by("number")
    # Lot 1 is then taken on to its award by bidding/evaluation_demo.py (test_evaluation_demo.py)
    # and to contracting by contracts/demo.py (tests/contracts/test_demo.py).
    assert (lot1.status, lot2.status) == (Lot.Status.CONTRACTING, Lot.Status.FAILED)
    opening = Opening.objects.get(lot=lot1)
    assert opening.status == Opening.Status.OPENED and not opening.failed and opening.valid_bids == 3
    assert (opening.first_officer.username, opening.second_officer.username) == ("yx_agency", "yx_approver")
    assert opening.opened_at >= project.bid_deadline and opening.pdf and len(opening.sha256) == 64
    prices = dict(Bid.objects.filter(lot=lot1).values_list("supplier__memberships__user__username", "price"))
    assert {name: str(price) for name, price in prices.items()} == dict(demo.YUXI_BIDS)
    assert set(Bid.objects.filter(lot=lot1).values_list("status", flat=True)) == {Bid.Status.OPENED}
    assert all(
        BidFile.objects.filter(bid__lot=lot1, status="complete").values_list("hash_matches", flat=True)
    )
    assert all(Bond.objects.filter(lot=lot1).values_list("verified_at", flat=True))
    record = project.notices.get(kind=Notice.Kind.OPENING_RECORD, body_zh__contains="798")
    assert "776" in record.body_zh and record.published_at
    assert Opening.objects.get(lot=lot2).failed
    assert project.notices.filter(kind=Notice.Kind.FAILED).exists()
    assert project.status == Project.Status.TENDERING  # the project moves on per lot


def test_loading_again_changes_nothing(loaded):
    counts = _counts()
    assert demo.load() == []
    call_command("load_demo")
    assert _counts() == counts
