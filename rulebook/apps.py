from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RulebookConfig(AppConfig):
    name = "rulebook"
    verbose_name = _("Rulebook")

    def ready(self):
        from audit.actions import register

        register(
            {
                "rulebook.rule_added": _("Rule added"),
                "rulebook.rule_changed": _("Rule corrected"),
                "rulebook.rule_deleted": _("Scheduled rule withdrawn"),
                "rulebook.rule_seeded": _("Default rule loaded"),
                "rulebook.calendar_override_added": _("Calendar day set"),
                "rulebook.calendar_override_changed": _("Calendar day changed"),
                "rulebook.calendar_override_deleted": _("Calendar day removed"),
                "rulebook.calendar_year_declared": _("Calendar year declared"),
            }
        )
