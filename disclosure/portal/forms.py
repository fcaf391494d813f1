"""Forms of the portal pages: the filters of one kind's notice list, and the bid receipt to verify."""

from django import forms
from django.utils.translation import gettext_lazy as _

from procurement.forms import NoticeFilterForm

from . import receipts


class KindFilterForm(NoticeFilterForm):
    """The notice list's filters without the kind (the page is one kind's)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["kind"]


class ReceiptForm(forms.Form):
    """A bid receipt, pasted as JSON or given as the downloaded .json file (one of the two)."""

    receipt = forms.CharField(
        label=_("Receipt (JSON)"),
        required=False,
        max_length=receipts.MAX_RECEIPT_BYTES,
        strip=True,
        widget=forms.Textarea(
            attrs={
                "rows": 8,
                "class": "form-control font-monospace",
                "spellcheck": "false",
                "aria-describedby": "id_receipt-help",
            }
        ),
        help_text=_(
            "Paste the receipt exactly as you downloaded it from your bid's receipt page (“Receipt (JSON)”)."
        ),
    )
    receipt_file = forms.FileField(
        label=_("Or choose the receipt file"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".json,application/json"}),
    )

    def clean(self):
        cleaned = super().clean()
        text, upload = cleaned.get("receipt"), cleaned.get("receipt_file")
        if self.errors:
            return cleaned
        if not text and not upload:
            raise forms.ValidationError(_("Paste your receipt or choose its file."), code="required")
        if text and upload:
            raise forms.ValidationError(
                _("Give the receipt once: pasted or as a file, not both."), code="both"
            )
        if upload is not None:
            if upload.size > receipts.MAX_RECEIPT_BYTES:
                raise forms.ValidationError(
                    _("A receipt is a few kilobytes; this is too large."), code="size"
                )
            content = upload.read(receipts.MAX_RECEIPT_BYTES + 1)
        else:
            content = text
        try:
            cleaned["parsed"] = receipts.parse(content)
        except receipts.InvalidReceipt as problem:
            raise forms.ValidationError(problem.message, code="invalid") from None
        return cleaned
