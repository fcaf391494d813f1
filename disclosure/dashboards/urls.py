"""The dashboards pages of the public portal: the public's (no login) and the regulator's."""

from django.urls import path

from . import views

urlpatterns = [
    path("", views.public_dashboard, name="dashboards"),
    path("regulator/", views.regulator_dashboard, name="dashboard_regulator"),
]
