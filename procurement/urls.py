from django.urls import path

from . import views

app_name = "procurement"

urlpatterns = [
    path("projects/", views.project_list, name="projects"),
    path("projects/new/", views.project_new, name="project_new"),
    path("projects/<int:project_id>/", views.project_detail, name="project"),
    path("projects/<int:project_id>/submit/", views.project_submit, name="project_submit"),
    path("projects/<int:project_id>/approve/", views.project_approve, name="project_approve"),
    path("projects/<int:project_id>/return/", views.project_return, name="project_return"),
    path("projects/<int:project_id>/entrust/", views.project_entrust, name="project_entrust"),
    path("projects/<int:project_id>/agreement/", views.entrustment_agreement, name="entrustment_agreement"),
    path("projects/<int:project_id>/cancel/", views.project_cancel, name="project_cancel"),
    path("projects/<int:project_id>/documents/", views.documents, name="documents"),
    path("projects/<int:project_id>/documents/start/", views.documents_start, name="documents_start"),
    path("projects/<int:project_id>/documents/preview/", views.documents_preview, name="documents_preview"),
    path("projects/<int:project_id>/tender/publish/", views.tender_publish, name="tender_publish"),
    path(
        "projects/<int:project_id>/clarifications/", views.clarification_publish, name="clarification_publish"
    ),
    path("projects/<int:project_id>/amendment/start/", views.amendment_start, name="amendment_start"),
    path("projects/<int:project_id>/amendment/publish/", views.amendment_publish, name="amendment_publish"),
    path("lots/<int:lot_id>/cancel/", views.lot_cancel, name="lot_cancel"),
    path("lots/<int:lot_id>/retender/", views.lot_retender, name="lot_retender"),
    path("lots/<int:lot_id>/method-change/", views.lot_method_change, name="lot_method_change"),
    path(
        "projects/<int:project_id>/retender/start/",
        views.retender_documents_start,
        name="retender_documents_start",
    ),
    path("projects/<int:project_id>/retender/publish/", views.retender_publish, name="retender_publish"),
    path("documents/<int:document_id>/pdf/", views.document_pdf, name="document_pdf"),
    path("tenders/", views.tender_list, name="tenders"),
    path("regulator/approvals/", views.regulator_approvals, name="regulator_approvals"),
    path("regulator/approvals/<int:approval_id>/decide/", views.regulator_decide, name="regulator_decide"),
]
