"""The expert pool's forms: edge validation only; experts.services decides and checks again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Declaration, ExpertProfile

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}
_DATE = {"class": "form-control", "type": "date"}


class CodesField(forms.CharField):
    """Catalogue codes separated by spaces or commas: ["A0201", "C1601"]."""

    def to_python(self, value):
        text = super().to_python(value) or ""
        for separator in (",", "，", ";", "；"):
            text = text.replace(separator, " ")
        return [code for code in text.split() if code]

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return " ".join(value)
        return value


class ProfileForm(forms.Form):
    name_zh = forms.CharField(label=_("Name (Chinese)"), max_length=100, widget=forms.TextInput(attrs=_TEXT))
    name_en = forms.CharField(
        label=_("Name (English, optional)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs=_TEXT),
    )
    professional_title = forms.CharField(
        label=_("Professional title (e.g. 高级工程师, senior engineer)"),
        max_length=100,
        widget=forms.TextInput(attrs=_TEXT),
    )
    # Not min_value=0: the service answers a negative number with its own, clearer message.
    years_of_experience = forms.IntegerField(
        label=_("Years of professional experience"), widget=forms.NumberInput(attrs=_TEXT)
    )
    employer_name = forms.CharField(label=_("Employer"), max_length=200, widget=forms.TextInput(attrs=_TEXT))
    employer_uscc = forms.CharField(
        label=_("Employer's unified social credit code"), max_length=30, widget=forms.TextInput(attrs=_TEXT)
    )
    region_code = forms.CharField(
        label=_("Region where you serve (administrative region code, e.g. 330400)"),
        max_length=6,
        widget=forms.TextInput(attrs=_TEXT),
    )
    specialties = CodesField(
        label=_("Specialties: procurement catalogue codes, separated by spaces (e.g. A0201 C1601)"),
        widget=forms.TextInput(attrs=_TEXT),
    )
    phone = forms.CharField(
        label=_("Telephone"), max_length=30, required=False, widget=forms.TextInput(attrs=_TEXT)
    )

    @classmethod
    def initial_from(cls, profile: ExpertProfile) -> dict:
        return {name: getattr(profile, name) for name in cls.base_fields}


class AccountFields(forms.Form):
    username = forms.CharField(label=_("Username"), max_length=150, widget=forms.TextInput(attrs=_TEXT))
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs=_TEXT))


class RegistrationForm(ProfileForm, AccountFields):
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={**_TEXT, "autocomplete": "new-password"})
    )


class KeeperRegistrationForm(ProfileForm, AccountFields):
    comment = forms.CharField(
        label=_("Comment (optional)"), required=False, widget=forms.Textarea(attrs={**_TEXT, "rows": 2})
    )


class DeclarationForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("I declare"), choices=Declaration.Kind.choices, widget=forms.Select(attrs=_SELECT)
    )
    organisation_name = forms.CharField(
        label=_("Organisation"), max_length=200, widget=forms.TextInput(attrs=_TEXT)
    )
    organisation_uscc = forms.CharField(
        label=_("Its unified social credit code"), max_length=30, widget=forms.TextInput(attrs=_TEXT)
    )
    relative_name = forms.CharField(
        label=_("Relative's name (relatives only)"),
        max_length=100,
        required=False,
        widget=forms.TextInput(attrs=_TEXT),
    )
    relationship = forms.CharField(
        label=_("Relationship (relatives only, e.g. spouse)"),
        max_length=50,
        required=False,
        widget=forms.TextInput(attrs=_TEXT),
    )
    started_on = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs=_DATE))
    ended_on = forms.DateField(
        label=_("Until (empty while it lasts)"), required=False, widget=forms.DateInput(attrs=_DATE)
    )

    @classmethod
    def initial_from(cls, declaration: Declaration) -> dict:
        return {name: getattr(declaration, name) for name in cls.base_fields}


class UnavailabilityForm(forms.Form):
    starts_on = forms.DateField(label=_("From"), widget=forms.DateInput(attrs=_DATE))
    ends_on = forms.DateField(label=_("Until"), widget=forms.DateInput(attrs=_DATE))
    reason = forms.CharField(
        label=_("Reason (optional)"), max_length=200, required=False, widget=forms.TextInput(attrs=_TEXT)
    )


class PoolFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All"))] + list(ExpertProfile.Status.choices),
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
    region = forms.RegexField(
        label=_("Region code"),
        regex=r"^[0-9]{6}$",
        required=False,
        error_messages={"invalid": _("An administrative region code has six digits, e.g. 330400.")},
        widget=forms.TextInput(attrs=_TEXT),
    )
    specialty = forms.RegexField(
        label=_("Specialty (catalogue code)"),
        regex=r"^[ABCabc](?:[0-9]{2}){1,5}$",
        required=False,
        error_messages={"invalid": _("A catalogue code looks like A02 or A02010104.")},
        widget=forms.TextInput(attrs=_TEXT),
    )

    def clean_specialty(self):
        return self.cleaned_data["specialty"].upper()


DECISIONS = (
    ("approve", _("Approve")),
    ("reject", _("Reject")),
    ("suspend", _("Suspend")),
    ("reinstate", _("Reinstate")),
)


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=DECISIONS)
    reason = forms.CharField(
        label=_("Reason (required to reject or suspend; the expert is told)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 3}),
    )
