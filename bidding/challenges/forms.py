"""Forms of the challenge and complaint pages: edge validation only; bidding.challenges.services
decides (and checks again)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Complaint, Subject

TEXT_LIMIT = 20000


def _area(label, rows=4, help_text=""):
    return forms.CharField(
        label=label,
        max_length=TEXT_LIMIT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}),
    )


def _evidence():
    return forms.FileField(
        label=_("Evidence (PDF, optional)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".pdf,application/pdf"}),
    )


class ChallengeForm(forms.Form):
    subject = forms.ChoiceField(
        label=_("What is challenged"),
        choices=Subject.choices,
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    notice = forms.TypedChoiceField(
        label=_("Notice challenged"),
        coerce=int,
        choices=(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    grounds = _area(
        _("Grounds"), rows=6, help_text=_("State every ground at once: the facts, and the rule broken.")
    )
    evidence = _evidence()

    def __init__(self, *args, notices=(), subjects=tuple(Subject.values), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["notice"].choices = [(row["notice"].pk, row["notice"].title) for row in notices]
        self.fields["subject"].choices = [
            (value, label) for value, label in Subject.choices if value in subjects
        ]


class AnswerForm(forms.Form):
    answer = _area(_("Answer (the challenger reads it)"), rows=6)
    upheld = forms.TypedChoiceField(
        label=_("The challenge is"),
        choices=[("no", _("not upheld")), ("yes", _("upheld"))],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )


class ComplaintForm(forms.Form):
    grounds = _area(
        _("Grounds of the complaint"),
        rows=5,
        help_text=_(
            "Only the matter you challenged: say why the answer (or its absence) does not satisfy you."
        ),
    )
    evidence = _evidence()


class SuspendForm(forms.Form):
    until = forms.DateField(
        label=_("Suspended up to and including"),
        widget=forms.DateInput(attrs={"type": "date", "class": "form-control"}),
    )
    reason = _area(_("Reason (the parties read it)"), rows=2)


class DecideForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (Complaint.Status.DISMISSED, Complaint.Status.DISMISSED.label),
            (Complaint.Status.UPHELD_REEVALUATION, Complaint.Status.UPHELD_REEVALUATION.label),
            (Complaint.Status.UPHELD_RETENDER, Complaint.Status.UPHELD_RETENDER.label),
        ],
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    decision = _area(_("Decision and reasons (published)"), rows=6)
