"""Publishing releases from the other apps' rows, through their services: a tender published, bids
sealed, one lot opened. Nothing of a bid before its opening record is public; a scheduled notice
waits for its time; a new notice is published on commit; a release is never changed."""

import datetime
import json

import pytest
from django.db import DatabaseError, transaction
from django.utils import timezone

from bidding.models import Bid
from config.celery import app as celery_app
from disclosure.models import Release
from disclosure.ocds import publishing, selectors
from procurement import services as procurement_services
from procurement.models import Lot, Notice
from tests.bidding.helpers import prepare_bid
from tests.procurement.conftest import *  # noqa: F401,F403 - the tendering project's fixtures

pytestmark = pytest.mark.django_db


def lot_texts(lot) -> list[str]:
    return list(Release.objects.filter(lot=lot).order_by("date", "id").values_list("data", flat=True))


def releases_of(lot) -> list[dict]:
    return [json.loads(text) for text in lot_texts(lot)]


@pytest.fixture
def two_lots(request, tendering_project, supplier_factory):
    """The tendering project's two lots: lot 2 holds a sealed bid of 90,000.00 (never opened here),
    then lot 1 is opened with three bids (tests/evaluation_fixtures.py: opened_lot)."""
    second = tendering_project.lots.get(number=2)
    sealed_by = supplier_factory().representative
    prepare_bid(second, sealed_by, price="90000.00", marker="sealed")
    before = publishing.publish_pending()
    first = request.getfixturevalue("opened_lot")
    second.refresh_from_db()
    return first, second, sealed_by.active_membership.organisation, before


def test_nothing_of_a_bid_appears_before_its_lot_is_opened(two_lots):
    first, second, sealed_supplier, before = two_lots
    assert before == 4  # the intention and the tender notice, once per lot, every bid sealed
    assert publishing.publish_pending() == 1  # lot 1's opening record
    tags = [r["tag"] for r in releases_of(first)]
    assert tags == [["planning"], ["tender"], ["tenderUpdate"]]
    opening = releases_of(first)[-1]
    prices = sorted(b["value"]["amount"] for b in opening["bids"]["details"])
    assert prices == [200000, 210000, 220000]
    assert {b["status"] for b in opening["bids"]["details"]} == {"pending"}
    assert [r["tag"] for r in releases_of(second)] == [["planning"], ["tender"]]
    sealed = Bid.objects.get(lot=second)
    assert sealed.status == Bid.Status.SUBMITTED
    for text in lot_texts(second) + lot_texts(first):
        assert "90000" not in text and str(sealed.public_id) not in text
        assert sealed_supplier.uscc not in text and sealed_supplier.name_zh not in text
    assert selectors.opened_bids(second).count() == 0


def test_a_scheduled_notice_is_published_only_when_it_is_out(tendering_project):
    assert publishing.publish_pending() == 4
    tender = Notice.objects.get(project=tendering_project, kind=Notice.Kind.TENDER)
    scheduled = Notice.objects.create(
        project=tendering_project,
        kind=Notice.Kind.CORRECTION,
        title_zh="更正公告（定时）",
        title_en="Correction notice (scheduled)",
        body_zh="定时发布。",
        body_en="Scheduled.",
        region_code=tender.region_code,
        category=tender.category,
        method=tender.method,
        published_at=timezone.now() + datetime.timedelta(hours=2),
        corrects=tender,
    )
    assert publishing.publish_pending() == 0
    assert publishing.publish_notice(scheduled.pk) == 0
    Notice.objects.filter(pk=scheduled.pk).update(published_at=timezone.now() - datetime.timedelta(seconds=1))
    assert publishing.sweep() == 2
    amended = Release.objects.filter(notice=scheduled)
    assert sorted(amended.values_list("lot__number", flat=True)) == [1, 2]
    assert {tuple(tags) for tags in amended.values_list("tags", flat=True)} == {("tenderAmendment",)}


def test_a_new_notice_is_published_when_its_transaction_commits(
    tendering_project, officer, django_capture_on_commit_callbacks, monkeypatch
):
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)  # the task runs where it is queued
    with django_capture_on_commit_callbacks(execute=True):
        notice = procurement_services.publish_clarification(
            tendering_project.pk, actor=officer, body_zh="交货地点为嘉兴市第一中学。"
        )
    rows = Release.objects.filter(notice=notice)
    assert rows.count() == 2
    release = json.loads(rows.first().data)
    assert release["tag"] == ["tenderAmendment"]
    assert release["tender"]["documents"][0]["documentType"] == "clarifications"


def test_a_cancelled_lot_gets_its_cancellation_and_the_other_lot_does_not(tendering_project, officer):
    publishing.publish_pending()
    second = tendering_project.lots.get(number=2)
    procurement_services.cancel_lot(second.pk, actor=officer, reason="需求取消")
    assert publishing.publish_pending() == 1
    release = releases_of(second)[-1]
    assert release["tag"] == ["tenderCancellation"]
    assert release["tender"]["status"] == "cancelled"
    assert release["tender"]["documents"][0]["description"] == "需求取消"
    assert [r["tag"] for r in releases_of(tendering_project.lots.get(number=1))] == [["planning"], ["tender"]]
    # A clarification after the cancellation concerns the lot still open only.
    notice = procurement_services.publish_clarification(tendering_project.pk, actor=officer, body_zh="澄清。")
    publishing.publish_notice(notice.pk)
    assert list(Release.objects.filter(notice=notice).values_list("lot__number", flat=True)) == [1]


def test_a_release_is_never_changed(tendering_project):
    publishing.publish_pending()
    release = Release.objects.first()
    with pytest.raises(DatabaseError), transaction.atomic():
        Release.objects.filter(pk=release.pk).update(data="{}")
    assert publishing.publish_pending() == 0
    release.refresh_from_db()
    assert json.loads(release.data)["id"] == release.release_id


def test_ocids_for_project_lists_the_lots_with_releases(tendering_project, django_assert_num_queries):
    publishing.publish_pending()
    Lot.objects.create(
        project=tendering_project,
        number=3,
        title_zh="备用",
        budget="1000.00",
        quantity_and_specification="—",
        delivery_place="—",
        delivery_period="—",
    )
    with django_assert_num_queries(1):
        found = selectors.ocids_for_project(tendering_project)
    reference = tendering_project.reference
    assert [(lot.number, ocid) for lot, ocid in found] == [
        (1, f"ocds-sunl1t-{reference}-1"),
        (2, f"ocds-sunl1t-{reference}-2"),
    ]
