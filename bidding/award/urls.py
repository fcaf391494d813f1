"""Pages of bidding.award (included in the bidding namespace by bidding/urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("awards/", views.award_list, name="awards"),
    path("awards/overdue/", views.overdue_awards, name="awards_overdue"),
    path("awards/<int:award_id>/", views.award_detail, name="award"),
    path("awards/<int:award_id>/confirm/", views.award_confirm, name="award_confirm"),
    path("awards/<int:award_id>/report.pdf", views.award_report, name="award_report"),
    path("award-letters/", views.my_letters, name="award_letters"),
    path("award-letters/<int:letter_id>.pdf", views.letter_pdf, name="award_letter"),
]
