"""The portal pages of the public portal (no login unless said)."""

from django.urls import path, register_converter

from . import views
from .kinds import NoticeKindConverter

register_converter(NoticeKindConverter, "notice_kind")

urlpatterns = [
    path("", views.home, name="home"),
    # /notices/ and /notices/<id>/ are procurement's list and notice pages; a kind's list sits beside them.
    path("notices/<notice_kind:kind>/", views.notice_type, name="notice_type"),
    path("projects/<int:pk>/", views.project, name="project"),
    path("projects/<int:pk>/trail/", views.project_trail, name="project_trail"),
    path("projects/reference/<str:reference>/", views.project_by_reference, name="project_by_reference"),
    # In the audit app's folder, but here: the receipt check reads the bidding app, which audit may not.
    path("audit/verify", views.audit_verify, name="audit_verify"),
]
