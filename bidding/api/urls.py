from django.urls import path

from . import receipts

urlpatterns = [
    path("receipts/", receipts.receipt_list, name="api-bidding-receipts"),
    path("receipts/<uuid:public_id>/", receipts.receipt_detail, name="api-bidding-receipt"),
    path("lots/<int:lot_id>/opening/", receipts.opening_record, name="api-bidding-opening"),
]
