"""The bond pages' forms: edge validation only; bidding.bonds decides (and checks again)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Bond

GUARANTEES = (Bond.Form.BANK_GUARANTEE, Bond.Form.INSURANCE_GUARANTEE)


def _text(label, max_length, **attrs):
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        widget=forms.TextInput(attrs={"class": "form-control", **attrs}),
    )


class LodgeBondForm(forms.Form):
    form = forms.ChoiceField(
        label=_("How the bond is given"),
        choices=Bond.Form.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    payer_bank = _text(_("Paying bank"), 200, autocomplete="off")
    payer_account_name = _text(_("Paying account's name"), 200, autocomplete="off")
    payer_account_number = _text(_("Paying account's number"), 40, autocomplete="off", inputmode="numeric")
    guarantee_number = _text(_("Guarantee number"), 100)
    guarantor = _text(_("Issuing bank or insurer"), 200)
    document = forms.FileField(
        label=_("Guarantee (PDF)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".pdf,application/pdf"}),
    )

    def clean(self):
        data = super().clean()
        chosen = data.get("form")
        if chosen == Bond.Form.CASH_TRANSFER:
            for field in ("payer_bank", "payer_account_name", "payer_account_number"):
                if not data.get(field, "").strip():
                    self.add_error(field, _("Needed for a bank transfer."))
        elif chosen in GUARANTEES:
            for field in ("guarantee_number", "guarantor"):
                if not data.get(field, "").strip():
                    self.add_error(field, _("Needed for a guarantee."))
            if not data.get("document"):
                self.add_error("document", _("Upload the guarantee as a PDF."))
        return data

    def lodging(self) -> dict:
        """The service's keyword arguments."""
        data = self.cleaned_data
        return {
            "form": data["form"],
            "payer_bank": data["payer_bank"],
            "payer_account_name": data["payer_account_name"],
            "payer_account_number": data["payer_account_number"],
            "guarantee_number": data["guarantee_number"],
            "guarantor": data["guarantor"],
            "document": data["document"],
        }


class BondReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the supplier reads it)"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 2, "class": "form-control"}),
    )
