"""Fixtures of the award tests (imported by the other test_award_*.py modules): a reported
evaluation built row by row from the shared seated_evaluation (so the award tests do not wait for
the evaluation services), and the award proposed from it by the real propose_award.

Bids of opened_lot: 200,000 (small enterprise), 210,000, 220,000. Here the panel passes the first
two (ranked 1: 200,000 scoring 91.50; ranked 2: 210,000 scoring 88.00) and fails the third with
its reasons.
"""

import hashlib
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone

from bidding.award.models import Award
from bidding.award.services import propose_award
from bidding.models import BidAssessment, Evaluation
from experts.models import Panel
from procurement.models import Lot

FAIL_REASON = "营业执照已过期 / business licence expired"


def report(evaluation) -> Evaluation:
    """The evaluation as the signed report leaves it: ranks, scores, a failed bid, sealed."""
    assessments = list(
        BidAssessment.objects.filter(evaluation=evaluation).select_related("bid").order_by("price")
    )
    scores = [Decimal("91.50"), Decimal("88.00")]
    for index, assessment in enumerate(assessments):
        if index < 2:
            assessment.qualified = True
            assessment.evaluated_price = assessment.price
            assessment.price_score = Decimal("30.00")
            assessment.total_score = scores[index]
            assessment.rank = index + 1
        else:
            assessment.qualified = False
            assessment.fail_reasons = [FAIL_REASON]
        assessment.save()
    now = timezone.now()
    Evaluation.objects.filter(pk=evaluation.pk).update(
        status=Evaluation.Status.REPORTED,
        scored_at=now,
        reported_at=now,
        report_sha256=hashlib.sha256(b"report").hexdigest(),
    )
    Panel.objects.filter(pk=evaluation.panel_id).update(
        candidates_sha256=hashlib.sha256(b"candidates").hexdigest()
    )
    Lot.objects.filter(pk=evaluation.lot_id).update(status=Lot.Status.CANDIDATES_PUBLISHED)
    evaluation.refresh_from_db()
    return evaluation


@pytest.fixture
def reported_evaluation(seated_evaluation) -> Evaluation:
    return report(seated_evaluation)


@pytest.fixture
def proposed_award(reported_evaluation) -> Award:
    with transaction.atomic():
        return propose_award(reported_evaluation)


@pytest.fixture
def ranked_bids(reported_evaluation):
    """The three bids: first-ranked, second-ranked, failed."""
    return [a.bid for a in BidAssessment.objects.filter(evaluation=reported_evaluation).order_by("price")]


@pytest.mark.django_db
def test_the_reported_evaluation_ranks_two_bids_and_fails_one(
    reported_evaluation, proposed_award, ranked_bids
):
    assert reported_evaluation.status == Evaluation.Status.REPORTED
    assert reported_evaluation.lot.status == Lot.Status.CANDIDATES_PUBLISHED
    assert proposed_award.candidates == [ranked_bids[0].pk, ranked_bids[1].pk]
