from django.urls import path

from . import views

app_name = "suppliers"

urlpatterns = [
    path("register/", views.register, name="register"),
    path("profile/", views.profile, name="profile"),
    path("profile/qualifications/", views.qualification_add, name="qualification_add"),
    path("review/", views.review_list, name="review_list"),
    path("review/<int:profile_id>/", views.review_detail, name="review_detail"),
    path("review/<int:profile_id>/decide/", views.review_decide, name="review_decide"),
    path("tenders/<int:notice_id>/documents/", views.tender_documents, name="tender_documents"),
]
