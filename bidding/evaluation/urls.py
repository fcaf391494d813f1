"""Pages of bidding.evaluation (included in the bidding namespace by bidding/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("evaluations/", views.desk, name="evaluation_desk"),
    path("evaluations/<int:evaluation_id>/", views.evaluation_page, name="evaluation"),
    path(
        "evaluations/<int:evaluation_id>/qualification/", views.qualification, name="evaluation_qualification"
    ),
    path("evaluations/<int:evaluation_id>/bids/<int:bid_id>/scores/", views.scores, name="evaluation_scores"),
    path("evaluations/<int:evaluation_id>/submit/", views.submit_scores, name="evaluation_submit"),
    path(
        "evaluations/<int:evaluation_id>/bids/<int:bid_id>/files/",
        views.bid_files,
        name="evaluation_bid_files",
    ),
    path(
        "evaluations/<int:evaluation_id>/bids/<int:bid_id>/files/<int:file_id>/",
        views.bid_file,
        name="evaluation_bid_file",
    ),
    path(
        "evaluations/<int:evaluation_id>/bids/<int:bid_id>/explanation/",
        views.decide_explanation,
        name="evaluation_decide_explanation",
    ),
    path("evaluations/<int:evaluation_id>/summary/", views.summary, name="evaluation_summary"),
    path("evaluations/<int:evaluation_id>/sign/", views.sign, name="evaluation_sign"),
    path("evaluations/<int:evaluation_id>/report.pdf", views.report_pdf, name="evaluation_report"),
    path("evaluations/<int:evaluation_id>/progress/", views.progress, name="evaluation_progress"),
    path("bids/<uuid:public_id>/explanation/", views.explanation, name="price_explanation"),
]
