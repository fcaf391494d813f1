"""Each indicator over hand-built facts: a lot (or party) where it fires and one where it does not.
Pure functions, no database: disclosure.redflags.compute."""

import datetime
import itertools
from decimal import Decimal

from disclosure.redflags import compute
from disclosure.redflags.compute import BidFact, EvaluationFact, LotFact, Party, ScoreFact
from disclosure.redflags.indicators import COLLUSION_PREFIX, INDICATORS

D = Decimal
TZ = datetime.timezone(datetime.timedelta(hours=8))
DEADLINE = datetime.datetime(2025, 3, 24, 9, 30, tzinfo=TZ)
_ids = itertools.count(1000)

BUYER = Party(1, "采购人甲", "Buyer A")
OTHER_BUYER = Party(2, "采购人乙", "Buyer B")
AGENCY = Party(3, "代理机构", "Agency")
SUPPLIERS = {n: Party(100 + n, f"供应商{n}", f"Supplier {n}") for n in range(1, 12)}


def bid(supplier: int, price, *, disqualified=None, late=False) -> BidFact:
    received = DEADLINE + datetime.timedelta(seconds=90) if late else DEADLINE - datetime.timedelta(days=1)
    return BidFact(next(_ids), SUPPLIERS[supplier], D(str(price)), received, disqualified)


def lot(
    bids,
    *,
    winner=None,
    outcome=None,
    method="public_tender",
    buyer=BUYER,
    classification="A02010104",
    **more,
):
    """A lot with `bids`; `winner` is the index of the winning bid (outcome then published)."""
    bids = tuple(bids)
    winner_id = bids[winner].bid_id if winner is not None else None
    return LotFact(
        lot_id=next(_ids),
        reference="R-1",
        number=1,
        title_zh="标包",
        title_en="Lot",
        method=method,
        buyer=buyer,
        procuring_entity=AGENCY,
        classification=classification,
        opened_at=DEADLINE,
        bids=bids,
        bid_deadline=DEADLINE,
        outcome_published=outcome if outcome is not None else winner is not None,
        winner_bid_id=winner_id,
        **more,
    )


def codes(raised) -> list[tuple[str, str]]:
    return sorted((flag.code, flag.level) for flag in raised)


def valid_lot(prices, winner=0, **more):
    return lot(
        [bid(i + 1, price, disqualified=False) for i, price in enumerate(prices)], winner=winner, **more
    )


# --- R003 ---------------------------------------------------------------------------------------


def test_r003_fires_below_the_rulebook_minimum_of_the_method():
    short = lot(
        [bid(1, 100)],
        period=12,
        period_unit="days",
        minimum_period=20,
        rule={"key": "public_tender.x", "zh": "甲", "en": "A"},
    )
    enough = lot([bid(1, 100)], period=20, period_unit="days", minimum_period=20)
    raised = compute.r003([short, enough], threshold=15)
    assert [(f.lot_id, f.value, f.threshold) for f in raised] == [(short.lot_id, D(12), D(20))]
    assert ["unit", "days"] in raised[0].evidence["facts"]
    assert ["threshold_source", "rulebook"] in raised[0].evidence["facts"]


def test_r003_uses_15_days_where_the_rulebook_has_no_minimum_and_skips_single_source():
    framework = lot([bid(1, 100)], method="framework_agreement", period=14)
    fine = lot([bid(1, 100)], method="framework_agreement", period=15)
    single = lot([bid(1, 100)], method="single_source", period=1)
    raised = compute.r003([framework, fine, single], threshold=15)
    assert [f.lot_id for f in raised] == [framework.lot_id]
    assert ["threshold_source", "default"] in raised[0].evidence["facts"]


def test_r003_working_days_are_compared_with_working_days():
    inquiry = lot([bid(1, 1)], method="inquiry", period=2, period_unit="working_days", minimum_period=3)
    assert compute.r003([inquiry], threshold=15)[0].evidence["facts"][4] == ["unit", "working_days"]


# --- R018 ---------------------------------------------------------------------------------------


def test_r018_single_supplier_in_a_competitive_method():
    methods = INDICATORS["R018"].parameters["methods"]
    single = lot([bid(1, 100)])
    two = lot([bid(1, 100), bid(2, 110)])
    sole_source = lot([bid(1, 100)], method="single_source")
    raised = compute.r018([single, two, sole_source], methods=methods)
    assert [f.lot_id for f in raised] == [single.lot_id]


# --- R024 / R058 --------------------------------------------------------------------------------


def _ratio_lots():
    # Ratios (second − first) / first: 0.10, 0.12, 0.11, 0.13, 0.10, 0.0005 (close), 0.9 (discount).
    return [
        valid_lot([100, 110, 130]),
        valid_lot([100, 112, 120]),
        valid_lot([100, 111, 150]),
        valid_lot([100, 113, 114]),
        valid_lot([200, 220, 260]),
        valid_lot([1000, "1000.5", 1300]),
        valid_lot([100, 190, 200]),
    ]


