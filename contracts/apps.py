from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ContractsConfig(AppConfig):
    name = "contracts"
    verbose_name = _("Contracts")

    def ready(self):
        from audit.actions import register

        from .actions import LABELS as contract_labels
        from .financing.actions import LABELS as financing_labels
        from .performance.actions import LABELS as performance_labels

        for labels in (contract_labels, performance_labels, financing_labels):
            register(labels)
        # Celery's autodiscovery imports contracts.tasks only: the sub-packages' tasks live apart.
        from .financing import tasks as financing_tasks  # noqa: F401
        from .performance import tasks as performance_tasks  # noqa: F401
