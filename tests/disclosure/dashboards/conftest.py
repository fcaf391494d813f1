"""One hand-built scenario for the dashboard tests, written once per module inside a transaction
that is rolled back after the module (each test runs in a savepoint within it).

Last year (YEAR), purchasers P1 and P2 in 330400 (Jiaxing), P3 in 510700 (Mianyang), agency A1
(and A2 for P3):

  A  P1 goods    public tender     tender 03-01, opened 03-22 with 3 bids, awarded 04-01 100,000 (SME),
                                   contract signed 04-10 due 04-14 published 04-13, paid 10 days after
                                   acceptance
  B  P1 services consultation      tender 05-01, opened 05-12 with 1 bid, awarded 05-20 200,000 (the
                                   confirmation was due 05-18: late), contract signed 05-25 due 05-27
                                   published 06-01 (late), paid 30 days after acceptance
  C  P2 works    public tender     tender 06-01, opened 06-22 with 2 bids (and one withdrawn), awarded
                                   07-01 300,000, contract signed 07-06 due 07-08 never published
                                   (overdue), paid 50 days after acceptance
  D  P1 goods    single source     no tender notice, opened 08-03 with 1 bid, awarded 08-05 50,000 (SME)
  E  P3 goods    public tender     tender 03-01, opened 03-22 with 4 bids, awarded 04-01 400,000
  F  P1 goods    public tender     tender 09-01, two sealed bids, not opened
  G  P1 goods    public tender     tender 09-15, opened 10-01 with 2 bids, award awaiting confirmation
  H  P1 goods    public tender     the year before: awarded 999,000
  I  P1 goods    public tender     award whose result notice is scheduled for tomorrow
"""

import datetime
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from accounts.models import Organisation
from bidding.models import Award

from .builders import Builder, at

YEAR = timezone.localdate().year - 1


def day(month_day: str, year: int = YEAR) -> str:
    return f"{year}-{month_day}"


def date(month_day: str, year: int = YEAR) -> datetime.date:
    return datetime.date.fromisoformat(day(month_day, year))


class Scenario:
    """What the tests compare with."""


def build() -> Scenario:
    s = Scenario()
    b = Builder("330400", uscc_base=600_000)
    s.p1 = b.purchaser
    s.p2 = b.organisation(Organisation.Kind.PURCHASER, "第二采购单位", "Second Purchaser")
    s.a1 = b.agency
    west = Builder("510700", uscc_base=650_000)
    s.p3, s.a2 = west.purchaser, west.agency
    s.builder = b

    # A: public tender, SME winner, everything on time.
    s.project_a = b.project(s.p1, category="goods", method="public_tender", tender_at=at(day("03-01")))
    lot = b.lot(s.project_a)
    bids = b.open_lot(lot, ["100000", "120000", "130000"], opened_at=at(day("03-22")))
    s.award_a = b.award(lot, bids[0], confirmed_at=at(day("04-01")), sme=True)
    s.contract_a = b.contract(
        s.award_a, signed_at=at(day("04-10")), notice_due=date("04-14"), published_at=at(day("04-13"))
    )
    b.payment(s.contract_a, accepted_at=at(day("05-01")), paid_on=date("05-11"))

    # B: consultation, a single bid, result and contract notices late.
    s.project_b = b.project(
        s.p1, category="services", method="competitive_consultation", tender_at=at(day("05-01"))
    )
    lot = b.lot(s.project_b)
    bids = b.open_lot(lot, ["200000"], opened_at=at(day("05-12")))
    s.award_b = b.award(lot, bids[0], confirmed_at=at(day("05-20")), confirm_by=date("05-18"))
    s.contract_b = b.contract(
        s.award_b, signed_at=at(day("05-25")), notice_due=date("05-27"), published_at=at(day("06-01"))
    )
    b.payment(s.contract_b, accepted_at=at(day("07-01")), paid_on=date("07-31"), pay_by=date("07-20"))

    # C: P2's works, one withdrawn bid, the contract notice never published.
    s.project_c = b.project(s.p2, category="works", method="public_tender", tender_at=at(day("06-01")))
    lot = b.lot(s.project_c)
    bids = b.open_lot(lot, ["300000", "310000"], opened_at=at(day("06-22")), withdrawn=1)
    s.award_c = b.award(lot, bids[0], confirmed_at=at(day("07-01")))
    s.contract_c = b.contract(s.award_c, signed_at=at(day("07-06")), notice_due=date("07-08"))
    b.payment(s.contract_c, accepted_at=at(day("08-01")), paid_on=date("09-20"))

    # D: single source (no tender notice), one bid by law.
    s.project_d = b.project(s.p1, category="goods", method="single_source")
    lot = b.lot(s.project_d)
    bids = b.open_lot(lot, ["50000"], opened_at=at(day("08-03")))
    s.award_d = b.award(lot, bids[0], confirmed_at=at(day("08-05")), sme=True)

    # E: another region.
    s.project_e = west.project(s.p3, category="goods", method="public_tender", tender_at=at(day("03-01")))
    lot = west.lot(s.project_e)
    bids = west.open_lot(lot, ["400000", "410000", "420000", "430000"], opened_at=at(day("03-22")))
    s.award_e = west.award(lot, bids[0], confirmed_at=at(day("04-01")))

    # F: sealed bids, no opening yet.
    s.project_f = b.project(s.p1, category="goods", method="public_tender", tender_at=at(day("09-01")))
    s.lot_f = b.lot(s.project_f)
    s.sealed = [b.sealed_bid(s.lot_f), b.sealed_bid(s.lot_f)]

    # G: opened, award awaiting the purchaser's confirmation.
    s.project_g = b.project(s.p1, category="goods", method="public_tender", tender_at=at(day("09-15")))
    lot = b.lot(s.project_g)
    bids = b.open_lot(lot, ["700000", "710000"], opened_at=at(day("10-01")))
    b.award(lot, bids[0], confirmed_at=at(day("10-05")), status=Award.Status.AWAITING_CONFIRMATION)

    # H: the year before.
    s.project_h = b.project(
        s.p1, category="goods", method="public_tender", tender_at=at(day("11-01", YEAR - 1))
    )
    lot = b.lot(s.project_h)
    bids = b.open_lot(lot, ["999000", "999500"], opened_at=at(day("11-25", YEAR - 1)))
    b.award(lot, bids[0], confirmed_at=at(day("12-01", YEAR - 1)))

    # I: a result notice scheduled for tomorrow.
    s.project_i = b.project(
        s.p1, category="goods", method="public_tender", tender_at=at(day("01-10", YEAR + 1))
    )
    lot = b.lot(s.project_i)
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    bids = b.open_lot(lot, ["123000", "124000"], opened_at=timezone.now() - datetime.timedelta(hours=1))
    b.award(lot, bids[0], confirmed_at=tomorrow)

    s.total = Decimal("1050000.00")
    return s


@pytest.fixture(scope="module")
def scenario(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        yield build()
        transaction.set_rollback(True)


@pytest.fixture
def world(scenario, db):
    """The scenario, inside the test's own savepoint."""
    return scenario
