"""Helpers of the evaluation tests: the members of a seated evaluation, a whole qualification
review and whole score sheets through the real services."""

from decimal import Decimal

from bidding.evaluation import services
from bidding.models import BidAssessment, ScoreSheet
from tests.bidding.helpers import verified


def members(evaluation):
    """The seated members' users, in seat order (experts first, the purchaser representative last)."""
    sheets = ScoreSheet.objects.filter(evaluation=evaluation).select_related("seat__member")
    ordered = sorted(sheets, key=lambda s: (s.seat.kind != "expert", s.seat.position, s.pk))
    return [s.seat.member for s in ordered]


def bids(evaluation):
    return [
        a.bid
        for a in BidAssessment.objects.filter(evaluation=evaluation).select_related("bid").order_by("price")
    ]


def review(evaluation, member, *, fail=None, submit=True):
    """The member passes every item of every bid (fail: {bid: reason} fails item 0 of those bids)."""
    fail = fail or {}
    for bid in bids(evaluation):
        for item in range(len(evaluation.qualification_items)):
            failing = bid in fail and item == 0
            services.mark_qualification(
                evaluation.pk,
                actor=member,
                bid_id=bid.pk,
                item=item,
                passed=not failing,
                reason=fail.get(bid, "") if failing else "",
            )
    if submit:
        services.submit_qualification(evaluation.pk, actor=member)


def review_all(evaluation, **kwargs):
    for member in members(evaluation):
        review(evaluation, member, **kwargs)
    evaluation.refresh_from_db()
    return evaluation


def score_sheet(evaluation, member, points=None, *, submit=True, reason=""):
    """The member scores every criterion of every qualified bid: points(bid, index, criterion)
    or 80 % of the criterion's points."""
    evaluation.refresh_from_db()
    qualified = [
        a.bid
        for a in BidAssessment.objects.filter(evaluation=evaluation, qualified=True).select_related("bid")
    ]
    for bid in qualified:
        for index, criterion in enumerate(evaluation.criteria):
            value = (
                points(bid, index, criterion)
                if points
                else (Decimal(str(criterion["points"])) * Decimal("0.8")).quantize(Decimal("0.01"))
            )
            services.score(
                evaluation.pk,
                actor=member,
                bid_id=bid.pk,
                criterion=index,
                points=value,
                deviation_reason=reason or None,
            )
    if submit:
        services.submit_scores(evaluation.pk, actor=member)


def sign_all(evaluation):
    for member in members(evaluation):
        services.sign_report(evaluation.pk, actor=verified(member))
    evaluation.refresh_from_db()
    return evaluation
