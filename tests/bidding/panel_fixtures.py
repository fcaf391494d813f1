"""A lot's panel taken through the agency's services: requested (seed committed) and drawn."""

import datetime

import pytest
from django.utils import timezone

from bidding.panels import services
from tests.bidding.helpers import verified


def evaluation_day() -> datetime.date:
    return timezone.localdate() + datetime.timedelta(days=3)


@pytest.fixture
def expert_pool(expert_factory):
    return [expert_factory() for _ in range(8)]


@pytest.fixture
def requested_panel(opened_lot, officer, clerk, expert_pool):
    return services.request_panel(
        opened_lot.pk,
        actor=verified(officer),
        specialties=["A02"],
        evaluation_on=evaluation_day(),
        representative_ids=[clerk.pk],
    )


@pytest.fixture
def drawn_panel(requested_panel, officer):
    return services.draw_panel(requested_panel.lot_id, actor=verified(officer))
