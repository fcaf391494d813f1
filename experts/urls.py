from django.urls import include, path

from . import views

app_name = "experts"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("profile/", views.profile, name="profile"),
    path("profile/declarations/", views.declaration_add, name="declaration_add"),
    path("profile/declarations/confirm/", views.declarations_confirm, name="declarations_confirm"),
    path("profile/declarations/<int:declaration_id>/", views.declaration_edit, name="declaration_edit"),
    path(
        "profile/declarations/<int:declaration_id>/remove/",
        views.declaration_remove,
        name="declaration_remove",
    ),
    path("profile/unavailable/", views.unavailability_add, name="unavailability_add"),
    path(
        "profile/unavailable/<int:unavailability_id>/remove/",
        views.unavailability_remove,
        name="unavailability_remove",
    ),
    path("pool/", views.pool, name="pool"),
    path("pool/new/", views.pool_register, name="pool_register"),
    path("pool/<int:profile_id>/", views.pool_detail, name="pool_detail"),
    path("pool/<int:profile_id>/decide/", views.pool_decide, name="pool_decide"),
    path("", include("experts.draw_urls")),
]
