from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ProcurementConfig(AppConfig):
    name = "procurement"
    verbose_name = _("Procurement")

    def ready(self):
        from audit.actions import register

        register(
            {
                "procurement.project_filed": _("Project filed"),
                "procurement.project_submitted": _("Project submitted for approval"),
                "procurement.project_level_approved": _("Project approved at one level"),
                "procurement.project_approved": _("Project approved"),
                "procurement.project_returned": _("Project returned for changes"),
            }
        )
