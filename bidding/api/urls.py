from django.urls import include, path

from . import bids, receipts

urlpatterns = [
    path("receipts/", receipts.receipt_list, name="api-bidding-receipts"),
    path("receipts/<uuid:public_id>/", receipts.receipt_detail, name="api-bidding-receipt"),
    path("lots/<int:lot_id>/bids/", bids.submit_bid, name="api-bidding-submit"),
    path("lots/<int:lot_id>/opening/", receipts.opening_record, name="api-bidding-opening"),
    path("", include("bidding.panels.api_urls")),
    path("", include("bidding.evaluation.api_urls")),
    path("", include("bidding.award.api_urls")),
    path("", include("bidding.challenges.api_urls")),
    path("", include("bidding.negotiation.api_urls")),
]
