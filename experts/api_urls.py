"""The expert pool's API (included under /api/v1/experts/)."""

from django.urls import path

from .api import views

app_name = "experts_api"

urlpatterns = [
    path("profile/", views.own, name="profile"),
    path("profile/confirm-declarations/", views.confirm_declarations, name="confirm_declarations"),
    path("profile/declarations/", views.declarations, name="declarations"),
    path("profile/declarations/<int:declaration_id>/", views.declaration, name="declaration"),
    path("profile/unavailable-days/", views.unavailable_days, name="unavailable_days"),
    path(
        "profile/unavailable-days/<int:unavailability_id>/",
        views.unavailable_period,
        name="unavailable_period",
    ),
    path("pool/", views.pool, name="pool"),
    path("pool/<int:profile_id>/", views.expert, name="expert"),
    path("pool/<int:profile_id>/approve/", views.approve, name="approve"),
    path("pool/<int:profile_id>/reject/", views.reject, name="reject"),
    path("pool/<int:profile_id>/suspend/", views.suspend, name="suspend"),
    path("pool/<int:profile_id>/reinstate/", views.reinstate, name="reinstate"),
]
