"""compute_all over rows built one by one: what the loader reads (opened lots only, outcomes only
once published, the rulebook's minimum period, collusion screens, expert scores) and how the
stored set is replaced (idempotent, withdrawn flags deleted)."""

import datetime
from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from bidding.models import Opening
from disclosure.models import RedFlag
from disclosure.redflags import services, tasks
from disclosure.redflags.selectors import public_flags_for_project
from procurement.models import Lot, Method

from . import builders as b

pytestmark = pytest.mark.django_db


@pytest.fixture
def parties():
    return {
        "purchaser": b.organisation("purchaser", name_zh="嘉兴市红旗测试学校", name_en="Jiaxing Flag School"),
        "agency": b.organisation("agency"),
        "suppliers": [b.organisation("supplier") for _ in range(4)],
    }


def opened(parties, prices, *, method=Method.PUBLIC_TENDER, published="2025-03-03", deadline="2025-03-24"):
    """An opened lot with one bid per price (suppliers in order)."""
    project = b.project(parties["purchaser"], agency=parties["agency"], method=method)
    document = b.tender(project, published=published, deadline=deadline)
    lot = b.lot(project)
    bids = [
        b.bid(lot, supplier, price) for supplier, price in zip(parties["suppliers"], prices, strict=False)
    ]
    b.open_lot(lot)
    return project, document, lot, bids


def flags_of(lot) -> dict[str, RedFlag]:
    return {flag.code: flag for flag in RedFlag.objects.filter(lot=lot)}


def test_sealed_bids_are_never_flagged(parties):
    # One supplier, and two identical prices: R018 and R028 would fire — but nothing is opened.
    project = b.project(parties["purchaser"], agency=parties["agency"])
    b.tender(project, published="2025-03-20", deadline="2025-03-24")  # a short period, too
    sealed = b.lot(project, status=Lot.Status.CLOSED)
    b.bid(sealed, parties["suppliers"][0], "100", opened=False)
    awaiting = b.lot(project, number=2, status=Lot.Status.CLOSED)
    b.bid(awaiting, parties["suppliers"][1], "100", opened=False)
    Opening.objects.create(lot=awaiting, status=Opening.Status.AWAITING_SECOND)
    services.compute_all()
    assert not RedFlag.objects.exists()
    assert public_flags_for_project(project) == {}


def test_single_bid_and_identical_prices_once_opened(parties):
    project, _, single, _ = opened(parties, ["100.00"])
    _, _, twins, _ = opened(parties, ["100.00", "100.00", "120.00"])
    assert services.compute_all() >= 2
    r018 = flags_of(single)["R018"]
    assert r018.level == RedFlag.Level.LOT and r018.value == 1
    assert r018.evidence["bids"][0]["price"] == "100.00"
    r028 = flags_of(twins)["R028"]
    assert r028.value == 2
    assert sorted(bid["supplier"] for bid in r028.evidence["bids"]) == sorted(
        s.pk for s in parties["suppliers"][:2]
    )
    assert [flag.code for flag in public_flags_for_project(project)[single.pk]] == ["R018"]


def test_short_submission_period_against_the_rulebook(parties):
    # Public tender: 14 calendar days (rulebook: 20). Inquiry: Thu 20 to Mon 24 March 2025 is 2
    # working days (rulebook: 3). Consultation with 10 days: lawful.
    _, _, tender_lot, _ = opened(parties, ["100", "110", "120"], published="2025-03-10")
    _, _, inquiry_lot, _ = opened(
        parties, ["100", "110", "120"], method=Method.INQUIRY, published="2025-03-20"
    )
    _, _, fine_lot, _ = opened(
        parties, ["100", "110", "120"], method=Method.COMPETITIVE_CONSULTATION, published="2025-03-14"
    )
    services.compute_all()
    tender = flags_of(tender_lot)["R003"]
    assert (tender.value, tender.threshold) == (Decimal(14), Decimal(20))
    facts = dict(tender.evidence["facts"])
    assert facts["unit"] == "days" and facts["rule"]["key"] == "public_tender.min_days_notice_to_deadline"
    assert facts["rule"]["en"] == "Public tender: fewest days from the tender documents to the bid deadline"
    inquiry = flags_of(inquiry_lot)["R003"]
    assert (inquiry.value, inquiry.threshold) == (Decimal(2), Decimal(3))
    assert dict(inquiry.evidence["facts"])["unit"] == "working_days"
    assert "R003" not in flags_of(fine_lot)


def evaluated(parties, prices, qualified, winner_index, *, published_at):
    project, document, lot, bids = opened(parties, prices)
    evaluation = b.evaluation(lot, document, qualified=dict(zip(bids, qualified, strict=True)))
    b.award(lot, evaluation, bids[winner_index], published_at=published_at)
    return lot, bids


