"""The OCDS 1.1.5 open data (namespace `ocds`, mounted at /api/ocds/): the page that explains it,
releases, records and packages, and the daily bulk files."""

from django.urls import path

from . import api, views

app_name = "ocds"
urlpatterns = [
    path("", views.index, name="index"),
    path("releases/", api.ReleaseList.as_view(), name="releases"),
    path("releases/<str:release_id>/", api.ReleaseDetail.as_view(), name="release"),
    path("records/<str:ocid>/", api.RecordDetail.as_view(), name="record"),
    path("bulk/", api.BulkList.as_view(), name="bulk"),
    path("bulk/<str:name>", api.BulkFile.as_view(), name="bulk_file"),
]
