"""Public pages of the draw record and its replay (included in the experts namespace)."""

from django.urls import path

from . import draw_views

urlpatterns = [
    path("draws/<int:panel_id>/", draw_views.draw_record, name="draw_record"),
    path("draws/<int:panel_id>/replay/", draw_views.draw_replay, name="draw_replay"),
    path("draws/<int:panel_id>.json", draw_views.draw_record_json, name="draw_record_json"),
]