def test_r024_close_runner_up_below_the_lower_fence():
    lots = _ratio_lots()
    ratios = compute.second_lowest_ratios(lots)
    raised = compute.r024(ratios, threshold=None, minimum_lots=5)
    assert [f.lot_id for f in raised] == [lots[5].lot_id]
    assert raised[0].value == D("0.000500")
    facts = dict(raised[0].evidence["facts"])
    assert facts["threshold_source"] == "tukey" and D(facts["lower_fence"]) == raised[0].threshold
    assert [b["winner"] for b in raised[0].evidence["bids"]] == [True, False]


def test_r058_heavy_discount_above_the_upper_fence_flags_the_lot_and_the_winner():
    lots = _ratio_lots()
    raised = compute.r058(compute.second_lowest_ratios(lots), threshold=None, minimum_lots=5)
    assert codes(raised) == [("R058", "lot"), ("R058", "tenderer")]
    lot_flag = next(f for f in raised if f.level == "lot")
    assert lot_flag.lot_id == lots[6].lot_id and lot_flag.value == D("0.900000")
    winner_flag = next(f for f in raised if f.level == "tenderer")
    assert winner_flag.organisation_id == SUPPLIERS[1].id


def test_ratios_need_a_published_winner_who_bid_lowest_and_enough_lots():
    not_lowest = valid_lot([100, 90, 300], winner=0)
    no_outcome = lot([bid(1, 100), bid(2, 101)], outcome=False)
    assert compute.second_lowest_ratios([not_lowest, no_outcome]) == []
    few = compute.second_lowest_ratios(_ratio_lots()[:4])
    assert compute.r024(few, threshold=None, minimum_lots=5) == []
    # A configured threshold needs no minimum of lots.
    assert len(compute.r024(few, threshold="0.11", minimum_lots=5)) == 2


def test_identical_ratios_are_not_outliers_of_each_other():
    same = [valid_lot([100, 110, 120]) for _ in range(6)]
    ratios = compute.second_lowest_ratios(same)
    assert compute.r024(ratios, threshold=None, minimum_lots=5) == []
    assert compute.r058(ratios, threshold=None, minimum_lots=5) == []


# --- R025 ---------------------------------------------------------------------------------------


def test_r025_a_frequent_bidder_that_rarely_wins():
    lots = []
    # Suppliers 2..6 each win the lot they bid in with supplier 1; supplier 1 bids everywhere, wins once.
    for other in range(2, 7):
        lots.append(lot([bid(other, 90, disqualified=False), bid(1, 100, disqualified=False)], winner=0))
    lots.append(lot([bid(1, 80, disqualified=False), bid(7, 100, disqualified=False)], winner=0))
    for other in range(8, 11):
        lots.append(lot([bid(other, 90, disqualified=False)], winner=0))
    raised = compute.r025(lots, threshold=D("0.5"), percentile_cut=75, minimum_tenderers=5)
    assert [(f.organisation_id, f.value) for f in raised] == [(SUPPLIERS[1].id, D("0.166667"))]
    assert dict(raised[0].evidence["facts"])["valid_bids"] == 6
    # A winner of every lot it bids for is never flagged, nor anyone without enough tenderers.
    assert compute.r025(lots[:2], threshold=None, percentile_cut=75, minimum_tenderers=5) == []


# --- R028 ---------------------------------------------------------------------------------------


def test_r028_identical_prices_of_different_suppliers():
    same = lot([bid(1, "100.00"), bid(2, "100.00"), bid(3, 120)])
    different = lot([bid(1, "100.00"), bid(2, "100.01")])
    raised = compute.r028([same, different])
    assert [(f.lot_id, f.value) for f in raised] == [(same.lot_id, D(2))]
    assert {b["supplier"] for b in raised[0].evidence["bids"]} == {SUPPLIERS[1].id, SUPPLIERS[2].id}


# --- R030 ---------------------------------------------------------------------------------------


def test_r030_the_winning_bid_arrived_after_the_deadline():
    late = lot([bid(1, 100, disqualified=False, late=True), bid(2, 110, disqualified=False)], winner=0)
    on_time = lot([bid(1, 100, disqualified=False), bid(2, 110, disqualified=False, late=True)], winner=0)
    raised = compute.r030([late, on_time])
    assert [(f.lot_id, f.value) for f in raised] == [(late.lot_id, D(90))]


# --- R035 / R036 --------------------------------------------------------------------------------


