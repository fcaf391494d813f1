"""Fixtures of the negotiation tests (imported by tests/bidding/test_negotiation_*.py): a lot under
competitive negotiation (or consultation) whose evaluation is negotiating with its three bidders
qualified — made from the shared seated_evaluation by switching the project's method and the
evaluation's state with queryset updates (the qualification review is bidding.evaluation's)."""

import datetime
from dataclasses import dataclass

import pytest
from django.utils import timezone

from bidding.models import Bid, BidAssessment, Evaluation
from bidding.negotiation import services
from experts.models import PanelSeat
from procurement.models import Method, Project
from tests.bidding.helpers import verified


@dataclass
class Negotiation:
    evaluation: Evaluation
    members: list  # the seated members' users (experts, then the purchaser representative)
    suppliers: list  # the bidders' representatives, by price: 200,000 / 210,000 / 220,000
    bids: list

    def refresh(self) -> Evaluation:
        self.evaluation = Evaluation.objects.select_related("lot__project", "panel").get(
            pk=self.evaluation.pk
        )
        return self.evaluation

    @property
    def member(self):
        return verified(self.members[0])

    def assessment(self, index: int) -> BidAssessment:
        return BidAssessment.objects.get(evaluation=self.evaluation, bid=self.bids[index])


def make_negotiation(evaluation: Evaluation, method: str) -> Negotiation:
    Project.objects.filter(pk=evaluation.lot.project_id).update(method=method)
    Evaluation.objects.filter(pk=evaluation.pk).update(status=Evaluation.Status.NEGOTIATING)
    BidAssessment.objects.filter(evaluation=evaluation).update(qualified=True)
    seats = PanelSeat.objects.filter(panel=evaluation.panel, status=PanelSeat.Status.SEATED)
    members = [seat.member for seat in seats.select_related("member").order_by("kind", "position", "pk")]
    bids = list(Bid.objects.filter(lot=evaluation.lot, status=Bid.Status.OPENED).order_by("price"))
    negotiation = Negotiation(evaluation, members, [bid.prepared_by for bid in bids], bids)
    negotiation.refresh()
    return negotiation


@pytest.fixture
def negotiation(seated_evaluation) -> Negotiation:
    return make_negotiation(seated_evaluation, Method.COMPETITIVE_NEGOTIATION)


@pytest.fixture
def consultation(seated_evaluation) -> Negotiation:
    return make_negotiation(seated_evaluation, Method.COMPETITIVE_CONSULTATION)


def call(negotiation: Negotiation, minutes: int = 60):
    deadline = timezone.now() + datetime.timedelta(minutes=minutes)
    return services.call_final_quotations(
        negotiation.evaluation.pk, actor=negotiation.member, deadline=deadline
    )


def past(round_, seconds: int = 1):
    """Move the round's deadline to just before now (the database clock decides)."""
    type(round_).objects.filter(pk=round_.pk).update(
        deadline=timezone.now() - datetime.timedelta(seconds=seconds)
    )
    round_.refresh_from_db()
    return round_


@pytest.mark.django_db
def test_the_negotiation_fixture_is_a_negotiating_lot_with_three_qualified_bidders(negotiation):
    evaluation = negotiation.evaluation
    assert evaluation.status == Evaluation.Status.NEGOTIATING
    assert evaluation.lot.project.method == Method.COMPETITIVE_NEGOTIATION
    assert [str(b.price) for b in negotiation.bids] == ["200000.00", "210000.00", "220000.00"]
    assert BidAssessment.objects.filter(evaluation=evaluation, qualified=True).count() == 3
    assert len(negotiation.members) == 5 and len({u.pk for u in negotiation.suppliers}) == 3
