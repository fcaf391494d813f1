"""Pages of contract financing (included in the contracts namespace by contracts/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:contract_id>/financing/", views.financing, name="financing"),
    path("<int:contract_id>/financing/apply/", views.financing_apply, name="financing_apply"),
    path("financing/", views.financing_list, name="financing_list"),
    path("financing/<int:application_id>/", views.financing_application, name="financing_application"),
    path("financing/<int:application_id>/decide/", views.financing_decide, name="financing_decide"),
    path("financing/<int:application_id>/withdraw/", views.financing_withdraw, name="financing_withdraw"),
    path(
        "financing/<int:application_id>/contract.pdf",
        views.financing_contract_pdf,
        name="financing_contract_pdf",
    ),
]
