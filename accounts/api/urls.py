from django.urls import path

from . import views

app_name = "accounts_api"

urlpatterns = [
    path("me/", views.me, name="me"),
    path("organisations/<int:organisation_id>/", views.organisation, name="organisation"),
    path("memberships/<int:membership_id>/switch/", views.switch_membership, name="switch_membership"),
]
