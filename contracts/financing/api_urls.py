"""API routes of contract financing (included under /api/v1/contracts/ by contracts/api_urls.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path("financing/", api.financing_list, name="api-contracts-financing"),
    path("financing/<int:application_id>/", api.financing_detail, name="api-contracts-financing-detail"),
    path(
        "financing/<int:application_id>/decide/", api.financing_decide, name="api-contracts-financing-decide"
    ),
]
