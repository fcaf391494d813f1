from django.urls import path

from . import views

app_name = "suppliers_api"

urlpatterns = [
    path("profile/", views.own, name="profile"),
    path("registrations/", views.registrations, name="registrations"),
    path("registrations/<int:profile_id>/", views.registration, name="registration"),
    path("registrations/<int:profile_id>/approve/", views.approve, name="approve"),
    path("registrations/<int:profile_id>/request-changes/", views.request_changes, name="request_changes"),
    path("registrations/<int:profile_id>/reject/", views.reject, name="reject"),
    path("registrations/<int:profile_id>/suspend/", views.suspend, name="suspend"),
    path("registrations/<int:profile_id>/reinstate/", views.reinstate, name="reinstate"),
]
