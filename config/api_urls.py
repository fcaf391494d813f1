"""The REST API, version 1: each app's api/urls.py mounted under its name."""

from django.urls import include, path

urlpatterns = [
    path("accounts/", include("accounts.api.urls")),
    path("audit/", include("audit.api.urls")),
    path("bidding/bonds/", include("bidding.api.bonds")),
    path("credit/", include("credit.api.urls")),
    path("procurement/", include("procurement.api.urls")),
    path("bidding/", include("bidding.api.urls")),
    path("suppliers/", include("suppliers.api.urls")),
    path("experts/", include("experts.api_urls")),
    path("contracts/", include("contracts.api_urls")),
]