def test_outcomes_count_only_once_the_result_is_published(parties):
    # The lowest bid (100) and the third are disqualified; the 110 bid wins: R035 and R036.
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    lot, _ = evaluated(parties, ["110", "100", "120"], [True, False, False], 0, published_at=tomorrow)
    services.compute_all()
    assert not {"R035", "R036"} & set(flags_of(lot))  # the result notice is scheduled, not public
    lot.project.notices.filter(kind="result").update(
        published_at=timezone.now() - datetime.timedelta(hours=1)
    )
    services.compute_all()
    flags = flags_of(lot)
    assert flags["R035"].value == 2
    assert flags["R036"].value == Decimal("100")
    statuses = {bid["price"]: bid["status"] for bid in flags["R036"].evidence["bids"]}
    assert statuses == {"100.00": "disqualified", "110.00": "valid", "120.00": "disqualified"}


def test_a_winning_bid_received_after_the_deadline(parties):
    project, document, lot, bids = opened(parties, ["100", "110", "120"])
    late = document.bid_deadline + datetime.timedelta(seconds=5)
    type(bids[0]).objects.filter(pk=bids[0].pk).update(received_at=late)
    evaluation = b.evaluation(lot, document, qualified={bid: True for bid in bids})
    b.award(lot, evaluation, bids[0])
    services.compute_all()
    r030 = flags_of(lot)["R030"]
    assert r030.value == 5 and dict(r030.evidence["facts"])["seconds_late"] == 5


def test_collusion_screens_of_the_opening_are_regulator_only(parties):
    project, _, lot, _ = opened(parties, ["100", "110", "120"])
    first, second = parties["suppliers"][:2]
    b.collusion_flag(lot, "same_ip", [first, second], {"value": "10.0.0.9", "suppliers": ["甲", "乙"]})
    services.compute_all()
    flag = flags_of(lot)["C-same_ip"]
    assert flag.value == 2
    assert flag.evidence["groups"][0]["value"] == "10.0.0.9"
    assert {s["id"] for s in flag.evidence["groups"][0]["suppliers"]} == {first.pk, second.pk}
    assert "C-same_ip" not in [f.code for f in public_flags_for_project(project).get(lot.pk, [])]


def test_an_expert_score_far_from_the_other_members(parties):
    project, document, lot, bids = opened(parties, ["100", "110", "120"])
    experts = [b.expert(f"专家{n}", f"Expert {n}") for n in range(1, 6)]
    evaluation = b.evaluation(
        lot, document, qualified={bid: True for bid in bids}, experts=experts, status="signing"
    )
    table = {}
    for position, technical in enumerate([34, 35, 33, 36, 8], start=1):
        table[position] = {(bid, 0): technical for bid in bids[:1]} | {(bid, 1): 15 for bid in bids[:1]}
    b.scores(evaluation, table)
    services.compute_all()
    flag = flags_of(lot)["EXPERT-DEV"]
    rows = flag.evidence["deviations"]
    assert {(row["name_zh"], row["criterion"], row["points"]) for row in rows} >= {("专家5", 0, "8.00")}
    assert rows[0]["reason"] == "我认为该方案不满足要求"
    assert flag.threshold == Decimal(30)
    assert "EXPERT-DEV" not in [f.code for f in public_flags_for_project(project).get(lot.pk, [])]


def test_party_flags_with_configured_thresholds(parties, settings):
    settings.REDFLAG_PARAMETERS = {
        "R038": {"threshold": "0.5", "minimum_parties": 1},
        "R024": {"threshold": "0.05"},
    }
    # Two lots of the purchaser: 2 of 3 bids disqualified in each; the winner's runner-up is 2% above.
    for _ in range(2):
        evaluated(parties, ["100", "102", "130"], [True, False, False], 0, published_at=None)
    services.compute_all()
    buyer = RedFlag.objects.get(code="R038", level=RedFlag.Level.BUYER)
    assert buyer.organisation == parties["purchaser"] and buyer.value == Decimal("0.666667")
    assert (
        RedFlag.objects.filter(code="R038", level=RedFlag.Level.PROCURING_ENTITY).get().organisation
        == parties["agency"]
    )
    # The runner-up (102) was disqualified: R024 compares valid bids only, so none is raised.
    assert not RedFlag.objects.filter(code="R024").exists()


def test_compute_all_is_idempotent_and_withdraws_what_no_longer_holds(parties):
    _, _, single, _ = opened(parties, ["100.00"])
    _, _, twins, bids = opened(parties, ["100.00", "100.00", "120.00"])
    first = services.compute_all()
    before = {(f.pk, f.code, f.lot_id, f.value, f.computed_at) for f in RedFlag.objects.all()}
    assert services.compute_all() == first
    assert {(f.pk, f.code, f.lot_id, f.value, f.computed_at) for f in RedFlag.objects.all()} == before
    # A third identical price changes R028's value; deleting the single bid withdraws R018.
    b.bid(twins, parties["suppliers"][3], "100.00")
    single.bids.all().delete()
    services.compute_all()
    assert "R018" not in flags_of(single)
    assert flags_of(twins)["R028"].value == 3


def test_the_task_recomputes_and_is_in_the_beat_schedule(parties):
    opened(parties, ["100.00"])
    assert tasks.compute_all() == RedFlag.objects.count() >= 1
    entry = next(
        e for e in settings.CELERY_BEAT_SCHEDULE.values() if e["task"] == "disclosure.redflags.compute_all"
    )
    assert entry["options"]["queue"] == "default"
