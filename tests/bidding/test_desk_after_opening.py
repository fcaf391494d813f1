"""The supplier's bidding desk after opening: each opened bid links to what comes next — the
negotiation thread while the panel negotiates, the explanation of an abnormally low price when
it is asked for, the award letters once the lot is awarded, and the challenge page — in two
queries whatever the number of bids."""

import pytest
from django.urls import reverse

from bidding.models import BidAssessment, Evaluation
from procurement.models import Lot


@pytest.mark.django_db
def test_an_opened_bid_links_to_its_challenge_page(seated_evaluation, login):
    bid = seated_evaluation.lot.bids.filter(status="opened").order_by("pk").first()
    page = login(bid.prepared_by).get(reverse("bidding:my_bids"))
    assert page.status_code == 200
    body = page.content.decode()
    assert reverse("bidding:challenge_file", args=[bid.lot_id]) in body
    assert reverse("bidding:negotiation_thread", args=[seated_evaluation.pk]) not in body
    assert reverse("bidding:price_explanation", args=[bid.public_id]) not in body


@pytest.mark.django_db
def test_negotiation_explanation_and_letters_appear_when_due(seated_evaluation, login):
    bid = seated_evaluation.lot.bids.filter(status="opened").order_by("pk").first()
    Evaluation.objects.filter(pk=seated_evaluation.pk).update(status=Evaluation.Status.NEGOTIATING)
    BidAssessment.objects.filter(evaluation=seated_evaluation, bid=bid).update(
        explanation_status=BidAssessment.Explanation.REQUESTED
    )
    Lot.objects.filter(pk=bid.lot_id).update(status=Lot.Status.AWARDED)
    body = login(bid.prepared_by).get(reverse("bidding:my_bids"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert reverse("bidding:negotiation_thread", args=[seated_evaluation.pk]) in body
    assert reverse("bidding:price_explanation", args=[bid.public_id]) in body
    assert reverse("bidding:award_letters") in body
    # Another bidder of the lot is not asked to explain anything.
    other = seated_evaluation.lot.bids.filter(status="opened").order_by("pk").last()
    body = login(other.prepared_by).get(reverse("bidding:my_bids")).content.decode()
    assert reverse("bidding:price_explanation", args=[other.public_id]) not in body
    assert reverse("bidding:price_explanation", args=[bid.public_id]) not in body