def test_r035_everyone_but_the_winner_disqualified():
    lone = lot(
        [bid(1, 120, disqualified=False), bid(2, 100, disqualified=True), bid(3, 110, disqualified=True)],
        winner=0,
    )
    normal = lot(
        [bid(1, 120, disqualified=False), bid(2, 100, disqualified=False), bid(3, 110, disqualified=True)],
        winner=0,
    )
    raised = compute.r035([lone, normal], threshold=1)
    assert [(f.lot_id, f.value) for f in raised] == [(lone.lot_id, D(2))]


def test_r036_the_lowest_bid_disqualified_in_an_awarded_lot():
    flagged = lot([bid(1, 120, disqualified=False), bid(2, 100, disqualified=True)], winner=0)
    fine = lot([bid(1, 100, disqualified=False), bid(2, 120, disqualified=True)], winner=0)
    unawarded = lot([bid(1, 120, disqualified=False), bid(2, 100, disqualified=True)], outcome=True)
    raised = compute.r036([flagged, fine, unawarded])
    assert [(f.lot_id, f.value) for f in raised] == [(flagged.lot_id, D(100))]


# --- R038 ---------------------------------------------------------------------------------------


def test_r038_a_buyer_and_a_tenderer_with_many_disqualified_bids():
    lots = []
    buyers = [Party(10 + n, f"采购人{n}", f"Buyer {n}") for n in range(6)]
    for n, buyer in enumerate(buyers):
        for _ in range(2):
            bids = [
                bid(1, 100, disqualified=False),
                bid(2, 110, disqualified=False),
                bid(3, 120, disqualified=False),
            ]
            if n == 0:  # the first buyer disqualifies two of three bids in each of its lots
                bids = [
                    bid(1, 100, disqualified=False),
                    bid(2, 110, disqualified=True),
                    bid(3, 120, disqualified=True),
                ]
            lots.append(lot(bids, winner=0, buyer=buyer))
    raised = compute.r038(
        lots, threshold=None, minimum_submitted_bids=2, minimum_contracting_processes=2, minimum_parties=5
    )
    buyer_flags = [f for f in raised if f.level == "buyer"]
    assert [(f.organisation_id, f.value) for f in buyer_flags] == [(buyers[0].id, D("0.666667"))]
    assert dict(buyer_flags[0].evidence["facts"])["disqualified_bids"] == 4
    # The agency runs all of them: alone, it has no peers to be an outlier of.
    assert not [f for f in raised if f.level == "procuring_entity"]
    # Tenderers 2 and 3 (2 of 12 bids disqualified each) vs tenderer 1 (none): too few to compare.
    assert not [f for f in raised if f.level == "tenderer"]


def test_r038_ignores_lots_whose_outcome_is_not_published():
    lots = [lot([bid(1, 100), bid(2, 110)]) for _ in range(10)]
    assert (
        compute.r038(
            lots, threshold=0, minimum_submitted_bids=1, minimum_contracting_processes=1, minimum_parties=1
        )
        == []
    )


def test_a_party_flag_lists_at_most_fifty_lots():
    lots = [
        lot([bid(1, 100, disqualified=True), bid(2, 110, disqualified=False)], winner=1) for _ in range(60)
    ]
    raised = compute.r038(
        lots, threshold="0.4", minimum_submitted_bids=2, minimum_contracting_processes=2, minimum_parties=1
    )
    buyer = next(f for f in raised if f.level == "buyer")
    assert dict(buyer.evidence["facts"])["lots"] == 60
    assert len(buyer.evidence["lots"]) == 50 and buyer.evidence["more_lots"] == 10
    assert buyer.evidence["lots"][0]["lot"] == max(each.lot_id for each in lots)  # the newest first


# --- R048 ---------------------------------------------------------------------------------------


def test_r048_a_supplier_winning_across_many_categories():
    lots = []
    for supplier in range(1, 7):
        categories = ["A02", "A02", "A02"] if supplier > 1 else ["A02", "B01", "C03"]
        for category in categories:
            lots.append(
                lot([bid(supplier, 100, disqualified=False)], winner=0, classification=f"{category}0101")
            )
    raised = compute.r048(lots, threshold=None, digits=3, minimum_contracting_processes=3, minimum_parties=5)
    assert [(f.organisation_id, f.value) for f in raised] == [(SUPPLIERS[1].id, D(3))]
    assert dict(raised[0].evidence["facts"])["categories"] == "A02, B01, C03"
    # Suppliers with fewer awards than the minimum are neither compared nor flagged.
    assert (
        compute.r048(lots, threshold=None, digits=3, minimum_contracting_processes=4, minimum_parties=5) == []
    )


# --- Price screens -----------------------------------------------------------------------------


