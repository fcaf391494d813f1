from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DisclosureConfig(AppConfig):
    name = "disclosure"
    verbose_name = _("Disclosure")

    def ready(self):
        # Celery's autodiscovery imports <app>.tasks only: the sub-packages' tasks live apart.
        from .ocds import signals as ocds_signals  # noqa: F401
        from .ocds import tasks as ocds_tasks  # noqa: F401
        from .redflags import tasks as redflag_tasks  # noqa: F401
        from .search import signals as search_signals  # noqa: F401
        from .search import tasks as search_tasks  # noqa: F401
