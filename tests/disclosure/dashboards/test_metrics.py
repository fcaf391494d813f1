"""Each dashboard figure on the hand-built scenario (conftest.py): what it counts, what it leaves
out (sealed bids, unconfirmed awards, scheduled notices, other years and regions), one query each."""

from decimal import Decimal

import pytest

from disclosure.dashboards import metrics
from disclosure.dashboards.forms import DashboardFilterForm

from .builders import at
from .conftest import YEAR, date, day

pytestmark = pytest.mark.django_db


def scope(*, public=True, region="", year=YEAR) -> metrics.Scope:
    form = DashboardFilterForm({"year": str(year) if year else "all", "region": region})
    assert form.is_valid(), form.errors
    return form.scope(public=public)


def totals(rows) -> dict:
    return {t.key: (t.amount, t.count) for t in rows}


def test_spend_by_category_method_and_region(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        spend = metrics.spend(scope())
    assert spend.amount == Decimal("1050000.00") and spend.count == 5
    assert totals(spend.by_category) == {
        "goods": (Decimal("550000.00"), 3),
        "works": (Decimal("300000.00"), 1),
        "services": (Decimal("200000.00"), 1),
    }
    assert [t.key for t in spend.by_category] == ["goods", "works", "services"]  # largest first
    assert totals(spend.by_method) == {
        "public_tender": (Decimal("800000.00"), 3),
        "competitive_consultation": (Decimal("200000.00"), 1),
        "single_source": (Decimal("50000.00"), 1),
    }
    assert totals(spend.by_region) == {
        "330400": (Decimal("650000.00"), 4),
        "510700": (Decimal("400000.00"), 1),
    }
    assert all(isinstance(t.amount, Decimal) for t in spend.by_method)


def test_share_of_public_tender_by_amount_and_by_count(world):
    spend = metrics.spend(scope())
    assert spend.public_tender_amount_share == Decimal("76.2")  # 800,000 of 1,050,000
    assert spend.public_tender_count_share == Decimal("60.0")  # 3 of 5


def test_the_region_filter_takes_the_purchasers_of_that_region(world):
    assert metrics.spend(scope(region="510700")).amount == Decimal("400000.00")
    assert metrics.spend(scope(region="330400")).amount == Decimal("650000.00")
    assert metrics.spend(scope(region="330000")).amount == Decimal("650000.00")  # the province
    assert metrics.spend(scope(region="330402")).count == 0  # a county without purchasers


def test_all_years_adds_the_year_before_but_never_a_scheduled_result_notice(world):
    spend = metrics.spend(scope(year=None))
    assert spend.amount == Decimal("2049000.00")  # 1,050,000 + H's 999,000; not I's (tomorrow)
    assert spend.count == 6


def test_spend_by_month_dates_awards_by_their_result_notice(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        months = metrics.spend_by_month(scope())
    assert [(m.month, m.amount, m.count) for m in months] == [
        (date("04-01"), Decimal("500000.00"), 2),
        (date("05-01"), Decimal("200000.00"), 1),
        (date("07-01"), Decimal("300000.00"), 1),
        (date("08-01"), Decimal("50000.00"), 1),
    ]


def test_bids_per_lot_count_opened_bids_of_competitive_lots_only(world, django_assert_num_queries):
    """A, B, C, E and G opened (3 + 1 + 2 + 4 + 2 bids); C's withdrawn bid, F's sealed bids and
    single-source D are not counted."""
    with django_assert_num_queries(1):
        competition = metrics.competition(scope())
    assert competition.distribution == {1: 1, 2: 2, 3: 1, 4: 1}
    assert (competition.lots, competition.bids, competition.single_bid_lots) == (5, 12, 1)
    assert competition.average_bids == Decimal("2.4")
    assert competition.single_bid_share == Decimal("20.0")


def test_sealed_bids_stay_out_until_their_lot_is_opened(world):
    before = metrics.competition(scope()).bids
    world.builder.sealed_bid(world.lot_f)  # a third sealed bid changes nothing
    assert metrics.competition(scope()).bids == before
    world.builder.open_lot(world.lot_f, ["90000"], opened_at=at(day("10-02")))
    # Only the bid opened counts (the sealed ones are never opened in this hand-built row set).
    assert metrics.competition(scope()).bids == before + 1


def test_an_opening_without_its_public_record_is_not_public(world):
    lot = world.builder.lot(world.project_f, number=2)
    world.builder.open_lot(lot, ["1000", "2000"], opened_at=at(day("10-02")), public=False)
    assert metrics.competition(scope()).lots == 5
    assert metrics.competition(scope(public=False)).lots == 6


def test_share_of_small_and_micro_enterprises(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        sme = metrics.sme_share(scope())
    assert (sme.sme_amount, sme.sme_count) == (Decimal("150000.00"), 2)  # A and D
    assert sme.amount_share == Decimal("14.3")
    assert sme.count_share == Decimal("40.0")


def test_days_from_tender_notice_to_result_notice(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        duration = metrics.days_to_award(scope())
    expected = [
        date("04-01") - date("03-01"),  # A
        date("05-20") - date("05-01"),  # B
        date("07-01") - date("06-01"),  # C
        date("04-01") - date("03-01"),  # E (D has no tender notice)
    ]
    assert duration.count == 4
    assert duration.days == sum(d.days for d in expected)
    assert duration.average == (Decimal(duration.days) / 4).quantize(Decimal("0.1"))


def test_days_from_acceptance_to_payment_public_and_regulator(world, django_assert_num_queries):
    with django_assert_num_queries(1):
        public = metrics.days_to_payment(scope())
    assert (public.count, public.days, public.average) == (2, 40, Decimal("20.0"))  # A 10, B 30
    # The regulator also sees C's payment (its contract notice is not out): 50 days.
    regulator = metrics.days_to_payment(scope(public=False))
    assert (regulator.count, regulator.days, regulator.average) == (3, 90, Decimal("30.0"))


def test_disclosure_on_time_per_purchaser(world, django_assert_num_queries):
    with django_assert_num_queries(2):
        rows = {r.purchaser_id: r for r in metrics.disclosure_by_purchaser(scope())}
    p1, p2, p3 = rows[world.p1.pk], rows[world.p2.pk], rows[world.p3.pk]
    # P1: results A and D on time, B late; contracts A on time, B late.
    assert (p1.results, p1.results_on_time, p1.contracts, p1.contracts_on_time) == (3, 2, 2, 1)
    assert p1.rate == Decimal("60.0")
    # P2: C's result on time; its contract notice is not out, which the public does not see.
    assert (p2.results, p2.results_on_time, p2.contracts) == (1, 1, 0)
    assert p2.rate == Decimal("100.0")
    assert p3.rate == Decimal("100.0")
    assert list(rows)[0] == world.p1.pk  # the least punctual first


def test_the_regulator_counts_an_overdue_contract_notice_as_late(world):
    rows = {r.purchaser_id: r for r in metrics.disclosure_by_purchaser(scope(public=False, region="330400"))}
    assert set(rows) == {world.p1.pk, world.p2.pk}
    assert (rows[world.p2.pk].contracts, rows[world.p2.pk].contracts_on_time) == (1, 0)
    assert rows[world.p2.pk].rate == Decimal("50.0")
    total = metrics.disclosure_total(list(rows.values()))
    assert (total.on_time, total.notices) == (4, 7)


def test_the_whole_dashboard_is_eight_queries(world, django_assert_num_queries):
    with django_assert_num_queries(8):
        data = metrics.dashboard(scope())
    assert data.spend.count == data.sme.count == 5


def test_the_regulators_breakdown_by_purchaser_and_agency(world, django_assert_num_queries):
    regulator = scope(public=False, region="330400")
    with django_assert_num_queries(2):
        purchasers = {p.pk: p for p in metrics.by_purchaser(regulator)}
    assert set(purchasers) == {world.p1.pk, world.p2.pk}
    p1 = purchasers[world.p1.pk]
    assert (p1.amount, p1.awards, p1.public_tender_amount) == (Decimal("350000.00"), 3, Decimal("100000.00"))
    assert (p1.sme_amount, p1.sme_awards) == (Decimal("150000.00"), 2)
    assert (p1.lots_opened, p1.bids, p1.single_bid_lots) == (3, 6, 1)  # A 3, B 1, G 2 (D single source)
    assert p1.average_bids == Decimal("2.0") and p1.single_bid_share == Decimal("33.3")
    agencies = metrics.by_agency(regulator)
    assert [(a.pk, a.amount, a.lots_opened) for a in agencies] == [(world.a1.pk, Decimal("650000.00"), 4)]


def test_the_lists_behind_the_figures(world, django_assert_num_queries):
    regulator = scope(public=False, region="330400")
    with django_assert_num_queries(1):
        awards = metrics.award_rows(regulator)
    assert [a.pk for a in awards] == [world.award_d.pk, world.award_c.pk, world.award_b.pk, world.award_a.pk]
    b = next(a for a in awards if a.pk == world.award_b.pk)
    assert (b.on_time, b.sme, b.tender_day, b.result_day) == (False, False, date("05-01"), date("05-20"))
    with django_assert_num_queries(1):
        openings = metrics.opening_rows(regulator)
    assert [o.bids for o in openings] == [1, 2, 2, 3]  # single-bid lots first
    with django_assert_num_queries(1):
        payments = metrics.payment_rows(regulator)
    assert [p.days.days for p in payments] == [50, 30, 10]
    assert [p.late for p in payments] == [False, True, False]  # B paid after its pay-by date
    with django_assert_num_queries(2):
        late = metrics.late_disclosure_rows(regulator)
    assert [a.pk for a in late["results"]] == [world.award_b.pk]
    assert [c.pk for c in late["contracts"]] == [world.contract_c.pk, world.contract_b.pk]
    public_late = metrics.late_disclosure_rows(scope(region="330400"))
    assert [c.pk for c in public_late["contracts"]] == [world.contract_b.pk]
