from django.urls import path

from . import views

app_name = "credit_api"

urlpatterns = [
    path("records/", views.records, name="records"),
    path("records/<int:record_id>/", views.record, name="record"),
    path("blacklist/", views.blacklist, name="blacklist"),
    path("red-list/", views.red_list, name="red_list"),
    path("mine/", views.mine, name="mine"),
    path("events/<int:event_id>/appeals/", views.appeal, name="appeal"),
    path("eligibility/", views.eligibility, name="eligibility"),
]
