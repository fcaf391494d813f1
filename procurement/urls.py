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
]
