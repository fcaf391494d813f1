"""Forms of the financing pages: edge validation only; contracts.financing.services decides (and
checks again: the bank, the amount available, the term, the state)."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_PURPOSE_CHARS, MAX_REASON_CHARS, MAX_TERM_MONTHS


class ApplyForFinancingForm(forms.Form):
    bank = forms.TypedChoiceField(
        label=_("Bank"), coerce=int, widget=forms.Select(attrs={"class": "form-select"})
    )
    amount = forms.DecimalField(
        label=_("Amount requested (CNY)"),
        max_digits=18,
        decimal_places=2,
        min_value=Decimal("0.01"),
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01", "min": "0.01"}),
    )
    term_months = forms.IntegerField(
        label=_("Term (months)"),
        min_value=1,
        max_value=MAX_TERM_MONTHS,
        widget=forms.NumberInput(attrs={"class": "form-control", "min": "1", "max": str(MAX_TERM_MONTHS)}),
    )
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=MAX_PURPOSE_CHARS,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )

    def __init__(self, *args, banks=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].choices = [("", _("Choose a bank"))] + [(b.pk, b.name) for b in banks]


class DecideFinancingForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("decline", _("Decline"))],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    approved_amount = forms.DecimalField(
        label=_("Amount approved (CNY)"),
        required=False,
        max_digits=18,
        decimal_places=2,
        min_value=Decimal("0.01"),
        help_text=_("Leave empty to approve the amount requested."),
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01", "min": "0.01"}),
    )
    reason = forms.CharField(
        label=_("Reason or conditions (required to decline)"),
        required=False,
        max_length=MAX_REASON_CHARS,
        widget=forms.Textarea(attrs={"class": "form-control", "rows": 3}),
    )

    @property
    def approve(self) -> bool:
        return self.cleaned_data.get("decision") == "approve"
