"""Audit action labels of contracts.performance (registered by ContractsConfig.ready())."""

from django.utils.translation import gettext_lazy as _

LABELS: dict = {
    "contracts.delivery_reported": _("Delivery reported by the supplier"),
    "contracts.acceptance_recorded": _("Acceptance recorded and published"),
    "contracts.contract_accepted": _("Contract finally accepted"),
    "contracts.performance_bond_released": _("Performance bond released"),
    "contracts.payment_applied": _("Payment applied for"),
    "contracts.payment_approved": _("Payment application approved"),
    "contracts.payment_rejected": _("Payment application rejected"),
    "contracts.payment_recorded": _("Payment recorded"),
    "contracts.contract_closed": _("Contract closed (fully paid)"),
    "contracts.late_sme_payment_flagged": _("Late payment to a small or micro supplier flagged"),
    "contracts.breach_recorded": _("Breach recorded and published"),
    "contracts.contract_terminated": _("Contract terminated for breach"),
}
