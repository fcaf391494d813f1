"""Pages of bidding.negotiation (included in the bidding namespace by bidding/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("negotiations/<int:evaluation_id>/", views.panel_page, name="negotiation_panel"),
    path("negotiations/<int:evaluation_id>/messages/", views.message_send, name="negotiation_message"),
    path("negotiations/<int:evaluation_id>/revisions/", views.revision_send, name="negotiation_revision"),
    path("negotiations/<int:evaluation_id>/final-round/", views.final_round_call, name="negotiation_call"),
    path(
        "negotiations/<int:evaluation_id>/final-round/open/", views.final_round_open, name="negotiation_open"
    ),
    path("negotiations/<int:evaluation_id>/thread/", views.thread_page, name="negotiation_thread"),
    path("negotiations/<int:evaluation_id>/thread/reply/", views.thread_reply, name="negotiation_reply"),
    path("negotiations/<int:evaluation_id>/thread/quote/", views.thread_quote, name="negotiation_quote"),
    path(
        "negotiations/messages/<int:message_id>/document/",
        views.message_document,
        name="negotiation_document",
    ),
]
