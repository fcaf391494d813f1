from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExpertsConfig(AppConfig):
    name = "experts"
    verbose_name = _("Experts")

    def ready(self):
        from audit.actions import register

        from .actions import LABELS

        register(LABELS)
        # Celery's autodiscovery finds experts.tasks by itself.
