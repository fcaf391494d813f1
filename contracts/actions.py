"""Audit action labels of the contract core (registered by ContractsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

LABELS: dict = {
    "contracts.contract_drafted": _("Contract drafted from the award"),
    "contracts.contract_draft_saved": _("Contract draft completed or changed"),
    "contracts.contract_signature": _("Contract signed by one party (second factor, digital signature)"),
    "contracts.contract_signed": _("Contract signed by both parties"),
    "contracts.contract_published": _("Contract notice published"),
    "contracts.signing_warned": _("Contract signing limit near (parties warned)"),
    "contracts.signing_escalated": _("Contract signing overdue (escalated to the regulator)"),
    "contracts.disclosure_escalated": _("Contract notice overdue (escalated to the regulator)"),
    "contracts.supplement_drafted": _("Supplementary agreement drafted"),
    "contracts.supplement_signature": _("Supplementary agreement signed by one party"),
    "contracts.supplement_signed": _("Supplementary agreement signed by both parties and published"),
}
