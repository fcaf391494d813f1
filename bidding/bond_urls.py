"""Bond pages, included by bidding/urls.py (namespace "bidding"); every name starts with bond_."""

from django.urls import path

from . import bond_views as views

urlpatterns = [
    path("lots/<int:lot_id>/bond/", views.bond_lot, name="bond_lot"),
    path("lots/<int:lot_id>/bond/lodge/", views.bond_lodge, name="bond_lodge"),
    path("projects/<int:project_id>/bonds/", views.bond_project, name="bond_project"),
    path("bonds/<int:bond_id>/verify/", views.bond_verify, name="bond_verify"),
    path("bonds/<int:bond_id>/reject/", views.bond_reject, name="bond_reject"),
    path("bonds/<int:bond_id>/refund/", views.bond_refund, name="bond_refund"),
    path("bonds/<int:bond_id>/forfeit/", views.bond_forfeit, name="bond_forfeit"),
    path("bonds/<int:bond_id>/document/", views.bond_document, name="bond_document"),
]
