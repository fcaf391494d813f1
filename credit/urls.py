from django.urls import path

from . import views

app_name = "credit"

urlpatterns = [
    path("", views.index, name="index"),
    path("blacklist/", views.blacklist, name="blacklist"),
    path("red-list/", views.red_list, name="red_list"),
    path("rules/", views.rules, name="rules"),
    path("parties/<int:record_id>/", views.party, name="party"),
    path("events/<int:event_id>/document/", views.event_document, name="event_document"),
    path("mine/", views.mine, name="mine"),
    path("mine/events/<int:event_id>/appeal/", views.appeal, name="appeal"),
    path("appeal-documents/<int:document_id>/", views.appeal_document, name="appeal_document"),
    path("supervision/", views.supervision, name="supervision"),
    path("supervision/records/<int:record_id>/", views.supervised_record, name="supervised_record"),
    path("supervision/records/<int:record_id>/penalty/", views.record_penalty, name="record_penalty"),
    path("supervision/appeals/", views.appeals, name="appeals"),
    path("supervision/appeals/<int:appeal_id>/", views.appeal_decision, name="appeal_decision"),
    path("supervision/imports/", views.imports, name="imports"),
    path("supervision/imports/<int:import_id>/", views.import_report, name="import_report"),
]
