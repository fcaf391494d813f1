"""Performance pages (included in the contracts namespace by contracts/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("<int:contract_id>/performance/", views.performance, name="performance"),
    path("<int:contract_id>/performance/payments/", views.payment_apply, name="payment_apply"),
    path("<int:contract_id>/performance/breaches/", views.breach_record, name="breach_record"),
    path("milestones/<int:milestone_id>/delivery/", views.deliver, name="milestone_deliver"),
    path("milestones/<int:milestone_id>/acceptance/", views.acceptance, name="acceptance"),
    path("acceptances/<int:acceptance_id>/report.pdf", views.acceptance_report, name="acceptance_report"),
    path(
        "acceptances/<int:acceptance_id>/inspection.pdf",
        views.acceptance_inspection,
        name="acceptance_inspection",
    ),
    path("payments/<int:application_id>/approve/", views.payment_approve, name="payment_approve"),
    path("payments/<int:application_id>/reject/", views.payment_reject, name="payment_reject"),
    path("payments/<int:application_id>/paid/", views.payment_record, name="payment_record"),
    path("breaches/<int:breach_id>/evidence.pdf", views.breach_evidence, name="breach_evidence"),
]
