"""The contracts API (/api/v1/contracts/)."""

from django.urls import include, path

from . import api

urlpatterns = [
    path("", api.contract_list, name="api-contracts"),
    path("<int:contract_id>/", api.contract_detail, name="api-contract"),
    path("<int:contract_id>/sign/", api.contract_sign, name="api-contract-sign"),
    path("", include("contracts.performance.api_urls")),
    path("", include("contracts.financing.api_urls")),
]