def _screen_lots():
    return [
        lot([bid(1, 100), bid(2, 110), bid(3, 125)]),
        lot([bid(1, 100), bid(2, 115), bid(3, 130)]),
        lot([bid(1, 100), bid(2, 108), bid(3, 121)]),
        lot([bid(1, 100), bid(2, 112), bid(3, 128)]),
        lot([bid(1, 100), bid(2, 111), bid(3, 119)]),
        lot([bid(1, "100.00"), bid(2, "100.10"), bid(3, "100.20")]),  # compressed
        lot([bid(1, 100), bid(2, 140), bid(3, "140.50")]),  # lone low bid, clustered covers
        lot([bid(1, 100), bid(2, 110)]),  # two bids: not screened
    ]


def test_screens_cv_and_spread_flag_compressed_prices_rd_a_gap_to_clustered_covers():
    lots = _screen_lots()
    screened = compute.lot_screens(lots, minimum_bids=3)
    assert len(screened) == 7
    cv = compute.screens(screened, "CV", threshold=None, minimum_lots=5)
    spread = compute.screens(screened, "SPREAD", threshold=None, minimum_lots=5)
    rd = compute.screens(screened, "RD", threshold=None, minimum_lots=5)
    assert [f.lot_id for f in cv] == [lots[5].lot_id]
    assert [f.lot_id for f in spread] == [lots[5].lot_id]
    assert [f.lot_id for f in rd] == [lots[6].lot_id]
    facts = dict(rd[0].evidence["facts"])
    # RD = (140 − 100) / σ(140, 140.5) = 40 / 0.353553 = 113.137
    assert D(facts["rd"]) == D("113.137085")


def test_screens_with_a_configured_threshold():
    screened = compute.lot_screens(_screen_lots()[:2], minimum_bids=3)
    assert len(compute.screens(screened, "CV", threshold="0.5", minimum_lots=5)) == 2
    assert compute.screens(screened, "CV", threshold=None, minimum_lots=5) == []


# --- Collusion screens and expert deviations ----------------------------------------------------


def test_collusion_screens_become_one_flag_per_screen_and_lot():
    facts = (
        compute.CollusionFact("same_ip", (SUPPLIERS[1], SUPPLIERS[2]), {"value": "10.0.0.9"}),
        compute.CollusionFact("same_ip", (SUPPLIERS[3], SUPPLIERS[4]), {"value": "10.0.0.7"}),
        compute.CollusionFact(
            "regular_price_progression",
            (SUPPLIERS[1], SUPPLIERS[3]),
            {"progression": "arithmetic", "step": "5"},
        ),
    )
    flagged = lot([bid(1, 100)], collusion=facts)
    raised = compute.collusion([flagged, lot([bid(1, 100)])], prefix=COLLUSION_PREFIX)
    assert [(f.code, f.value) for f in raised] == [
        ("C-regular_price_progression", D(2)),
        ("C-same_ip", D(4)),
    ]
    assert [g["value"] for g in raised[1].evidence["groups"]] == ["10.0.0.9", "10.0.0.7"]
    assert raised[0].evidence["groups"][0]["value"] == "arithmetic 5"
    assert all(f.code in INDICATORS for f in raised)


def _scores(points_by_seat):
    rows = []
    for seat, (technical, service) in points_by_seat.items():
        expert = Party(seat, f"专家{seat}", f"Expert {seat}")
        for criterion, (points, maximum) in enumerate([(technical, 40), (service, 20)]):
            rows.append(
                ScoreFact(
                    seat,
                    expert,
                    7,
                    SUPPLIERS[1],
                    criterion,
                    f"因素{criterion}",
                    f"Criterion {criterion}",
                    D(maximum),
                    D(str(points)),
                )
            )
    return tuple(rows)


def test_expert_deviation_far_outside_the_panel():
    deviating = EvaluationFact(
        1, 11, D(30), _scores({1: (34, 16), 2: (35, 17), 3: (33, 16), 4: (36, 18), 5: (10, 15)})
    )
    agreeing = EvaluationFact(
        2, 12, D(30), _scores({1: (34, 16), 2: (35, 17), 3: (33, 16), 4: (36, 18), 5: (32, 15)})
    )
    raised = compute.expert_deviations([deviating, agreeing], code="EXPERT-DEV")
    assert [(f.lot_id, f.value, f.threshold) for f in raised] == [(1, D(2), D(30))]
    rows = raised[0].evidence["deviations"]
    # Expert 5's technical score (10 of 40; the others' median 34.5) and total (25 of 60; 51) stray.
    assert [(r["expert"], r["criterion"], r["points"], r["median"]) for r in rows] == [
        (5, 0, "10", "34.5"),
        (5, -1, "25", "51"),
    ]


def test_every_code_raised_is_in_the_registry():
    lots = _ratio_lots() + _screen_lots()
    raised = compute.compute(
        lots, [], lambda code, name: INDICATORS[code].parameter(name), collusion_prefix="C-"
    )
    assert raised and all(flag.code in INDICATORS for flag in raised)
    assert all(flag.level in INDICATORS[flag.code].levels for flag in raised)
