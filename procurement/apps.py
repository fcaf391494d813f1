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
                "procurement.regulator_approved": _("Approved by the regulator"),
                "procurement.regulator_refused": _("Refused by the regulator"),
                "procurement.project_entrusted": _("Project entrusted to an agency"),
                "procurement.tender_documents_started": _("Tender documents started from the template"),
                "procurement.tender_documents_saved": _("Tender documents saved"),
                "procurement.tender_published": _("Tender notice published"),
                "procurement.bidding_closed": _("Bid deadline passed"),
                "procurement.clarification_published": _("Clarification published"),
                "procurement.amendment_started": _("Amendment of the tender documents started"),
                "procurement.amendment_published": _("Amendment published"),
                "procurement.project_cancelled": _("Project cancelled"),
                "procurement.lot_cancelled": _("Lot cancelled"),
                "procurement.lot_retendered": _("Failed lot to be re-tendered"),
                "procurement.retender_documents_started": _(
                    "Documents for procuring a failed lot again started"
                ),
                "procurement.retender_published": _("Failed lot procured again: notice published"),
                "procurement.method_change_requested": _("Another method requested for a failed lot"),
            }
        )
