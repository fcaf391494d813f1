"""Pages of contracts: the contract itself (drafting, signing, publication, supplementary
agreements), its performance (milestones, acceptance, payment, breaches) and its financing."""

from django.urls import include, path

from . import views

app_name = "contracts"

urlpatterns = [
    path("", views.contract_list, name="list"),
    path("certificate-authority.pem", views.ca_certificate, name="ca_certificate"),
    path("lots/<int:lot_id>/draft/", views.lot_draft, name="lot_draft"),
    path("<int:contract_id>/", views.contract_detail, name="contract"),
    path("<int:contract_id>/edit/", views.contract_edit, name="edit"),
    path("<int:contract_id>/sign/", views.contract_sign, name="sign"),
    path("<int:contract_id>/publish/", views.contract_publish, name="publish"),
    path("<int:contract_id>/contract.pdf", views.contract_pdf, name="contract_pdf"),
    path("<int:contract_id>/draft.pdf", views.draft_pdf, name="draft_pdf"),
    path("<int:contract_id>/supplements/new/", views.supplement_new, name="supplement_new"),
    path("supplements/<int:supplement_id>/sign/", views.supplement_sign, name="supplement_sign"),
    path("supplements/<int:supplement_id>.pdf", views.supplement_pdf, name="supplement_pdf"),
    path("", include("contracts.performance.urls")),
    path("", include("contracts.financing.urls")),
]
