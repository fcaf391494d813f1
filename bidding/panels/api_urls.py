"""API of bidding.panels (included under /api/v1/bidding/ by bidding/api/urls.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path("lots/<int:lot_id>/panel/", api.lot_panel, name="api-bidding-lot-panel"),
    path("lots/<int:lot_id>/panel/draw/", api.lot_panel_draw, name="api-bidding-lot-panel-draw"),
    path("panel-invitations/", api.invitation_list, name="api-bidding-panel-invitations"),
    path("panel-invitations/<int:seat_id>/accept/", api.invitation_accept, name="api-bidding-panel-accept"),
    path(
        "panel-invitations/<int:seat_id>/decline/", api.invitation_decline, name="api-bidding-panel-decline"
    ),
    path(
        "panel-invitations/<int:seat_id>/declare/", api.invitation_declare, name="api-bidding-panel-declare"
    ),
]
