"""The forms of the contract pages: edge validation only; contracts.services decides (and checks
again: the award-fixed fields, the caps, the milestones' total, the second factor)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .performance.models import Milestone

TEXT = {"class": "form-control"}
SMALL = {"class": "form-control form-control-sm"}


class ContractDraftForm(forms.Form):
    """The fields the purchaser completes while the contract is an unsigned draft."""

    payment_terms = forms.CharField(
        label=_("Payment terms"),
        max_length=8000,
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 3}),
    )
    performance_bond_percent = forms.DecimalField(
        label=_("Performance bond (percent of the amount)"),
        min_value=0,
        max_digits=5,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.01"}),
    )
    sme_payment_days = forms.IntegerField(
        label=_("Days to pay after acceptance"),
        min_value=1,
        required=False,
        widget=forms.NumberInput(attrs=TEXT),
    )
    special_terms = forms.CharField(
        label=_("Special terms"),
        max_length=20000,
        required=False,
        widget=forms.Textarea(attrs={**TEXT, "rows": 4}),
    )
    purchaser_contact = forms.CharField(label=_("Purchaser's contact person"), max_length=100, required=False)
    purchaser_phone = forms.CharField(label=_("Purchaser's contact telephone"), max_length=40, required=False)
    supplier_contact = forms.CharField(label=_("Supplier's contact person"), max_length=100, required=False)
    supplier_phone = forms.CharField(label=_("Supplier's contact telephone"), max_length=40, required=False)
    supplier_bank = forms.CharField(label=_("Supplier's bank"), max_length=200, required=False)
    supplier_account_name = forms.CharField(
        label=_("Supplier's account name"), max_length=200, required=False
    )
    supplier_account_number = forms.CharField(
        label=_("Supplier's account number"), max_length=40, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in (
            "purchaser_contact",
            "purchaser_phone",
            "supplier_contact",
            "supplier_phone",
            "supplier_bank",
            "supplier_account_name",
            "supplier_account_number",
        ):
            self.fields[name].widget.attrs.update(TEXT)

    def service_fields(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("performance_bond_percent") is None:
            data["performance_bond_percent"] = 0
        return data


class MilestoneForm(forms.Form):
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, widget=forms.TextInput(attrs=SMALL)
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=Milestone.Kind.choices,
        widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
    )
    description = forms.CharField(
        label=_("What is delivered"), max_length=4000, required=False, widget=forms.TextInput(attrs=SMALL)
    )
    due_date = forms.DateField(
        label=_("Due date"),
        required=False,
        widget=forms.DateInput(attrs={**SMALL, "type": "date"}, format="%Y-%m-%d"),
    )
    amount = forms.DecimalField(
        label=_("Amount (CNY)"),
        max_digits=18,
        decimal_places=2,
        required=False,
        widget=forms.NumberInput(attrs={**SMALL, "step": "0.01"}),
    )


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=2, max_num=200)


def milestone_rows(formset) -> list[dict]:
    """The filled rows of the formset, for save_draft (a row without a title is left out)."""
    return [
        {
            "title": row["title"],
            "kind": row["kind"],
            "description": row.get("description", ""),
            "due_date": row.get("due_date"),
            "amount": row.get("amount"),
        }
        for row in (form.cleaned_data for form in formset.forms)
        if row and row.get("title")
    ]


class SignForm(forms.Form):
    otp_token = forms.CharField(
        label=_("Code from your authenticator"),
        max_length=6,
        min_length=6,
        widget=forms.TextInput(
            attrs={
                "class": "form-control",
                "inputmode": "numeric",
                "autocomplete": "one-time-code",
                "pattern": "[0-9]{6}",
            }
        ),
    )


class SupplementForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Additional amount (CNY)"),
        min_value=0,
        max_digits=18,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**TEXT, "step": "0.01"}),
    )
    subject = forms.CharField(
        label=_("What is added (same subject as the contract)"),
        max_length=8000,
        widget=forms.Textarea(attrs={**TEXT, "rows": 2}),
    )
    reason = forms.CharField(
        label=_("Why it is needed"), max_length=8000, widget=forms.Textarea(attrs={**TEXT, "rows": 2})
    )
    due_date = forms.DateField(label=_("Due date"), widget=forms.DateInput(attrs={**TEXT, "type": "date"}))
