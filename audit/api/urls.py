from django.urls import path

from . import views

app_name = "audit_api"
urlpatterns = [
    path("head/", views.ChainHeadView.as_view(), name="head"),
]
