from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("second-factor/", views.otp_verify, name="otp_verify"),
    path("second-factor/setup/", views.otp_setup, name="otp_setup"),
    path("password-reset/", views.password_reset, name="password_reset"),
    path("password-reset/sent/", views.password_reset_done, name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", views.password_reset_confirm, name="password_reset_confirm"),
    path("password-reset/complete/", views.password_reset_complete, name="password_reset_complete"),
    path("memberships/<int:membership_id>/switch/", views.switch_membership, name="switch_membership"),
    path("workspace/", views.workspace, name="workspace"),
    path("workspace/<slug:role>/", views.workspace_role, name="workspace_role"),
    path("organisations/<int:organisation_id>/", views.organisation_detail, name="organisation"),
    path("inbox/", views.inbox, name="inbox"),
    path("inbox/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("inbox/<int:notification_id>/read/", views.notification_read, name="notification_read"),
]
