"""Forms of the panel pages: they read input; the rules are in bidding.panels.services."""

from django import forms
from django.utils.translation import gettext_lazy as _

from . import selectors


class PanelRequestForm(forms.Form):
    specialties = forms.CharField(
        label=_("Specialties required (classification codes)"),
        max_length=400,
        required=False,
        help_text=_("Separated by commas; empty for the project's classification code."),
    )
    evaluation_on = forms.DateField(label=_("Evaluation day"), widget=forms.DateInput(attrs={"type": "date"}))
    size = forms.IntegerField(
        label=_("Panel size"),
        min_value=1,
        max_value=99,
        required=False,
        help_text=_("Empty for the smallest lawful panel."),
    )
    representatives = forms.ModelMultipleChoiceField(
        label=_("Purchaser representatives"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, lot, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["representatives"].queryset = selectors.representative_choices(lot)
        self.fields["representatives"].label_from_instance = lambda user: (
            user.get_full_name() or user.username
        )

    def request(self) -> dict:
        data = self.cleaned_data
        return {
            "specialties": [code for code in data["specialties"].replace("，", ",").split(",")],
            "evaluation_on": data["evaluation_on"],
            "size": data["size"],
            "representative_ids": [user.pk for user in data["representatives"]],
        }


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Why you decline"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeclarationForm(forms.Form):
    NONE, CONFLICT = "none", "conflict"
    answer = forms.ChoiceField(
        label=_("Conflict of interest"),
        choices=[
            (NONE, _("I have no conflict of interest with these bidders")),
            (CONFLICT, _("I have a conflict of interest")),
        ],
        widget=forms.RadioSelect,
    )
    conflict = forms.CharField(
        label=_("The conflict"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("answer") == self.CONFLICT and not (data.get("conflict") or "").strip():
            self.add_error("conflict", _("Describe the conflict of interest."))
        return data

    def conflict_text(self) -> str:
        return self.cleaned_data["conflict"].strip() if self.cleaned_data["answer"] == self.CONFLICT else ""
