from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from .models import Organisation


class LoginForm(AuthenticationForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        widget=forms.TextInput(
            attrs={"autofocus": True, "autocomplete": "username", "class": "form-control"}
        ),
    )
    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password", "class": "form-control"}),
    )
    error_messages = {
        "invalid_login": _("The username or the password is wrong."),
        "inactive": _("This account is disabled."),
    }


class SecondFactorForm(forms.Form):
    token = forms.RegexField(
        label=_("Six-digit code"),
        regex=r"^\d{6}$",
        error_messages={"invalid": _("Enter the six digits your authenticator app shows.")},
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "inputmode": "numeric",
                "class": "form-control",
                "autofocus": True,
                "maxlength": 6,
            }
        ),
    )


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's reset form; the worker makes the link and sends it (task arguments are only ids)."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        from .tasks import send_password_reset_email

        send_password_reset_email.delay(
            context["user"].pk, context["domain"], context["protocol"] == "https", get_language()
        )


class OrganisationAdminForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ["kind", "name_zh", "name_en", "uscc", "region_code", "parent", "is_active"]

    def clean_uscc(self):
        return (self.cleaned_data.get("uscc") or "").strip().upper()


class OrganisationDetailsForm(forms.ModelForm):
    """What an organisation's managers correct themselves (accounts.services.edit_organisation_details)."""

    class Meta:
        model = Organisation
        fields = ["name_zh", "name_en", "region_code"]
        widgets = {
            "name_zh": forms.TextInput(attrs={"class": "form-control", "lang": "zh-Hans"}),
            "name_en": forms.TextInput(attrs={"class": "form-control", "lang": "en"}),
            "region_code": forms.TextInput(
                attrs={"class": "form-control", "inputmode": "numeric", "maxlength": 6}
            ),
        }
