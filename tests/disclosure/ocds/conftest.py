"""Fixtures of the OCDS tests.

- no_network (autouse): libcoveocds, ocdsmerge and ocdskit fetch the standard and extensions with
  requests unless given the local copy; here any such download fails the test.
- make_release_rows(events, lot=…): Release rows as publishing writes them, from plain events
  (tests/disclosure/ocds/scenario.py), for the API and bulk tests.
- ocds_lot: a project with one lot, written straight with the ORM (the rows a Release points at).
"""

import itertools
from decimal import Decimal

import pytest
import requests.adapters

from accounts.models import Organisation
from disclosure.models import Release
from disclosure.ocds import releases
from procurement.models import Category, FundingSource, Lot, Method, Project
from tests.accounts.factories import OrganisationFactory, UserFactory

_references = itertools.count(1)


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    def refuse(self, request, *args, **kwargs):
        raise AssertionError(f"OCDS tooling tried to download {request.url}")

    monkeypatch.setattr(requests.adapters.HTTPAdapter, "send", refuse)


def make_lot(purchaser: Organisation | None = None, number: int = 1) -> Lot:
    purchaser = purchaser or OrganisationFactory(kind=Organisation.Kind.PURCHASER)
    project = Project.objects.create(
        reference=f"{purchaser.region_code}-2026-{next(_references):06d}",
        purchaser=purchaser,
        drafted_by=UserFactory(),
        title_zh="教学用计算机采购",
        title_en="Computers for teaching",
        category=Category.GOODS,
        classification_code="A02010104",
        budget=Decimal("1500000.00"),
        funding_source=FundingSource.FISCAL_BUDGET,
        method=Method.PUBLIC_TENDER,
        status=Project.Status.TENDERING,
    )
    return Lot.objects.create(
        project=project,
        number=number,
        title_zh="台式计算机",
        title_en="Desktop computers",
        budget=Decimal("1500000.00"),
        quantity_and_specification="台式计算机 100 台",
        delivery_place="嘉兴市",
        delivery_period="30 日",
        status=Lot.Status.OPEN_FOR_BIDS,
    )


@pytest.fixture
def ocds_lot(db):
    return make_lot()


def release_row(event, lot, *, buyer_id: str | None = None) -> Release:
    data = releases.build_release(event)
    return Release(
        release_id=event.release_id,
        ocid=event.process.ocid,
        date=event.date,
        tags=data["tag"],
        lot=lot,
        buyer_id=buyer_id or event.process.purchaser.party_id,
        data=releases.dumps(data),
    )


@pytest.fixture
def make_release_rows():
    def make(events, lot, **kwargs) -> list[Release]:
        return Release.objects.bulk_create([release_row(event, lot, **kwargs) for event in events])

    return make
