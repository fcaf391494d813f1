from django.urls import path

from . import views

app_name = "procurement_api"

urlpatterns = [
    path("projects/", views.projects, name="projects"),
    path("projects/<int:project_id>/", views.project, name="project"),
    path("projects/<int:project_id>/lots/", views.lots, name="lots"),
    path("projects/<int:project_id>/approvals/", views.approvals, name="approvals"),
    path("projects/<int:project_id>/submit/", views.submit, name="submit"),
    path("projects/<int:project_id>/approve/", views.approve, name="approve"),
    path("projects/<int:project_id>/return/", views.return_, name="return"),
    path("projects/<int:project_id>/entrust/", views.entrust, name="entrust"),
    path("projects/<int:project_id>/publish/", views.publish, name="publish"),
    path("projects/<int:project_id>/cancel/", views.cancel, name="cancel"),
    path("projects/<int:project_id>/retender/publish/", views.publish_retender, name="publish_retender"),
    path("lots/<int:lot_id>/retender/", views.retender, name="retender"),
    path("lots/<int:lot_id>/method-change/", views.method_change, name="method_change"),
    path("regulator-approvals/", views.regulator_approvals, name="regulator_approvals"),
    path("regulator-approvals/<int:approval_id>/decide/", views.decide, name="decide"),
    path("notices/", views.notices, name="notices"),
    path("notices/<int:notice_id>/", views.notice, name="notice"),
]
