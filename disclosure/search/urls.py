"""The search pages of the public portal (no login), mounted at /search/."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.search, name="search"),
    path("feed.atom", views.search_feed, name="search_feed"),
    path("feeds/<slug:kind>.atom", views.kind_feed, name="search_kind_feed"),
    path("export.csv", views.export_csv, name="search_export_csv"),
    path("export.xlsx", views.export_xlsx, name="search_export_xlsx"),
]
