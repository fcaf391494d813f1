"""The supplier pages' forms: edge validation only; suppliers.services decides and checks again."""

from django import forms
from django.utils.translation import gettext_lazy as _

from procurement.models import Category, QualificationKind

from .models import SupplierProfile

_TEXT = {"class": "form-control"}
_SELECT = {"class": "form-select"}
_PDF = {"class": "form-control", "accept": "application/pdf,.pdf"}


class RegionsField(forms.CharField):
    """Region codes separated by spaces or commas: ["330400", "330100"]."""

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [code for code in text.replace(",", " ").replace("，", " ").split() if code]

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return " ".join(value)
        return value


class DetailsForm(forms.Form):
    legal_representative = forms.CharField(
        label=_("Legal representative"), max_length=100, widget=forms.TextInput(attrs=_TEXT)
    )
    registered_capital = forms.DecimalField(
        label=_("Registered capital (CNY)"),
        min_value=0,
        max_digits=18,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**_TEXT, "step": "0.01"}),
    )
    address = forms.CharField(
        label=_("Registered address"), max_length=300, widget=forms.TextInput(attrs=_TEXT)
    )
    contact_name = forms.CharField(
        label=_("Contact person"), max_length=100, widget=forms.TextInput(attrs=_TEXT)
    )
    contact_phone = forms.CharField(
        label=_("Contact telephone"), max_length=30, widget=forms.TextInput(attrs=_TEXT)
    )
    contact_email = forms.EmailField(label=_("Contact e-mail"), widget=forms.EmailInput(attrs=_TEXT))
    enterprise_size = forms.ChoiceField(
        label=_("Enterprise size"), choices=SupplierProfile.Size.choices, widget=forms.Select(attrs=_SELECT)
    )
    special_status = forms.ChoiceField(
        label=_("Special status (counts as small or micro)"),
        choices=SupplierProfile.SpecialStatus.choices,
        initial=SupplierProfile.SpecialStatus.NONE,
        widget=forms.Select(attrs=_SELECT),
    )
    bank_name = forms.CharField(
        label=_("Bank for refunds (bid bonds)"), max_length=200, widget=forms.TextInput(attrs=_TEXT)
    )
    bank_account_name = forms.CharField(
        label=_("Account name"), max_length=200, widget=forms.TextInput(attrs=_TEXT)
    )
    bank_account_number = forms.RegexField(
        label=_("Account number"),
        regex=r"^[0-9 -]{6,40}$",
        max_length=40,
        error_messages={"invalid": _("An account number has digits only (spaces and hyphens allowed).")},
        widget=forms.TextInput(attrs=_TEXT),
    )
    categories = forms.MultipleChoiceField(
        label=_("Categories of interest"),
        choices=Category.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    regions = RegionsField(
        label=_("Regions of interest (region codes, e.g. 330400 330100)"),
        required=False,
        widget=forms.TextInput(attrs=_TEXT),
    )
    sme_declaration = forms.FileField(
        label=_("SME declaration (PDF; small and micro enterprises)"),
        required=False,
        widget=forms.ClearableFileInput(attrs=_PDF),
    )


class RegistrationForm(DetailsForm):
    name_zh = forms.CharField(
        label=_("Company name (Chinese)"), max_length=200, widget=forms.TextInput(attrs=_TEXT)
    )
    name_en = forms.CharField(
        label=_("Company name (English)"), max_length=200, widget=forms.TextInput(attrs=_TEXT)
    )
    uscc = forms.CharField(
        label=_("Unified social credit code"), max_length=30, widget=forms.TextInput(attrs=_TEXT)
    )
    region_code = forms.RegexField(
        label=_("Administrative region code"),
        regex=r"^[0-9]{6}$",
        error_messages={"invalid": _("An administrative region code has six digits, e.g. 330400.")},
        widget=forms.TextInput(attrs=_TEXT),
    )
    representative_name = forms.CharField(
        label=_("Your name"), max_length=150, widget=forms.TextInput(attrs=_TEXT)
    )
    representative_name_en = forms.CharField(
        label=_("Your name (English, optional)"),
        max_length=150,
        required=False,
        widget=forms.TextInput(attrs=_TEXT),
    )
    username = forms.CharField(label=_("Username"), max_length=150, widget=forms.TextInput(attrs=_TEXT))
    email = forms.EmailField(label=_("Your e-mail"), widget=forms.EmailInput(attrs=_TEXT))
    password = forms.CharField(
        label=_("Password"), widget=forms.PasswordInput(attrs={**_TEXT, "autocomplete": "new-password"})
    )
    commitment_letter = forms.FileField(
        label=_("Signed credit commitment letter (PDF)"), widget=forms.ClearableFileInput(attrs=_PDF)
    )

    field_order = [
        "name_zh",
        "name_en",
        "uscc",
        "region_code",
        "legal_representative",
        "registered_capital",
        "address",
        "enterprise_size",
        "special_status",
        "sme_declaration",
        "contact_name",
        "contact_phone",
        "contact_email",
        "bank_name",
        "bank_account_name",
        "bank_account_number",
        "categories",
        "regions",
        "commitment_letter",
        "representative_name",
        "representative_name_en",
        "username",
        "email",
        "password",
    ]


class EditForm(DetailsForm):
    commitment_letter = forms.FileField(
        label=_("New credit commitment letter (PDF, optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs=_PDF),
    )


class QualificationForm(forms.Form):
    # The blank choice keeps an untouched row of the formset empty (not "changed"), so a
    # registration without licences can be sent.
    kind = forms.ChoiceField(
        label=_("Licence or certificate"),
        choices=[("", "—")] + list(QualificationKind.choices),
        widget=forms.Select(attrs=_SELECT),
    )
    number = forms.CharField(
        label=_("Certificate number"), max_length=100, widget=forms.TextInput(attrs=_TEXT)
    )
    issued_on = forms.DateField(label=_("Issued on"), widget=forms.DateInput(attrs={**_TEXT, "type": "date"}))
    expires_on = forms.DateField(
        label=_("Expires on"), widget=forms.DateInput(attrs={**_TEXT, "type": "date"})
    )
    document = forms.FileField(label=_("Scan (PDF)"), widget=forms.ClearableFileInput(attrs=_PDF))


QualificationFormSet = forms.formset_factory(QualificationForm, extra=2, max_num=10, validate_max=True)


class ReviewForm(forms.Form):
    DECISIONS = ("approve", "request_changes", "reject", "suspend", "reinstate")

    decision = forms.ChoiceField(choices=[(d, d) for d in DECISIONS])
    comment = forms.CharField(
        label=_("Comment for the supplier (required to request changes, reject or suspend)"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 3}),
    )


class ReviewFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[("", _("All"))] + list(SupplierProfile.Status.choices),
        required=False,
        widget=forms.Select(attrs=_SELECT),
    )
