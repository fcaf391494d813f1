from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CreditConfig(AppConfig):
    name = "credit"
    verbose_name = _("Credit")

    def ready(self):
        from audit.actions import register

        register(
            {
                "credit.event_recorded": _("Credit event recorded"),
                "credit.feed_imported": _("Credit feed imported"),
                "credit.event_appealed": _("Credit event appealed"),
                "credit.appeal_decided": _("Credit appeal decided"),
                "credit.ban_expired": _("Blacklist entry expired"),
                "credit.scores_recomputed": _("Credit scores recomputed"),
                "credit.rule_saved": _("Credit rule saved"),
            }
        )
