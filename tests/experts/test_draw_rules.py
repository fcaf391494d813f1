"""The draw's legal numbers come from the rulebook: the years a tie to a bidder counts
(panel.avoidance_years) and the experts' share of the panel (panel.min_expert_share_percent).
A regulator who changes a row changes the draw, without a code change."""

import datetime
from unittest import mock

import pytest
from django.db import transaction

from experts import tasks
from experts.models import Declaration, DrawExclusion
from rulebook.models import Rule
from tests.bidding.helpers import verified

from .draw_fixtures import bidder_codes, commit, evaluation_day, run_draw


@pytest.fixture
def pool(expert_factory):
    return [expert_factory() for _ in range(8)]


def test_a_tie_counts_back_as_many_years_as_the_rulebook_says(opened_lot, officer, clerk, pool):
    bidder = bidder_codes(opened_lot)[0]
    Declaration.objects.create(
        expert=pool[0],
        kind=Declaration.Kind.EMPLOYMENT,
        organisation_name="投标人",
        organisation_uscc=bidder,
        started_on=datetime.date(2015, 1, 1),
        ended_on=evaluation_day() - datetime.timedelta(days=2 * 366),  # two years before
    )
    Rule.objects.filter(key="panel.avoidance_years").update(value=1)
    panel = commit(opened_lot, officer, [clerk])
    with mock.patch.object(tasks.lapse_invitation, "apply_async"):
        panel = run_draw(panel, officer)
    assert pool[0].pk in panel.candidates and not DrawExclusion.objects.exists()


def test_the_experts_share_of_the_panel_is_the_rulebooks(opened_lot, officer, clerk):
    from bidding.panels import services
    from experts.models import Panel

    Rule.objects.filter(key="panel.min_expert_share_percent").update(value=85)
    with pytest.raises(services.InvalidPanelRequest) as error, transaction.atomic():  # 4 of 5 = 80 %
        services.request_panel(
            opened_lot.pk,
            actor=verified(officer),
            specialties=["A02"],
            evaluation_on=evaluation_day(),
            representative_ids=[clerk.pk],
        )
    assert "85" in str(error.value) and not Panel.objects.exists()
