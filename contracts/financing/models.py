"""Contract financing (政府采购合同融资): a supplier with a signed contract applies to a bank for
credit against it; the bank's officers see the application with the contract and the supplier's
credit summary, and approve or decline it with a reason. A blacklisted supplier cannot apply
(credit.eligibility, action apply_for_financing).

    submitted ──approve──▶ approved
              ──decline (reason)──▶ declined
              ──withdraw──▶ withdrawn

States change only through contracts.financing.services.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.models import TimeStampedModel


class FinancingApplication(TimeStampedModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", _("Submitted")
        APPROVED = "approved", _("Approved")
        DECLINED = "declined", _("Declined")
        WITHDRAWN = "withdrawn", _("Withdrawn")

    contract = models.ForeignKey(
        "contracts.Contract",
        verbose_name=_("contract"),
        on_delete=models.PROTECT,
        related_name="financing_applications",
    )
    supplier = models.ForeignKey(
        "accounts.Organisation", verbose_name=_("supplier"), on_delete=models.PROTECT, related_name="+"
    )
    bank = models.ForeignKey(
        "accounts.Organisation",
        verbose_name=_("bank"),
        on_delete=models.PROTECT,
        related_name="financing_applications",
    )
    amount = models.DecimalField(_("amount requested (CNY)"), max_digits=18, decimal_places=2)
    term_months = models.PositiveSmallIntegerField(_("term (months)"))
    purpose = models.TextField(_("purpose"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.SUBMITTED)
    # The supplier's credit as it stood when applying: {"score", "stars", "grade", "bans", "events"}.
    credit_summary = models.JSONField(_("credit summary at application"), default=dict)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("applied by"), on_delete=models.PROTECT, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)
    decision_reason = models.TextField(_("reason"), blank=True)
    approved_amount = models.DecimalField(
        _("amount approved (CNY)"), max_digits=18, decimal_places=2, null=True, blank=True
    )

    class Meta:
        verbose_name = _("financing application")
        verbose_name_plural = _("financing applications")
        ordering = ["-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0), name="financing_amount_positive", violation_error_code="amount"
            ),
            models.CheckConstraint(
                condition=Q(term_months__gte=1), name="financing_term_positive", violation_error_code="term"
            ),
            models.UniqueConstraint(
                fields=["contract", "bank"],
                condition=Q(status="submitted"),
                name="financing_one_open_per_bank",
                violation_error_code="already_applied",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_reason=""),
                name="financing_declined_has_reason",
                violation_error_code="reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="approved") | Q(approved_amount__gt=0),
                name="financing_approved_has_amount",
                violation_error_code="approved_amount",
            ),
        ]

    def __str__(self) -> str:
        return f"financing application {self.pk} ({self.status})"


FINANCING_TRANSITIONS: dict[str, frozenset[str]] = {
    FinancingApplication.Status.SUBMITTED: frozenset(
        {
            FinancingApplication.Status.APPROVED,
            FinancingApplication.Status.DECLINED,
            FinancingApplication.Status.WITHDRAWN,
        }
    ),
    FinancingApplication.Status.APPROVED: frozenset(),
    FinancingApplication.Status.DECLINED: frozenset(),
    FinancingApplication.Status.WITHDRAWN: frozenset(),
}


def can_transition_financing(current: str, target: str) -> bool:
    return target in FINANCING_TRANSITIONS.get(current, frozenset())
