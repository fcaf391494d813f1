"""API of bidding.evaluation (included under /api/v1/bidding/ by bidding/api/urls.py)."""

from django.urls import path

from . import api

urlpatterns = [
    path("evaluations/", api.evaluation_list, name="api-evaluations"),
    path("evaluations/<int:evaluation_id>/sheet/", api.sheet_detail, name="api-evaluation-sheet"),
    path("evaluations/<int:evaluation_id>/qualification/", api.mark, name="api-evaluation-mark"),
    path(
        "evaluations/<int:evaluation_id>/qualification/submit/",
        api.submit_qualification,
        name="api-evaluation-qualification-submit",
    ),
    path("evaluations/<int:evaluation_id>/scores/", api.score, name="api-evaluation-score"),
    path(
        "evaluations/<int:evaluation_id>/scores/submit/",
        api.submit_scores,
        name="api-evaluation-scores-submit",
    ),
]
