"""API of bidding.negotiation (included under /api/v1/bidding/ by bidding/api/urls.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path("negotiations/<int:evaluation_id>/thread/", api.thread, name="api-negotiation-thread"),
    path("negotiations/<int:evaluation_id>/thread/replies/", api.reply, name="api-negotiation-reply"),
    path(
        "negotiations/<int:evaluation_id>/final-quotation/",
        api.final_quotation,
        name="api-negotiation-final-quotation",
    ),
]
