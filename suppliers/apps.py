from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SuppliersConfig(AppConfig):
    name = "suppliers"
    verbose_name = _("Suppliers")

    def ready(self):
        from audit.actions import register

        register(
            {
                "suppliers.registered": _("Supplier registered"),
                "suppliers.registration_changed": _("Supplier registration changed"),
                "suppliers.registration_resubmitted": _("Supplier registration resubmitted for review"),
                "suppliers.qualification_added": _("Qualification added"),
                "suppliers.approved": _("Supplier registration approved"),
                "suppliers.changes_requested": _("Changes to a supplier registration requested"),
                "suppliers.rejected": _("Supplier registration rejected"),
                "suppliers.suspended": _("Supplier suspended"),
                "suppliers.reinstated": _("Supplier reinstated"),
                "suppliers.qualification_expiry_warned": _("Supplier warned of an expiring qualification"),
                "suppliers.qualification_lapsed": _("Qualification lapsed"),
                "suppliers.documents_downloaded": _("Tender documents downloaded by a supplier"),
            }
        )
