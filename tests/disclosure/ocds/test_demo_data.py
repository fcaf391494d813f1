"""The whole demo data set as OCDS: every public notice becomes its releases once, every release and
every compiled record validates with libcoveocds (the project's copy of the 1.1.5 schema, nothing
downloaded) with zero errors, and the demo's sealed bid (the Jiaxing lot, open for bids) shows
nowhere. One test: the demo takes half a minute to load."""

import json

import pytest
from django.core.management import call_command
from django.utils import timezone

from bidding.models import Bid
from disclosure.models import Release
from disclosure.ocds import packages, publishing, releases, validation
from procurement.models import Notice
from tests.procurement.conftest import declared_next_year  # noqa: F401 - a fixture

pytestmark = pytest.mark.django_db

POLICY = "http://testserver/api/ocds/"


def test_the_demo_data_is_published_as_valid_ocds_without_any_sealed_bid(declared_next_year):  # noqa: F811
    call_command("load_demo")
    publishing.publish_pending()  # the demo loader may have published already: idempotent
    assert publishing.publish_pending() == 0

    rows = list(Release.objects.order_by("date", "id"))
    public = Notice.objects.filter(published_at__lte=timezone.now(), kind__in=releases.RELEASE_KINDS)
    published = {row.notice_id for row in rows}
    assert set(public.values_list("pk", flat=True)) <= published
    assert not Release.objects.filter(notice__published_at__gt=timezone.now()).exists()
    kinds = set(Notice.objects.filter(pk__in=published).values_list("kind", flat=True))
    assert {"intention", "tender", "opening_record", "failed", "result", "contract", "acceptance"} <= kinds
    for row in rows:
        if row.notice_id is not None:
            assert row.date == row.notice.published_at

    data = [json.loads(row.data) for row in rows]
    meta = packages.metadata(uri="http://testserver/api/ocds/releases/", published=None, policy=POLICY)
    release_package = meta | {"releases": data}
    assert validation.errors(release_package) == []
    assert not validation.review(release_package)["additional_checks"]

    records = []
    for ocid in sorted({row.ocid for row in rows}):
        lot_rows = [(r.release_id, r.date, r.tags, r.data) for r in rows if r.ocid == ocid]
        records.append(
            packages.record(ocid, lot_rows, lambda rid: f"http://testserver/api/ocds/releases/{rid}/")
        )
    assert validation.errors(packages.record_package(meta, records)) == []
    assert all(record["compiledRelease"]["ocid"] == record["ocid"] for record in records)

    # The demo's sealed bid: its lot is public (intention, tender notice) but nothing of the bid is.
    sealed = list(Bid.objects.filter(status=Bid.Status.SUBMITTED).select_related("supplier", "lot"))
    assert sealed
    for bid in sealed:
        texts = [row.data for row in rows if row.lot_id == bid.lot_id]
        assert texts  # the lot's tender is published
        for text in texts:
            assert '"bids"' not in text and '"tenderers"' not in text
            assert bid.supplier.uscc not in text and bid.supplier.name_zh not in text
            assert str(bid.public_id) not in text
    opened = Bid.objects.filter(status=Bid.Status.OPENED).select_related("supplier").first()
    assert any(str(opened.public_id) in row.data for row in rows if row.lot_id == opened.lot_id)
