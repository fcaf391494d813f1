from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Accounts")

    def ready(self):
        from audit.actions import register

        register(
            {
                "accounts.login": _("Logged in"),
                "accounts.membership_switched": _("Switched role"),
                "accounts.membership_granted": _("Role granted"),
                "accounts.membership_changed": _("Role changed"),
                "accounts.organisation_created": _("Organisation registered"),
                "accounts.organisation_changed": _("Organisation details changed"),
                "accounts.organisation_manager_granted": _("Made an organisation manager"),
                "accounts.organisation_manager_revoked": _("No longer an organisation manager"),
                "accounts.second_factor_enrolment_started": _("Second factor set-up begun"),
                "accounts.second_factor_enrolled": _("Second factor set up"),
                "accounts.second_factor_verified": _("Second factor verified"),
                "accounts.second_factor_reset": _("Second factor reset"),
                "accounts.user_created": _("User created"),
                "accounts.user_changed": _("User changed"),
                "accounts.password_reset_sent": _("Password reset e-mail sent"),
                "accounts.password_reset": _("Password reset"),
                "accounts.login_unlocked": _("Login unlocked"),
            }
        )
