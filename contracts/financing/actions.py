"""Audit action labels of contract financing (registered by ContractsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

LABELS: dict = {
    "contracts.financing_applied": _("Contract financing applied for"),
    "contracts.financing_approved": _("Contract financing approved by the bank"),
    "contracts.financing_declined": _("Contract financing declined by the bank"),
    "contracts.financing_withdrawn": _("Contract financing application withdrawn"),
    "contracts.financing_contract_read": _("Signed contract read for a financing application"),
}
