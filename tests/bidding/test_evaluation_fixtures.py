"""The shared evaluation fixtures build what they promise (a failing fixture would hide behind
every evaluation test's error)."""

import pytest

from bidding.models import BidAssessment, Evaluation, ScoreSheet


@pytest.mark.django_db
def test_a_seated_evaluation_has_a_sheet_per_member_and_an_assessment_per_opened_bid(seated_evaluation):
    evaluation = seated_evaluation
    assert evaluation.status == Evaluation.Status.QUALIFICATION
    assert evaluation.lot.status == "evaluating"
    assert ScoreSheet.objects.filter(evaluation=evaluation).count() == 5
    prices = sorted(str(a.price) for a in BidAssessment.objects.filter(evaluation=evaluation))
    assert prices == ["200000.00", "210000.00", "220000.00"]
    assert BidAssessment.objects.filter(evaluation=evaluation, is_small_or_micro=True).count() == 1
    assert evaluation.document.status == "published" and evaluation.criteria
    assert evaluation.sme_deduction_percent > 0
