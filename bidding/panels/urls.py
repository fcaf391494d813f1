"""Pages of bidding.panels (included in the bidding namespace by bidding/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("lots/<int:lot_id>/panel/", views.panel_page, name="panel"),
    path("lots/<int:lot_id>/panel/request/", views.panel_request, name="panel_request"),
    path("lots/<int:lot_id>/panel/draw/", views.panel_draw, name="panel_draw"),
    path("lots/<int:lot_id>/panel/representative/", views.panel_representative, name="panel_representative"),
    path("panel-invitations/", views.panel_invitations, name="panel_invitations"),
    path("panel-invitations/<int:seat_id>/accept/", views.invitation_accept, name="panel_invitation_accept"),
    path(
        "panel-invitations/<int:seat_id>/decline/", views.invitation_decline, name="panel_invitation_decline"
    ),
    path(
        "panel-invitations/<int:seat_id>/declare/", views.invitation_declare, name="panel_invitation_declare"
    ),
]
