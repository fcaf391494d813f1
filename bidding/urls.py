from django.urls import include, path

from . import views

app_name = "bidding"

urlpatterns = [
    path("", views.my_bids, name="my_bids"),
    path("lots/<int:lot_id>/bid/", views.bid_page, name="bid"),
    path("lots/<int:lot_id>/bid/start/", views.bid_start, name="bid_start"),
    path("bids/<uuid:public_id>/files/", views.file_begin, name="file_begin"),
    path("uploads/<uuid:upload_key>/", views.file_data, name="file_data"),
    path("bids/<uuid:public_id>/submit/", views.bid_submit, name="bid_submit"),
    path("bids/<uuid:public_id>/withdraw/", views.bid_withdraw, name="bid_withdraw"),
    path("bids/<uuid:public_id>/receipt/", views.receipt_page, name="receipt"),
    path("bids/<uuid:public_id>/receipt.pdf", views.receipt_pdf, name="receipt_pdf"),
    path("bids/<uuid:public_id>/receipt.json", views.receipt_json, name="receipt_json"),
    path("lots/<int:lot_id>/opening/", views.opening_page, name="opening"),
    path("lots/<int:lot_id>/opening/confirm/", views.opening_confirm, name="opening_confirm"),
    path("lots/<int:lot_id>/opening.pdf", views.opening_pdf, name="opening_pdf"),
    path("", include("bidding.bond_urls")),
    path("", include("bidding.panels.urls")),
    path("", include("bidding.evaluation.urls")),
    path("", include("bidding.award.urls")),
    path("", include("bidding.challenges.urls")),
    path("", include("bidding.negotiation.urls")),
]
