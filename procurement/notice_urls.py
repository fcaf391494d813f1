from django.urls import path

from . import notice_views

app_name = "notices"

urlpatterns = [
    path("", notice_views.notice_list, name="list"),
    path("<int:notice_id>/", notice_views.notice_detail, name="detail"),
    path("<int:notice_id>/documents/", notice_views.notice_document, name="document"),
    path("<int:notice_id>/attachment/", notice_views.notice_attachment, name="attachment"),
]
