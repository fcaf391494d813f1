"""The negotiation pages' forms: edge validation only; bidding.negotiation.services decides (and
checks again)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .services import MAX_TEXT

ACCEPTED = ".pdf,.docx,.xlsx,.zip"


def _text(label, rows=3):
    return forms.CharField(
        label=label,
        max_length=MAX_TEXT,
        widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}),
    )


def _document():
    return forms.FileField(
        label=_("Revised document (PDF, Word, Excel or zip)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ACCEPTED}),
    )


class MessageForm(forms.Form):
    supplier = forms.IntegerField(widget=forms.HiddenInput)
    text = _text(_("Message to this supplier"))
    attachment = _document()


class ReplyForm(forms.Form):
    text = _text(_("Your answer to the panel"))
    attachment = _document()


class RevisionForm(forms.Form):
    text = _text(_("What changes in the requirements (sent to every supplier)"), rows=4)


class CallForm(forms.Form):
    deadline = forms.DateTimeField(
        label=_("Final quotations due by"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%d %H:%M:%S"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local", "class": "form-control"}),
    )


class QuotationForm(forms.Form):
    # The amount is parsed by the service (bidding.services.parse_price), with its own messages.
    price = forms.CharField(
        label=_("Final price (CNY)"),
        max_length=30,
        widget=forms.TextInput(
            attrs={"class": "form-control", "inputmode": "decimal", "autocomplete": "off"}
        ),
    )
