from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.chain, name="chain"),
    path("checkpoints/", views.checkpoints, name="checkpoints"),
    path("checkpoints.json", views.checkpoints_json, name="checkpoints_json"),
    # /audit/verify is the portal's (disclosure:audit_verify): it reads bid receipts.
]
