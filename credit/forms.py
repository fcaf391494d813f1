"""The credit pages' forms: edge validation only; the services decide."""

from django import forms
from django.core.validators import MaxValueValidator
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rulebook.selectors import rule_int

from .models import CreditRecord, CreditRule, PartyKind
from .selectors import penalty_rules


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Name or unified social credit code"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )


class _RuleChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, rule: CreditRule) -> str:
        ban = _("; ban %(years)s year(s)") % {"years": rule.ban_years} if rule.bans else ""
        return f"{rule.name} ({rule.points:+}{ban})"


class PenaltyForm(forms.Form):
    rule = _RuleChoiceField(
        label=_("Conduct (credit rule)"),
        queryset=CreditRule.objects.none(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    occurred_on = forms.DateField(
        label=_("Date of the decision"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    description = forms.CharField(
        label=_("Facts and decision"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )
    document = forms.FileField(
        label=_("Decision document (PDF or image)"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".pdf,.png,.jpg,.jpeg"}),
    )
    ban_years = forms.IntegerField(
        label=_("Ban (years, for rules that ban)"),
        required=False,
        min_value=1,
        widget=forms.NumberInput(attrs={"class": "form-control"}),
    )

    def __init__(self, *args, record: CreditRecord, **kwargs):
        super().__init__(*args, **kwargs)
        # The longest ban is the rulebook's (GPL art. 77: three years), read as of today.
        longest = rule_int("credit.ban_max_years", on=timezone.localdate())
        ban = self.fields["ban_years"]
        ban.max_value = longest
        ban.validators.append(MaxValueValidator(longest))
        ban.widget.attrs["max"] = longest
        kinds = [record.kind] + ([PartyKind.AGENCY] if record.kind == PartyKind.PURCHASER else [])
        self.fields["rule"].queryset = penalty_rules().filter(party_kind__in=kinds)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault(
            "widget", MultipleFileInput(attrs={"class": "form-control", "accept": ".pdf,.png,.jpg,.jpeg"})
        )
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, (list, tuple)):
            return [single(item, initial) for item in data]
        return [single(data, initial)] if data else []


class AppealForm(forms.Form):
    reasons = forms.CharField(
        label=_("Why the event is wrong"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5, "class": "form-control"}),
    )
    documents = MultipleFileField(label=_("Supporting documents (PDF or image, optional)"), required=False)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("uphold", _("Uphold the event")), ("reverse", _("Reverse the event"))],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Reasons for the decision"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4, "class": "form-control"}),
    )


class ImportForm(forms.Form):
    source_name = forms.CharField(
        label=_("Source"),
        max_length=100,
        help_text=_("The credit platform the records come from, e.g. 信用中国 (Credit China)."),
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    feed = forms.FileField(
        label=_("Feed (CSV with a header row, or JSON)"),
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".csv,.json"}),
    )
