"""The project pages' forms: edge validation only; the services decide."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Category, FundingSource, Method, Notice

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}


class ProjectForm(forms.Form):
    title_zh = forms.CharField(
        label=_("Title (Chinese)"), max_length=200, widget=forms.TextInput(attrs=_TEXT)
    )
    title_en = forms.CharField(
        label=_("Title (English, optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=_TEXT),
    )
    description_zh = forms.CharField(
        label=_("Need and scope (Chinese)"), required=False, widget=forms.Textarea(attrs={**_TEXT, "rows": 3})
    )
    description_en = forms.CharField(
        label=_("Need and scope (English, optional)"),
        required=False,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 3}),
    )
    category = forms.ChoiceField(
        label=_("Category"), choices=Category.choices, widget=forms.Select(attrs=_SELECT)
    )
    classification_code = forms.RegexField(
        label=_("Catalogue item code"),
        regex=r"^[ABC][0-9]{2,10}$",
        max_length=20,
        error_messages={"invalid": _("An item code of the procurement catalogue looks like A02010104.")},
        widget=forms.TextInput(attrs=_TEXT),
    )
    budget = forms.DecimalField(
        label=_("Budget (CNY)"),
        min_value=0.01,
        max_digits=18,
        decimal_places=2,
        widget=forms.NumberInput(attrs=_TEXT),
    )
    funding_source = forms.ChoiceField(
        label=_("Funding source"), choices=FundingSource.choices, widget=forms.Select(attrs=_SELECT)
    )
    method = forms.ChoiceField(
        label=_("Procurement method"), choices=Method.choices, widget=forms.Select(attrs=_SELECT)
    )
    method_justification = forms.CharField(
        label=_("Why this method (needed when it is not the rulebook's default)"),
        required=False,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 2}),
    )
    imported_products = forms.BooleanField(label=_("Buys imported products"), required=False)
    green_requirement = forms.BooleanField(
        label=_("Energy-saving or environmental-label requirement"), required=False
    )


class LotForm(forms.Form):
    title_zh = forms.CharField(label=_("Lot title"), max_length=200, widget=forms.TextInput(attrs=_TEXT))
    title_en = forms.CharField(
        label=_("Lot title (English, optional)"),
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs=_TEXT),
    )
    budget = forms.DecimalField(
        label=_("Lot budget (CNY)"),
        min_value=0.01,
        max_digits=18,
        decimal_places=2,
        widget=forms.NumberInput(attrs=_TEXT),
    )
    quantity_and_specification = forms.CharField(
        label=_("Quantity and specification"), widget=forms.Textarea(attrs={**_TEXT, "rows": 2})
    )
    delivery_place = forms.CharField(
        label=_("Place of delivery"), max_length=200, widget=forms.TextInput(attrs=_TEXT)
    )
    delivery_period = forms.CharField(
        label=_("Delivery period"), max_length=200, widget=forms.TextInput(attrs=_TEXT)
    )
    sme_reserved = forms.BooleanField(label=_("Reserved for small and micro enterprises"), required=False)


LotFormSet = forms.formset_factory(
    LotForm, extra=3, min_num=1, validate_min=True, max_num=20, validate_max=True
)


class CommentForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment"), required=False, max_length=2000, widget=forms.Textarea(attrs={**_TEXT, "rows": 2})
    )


def _blank(choices):
    return [("", _("All"))] + list(choices)


class NoticeFilterForm(forms.Form):
    """The public notice list's filters and its keyset cursor ("after": published_at|id)."""

    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=_blank(Notice.Kind.choices))
    category = forms.ChoiceField(label=_("Category"), required=False, choices=_blank(Category.choices))
    method = forms.ChoiceField(label=_("Method"), required=False, choices=_blank(Method.choices))
    region = forms.RegexField(
        label=_("Region code"),
        required=False,
        regex=r"^[0-9]{6}$",
        error_messages={"invalid": _("An administrative region code has six digits, e.g. 330400.")},
    )
    after = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "category", "method"):
            self.fields[name].widget.attrs["class"] = "form-select form-select-sm"
        self.fields["region"].widget.attrs.update(
            {"class": "form-control form-control-sm", "inputmode": "numeric"}
        )

    def clean_after(self):
        value = self.cleaned_data["after"]
        if not value:
            return None
        stamp, _sep, pk = value.rpartition("|")
        try:
            return datetime.datetime.fromisoformat(stamp), int(pk)
        except ValueError:
            raise forms.ValidationError(
                _("This page link is broken; start from the first page."), code="cursor"
            ) from None
