"""Pages of bidding.challenges (included in the bidding namespace by bidding/urls.py); every name
starts with challenge or complaint."""

from django.urls import path

from . import views

urlpatterns = [
    path("lots/<int:lot_id>/challenge/", views.challenge_file, name="challenge_file"),
    path("challenges/", views.challenges_to_answer, name="challenges_to_answer"),
    path("challenges/mine/", views.my_challenges, name="challenges_mine"),
    path("challenges/<int:challenge_id>/", views.challenge_detail, name="challenge"),
    path("challenges/<int:challenge_id>/answer/", views.challenge_answer, name="challenge_answer"),
    path("challenges/<int:challenge_id>/withdraw/", views.challenge_withdraw, name="challenge_withdraw"),
    path("challenges/<int:challenge_id>/complaint/", views.complaint_file, name="complaint_file"),
    path("challenges/<int:challenge_id>/evidence/", views.challenge_evidence, name="challenge_evidence"),
    path("complaints/", views.complaint_list, name="complaints"),
    path("complaints/<int:complaint_id>/", views.complaint_detail, name="complaint"),
    path("complaints/<int:complaint_id>/suspend/", views.complaint_suspend, name="complaint_suspend"),
    path("complaints/<int:complaint_id>/decide/", views.complaint_decide, name="complaint_decide"),
    path("complaints/<int:complaint_id>/evidence/", views.complaint_evidence, name="complaint_evidence"),
]
