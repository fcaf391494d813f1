"""The red-flag pages: the public definitions page, and the regulator's worklist with a page per
flagged lot and per flagged party (mounted at /red-flags/ in the disclosure namespace)."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.worklist, name="redflag_worklist"),
    path("about/", views.about, name="redflag_about"),
    path("lots/<int:lot_id>/", views.lot_flags, name="redflag_lot"),
    path("parties/<int:organisation_id>/", views.party_flags, name="redflag_party"),
]
