"""Forms of the performance pages: edge validation only; contracts.performance.services decides
(and checks again: the team's size, a check of every category, the unpaid accepted amount, the
evidence's real type)."""

from django import forms
from django.utils.translation import gettext_lazy as _

from .documents import CATEGORIES
from .models import Acceptance, Breach

TEXT_LIMIT = 20000
TEAM_ROWS = 6
CHECK_ROWS = 3
CATEGORY_LABELS = {
    "technical": _("Technical requirements"),
    "service": _("Service requirements"),
    "safety": _("Safety requirements"),
}


def _area(label, rows=3, required=True, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=TEXT_LIMIT,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows, "class": "form-control"}),
    )


def _pdf(label, required=True):
    return forms.FileField(
        label=label,
        required=required,
        widget=forms.ClearableFileInput(attrs={"class": "form-control", "accept": ".pdf,application/pdf"}),
    )


def _money(label):
    return forms.DecimalField(
        label=label,
        max_digits=18,
        decimal_places=2,
        min_value=0,
        widget=forms.NumberInput(attrs={"class": "form-control", "step": "0.01", "min": "0"}),
    )


class DeliveryForm(forms.Form):
    note = _area(_("What was delivered (quantities, place, documents handed over)"))


class AcceptanceForm(forms.Form):
    """The acceptance report: TEAM_ROWS team rows (name, role), CHECK_ROWS check rows per category
    (requirement, pass or fail, remark), the outcome with its remarks or reasons, and the optional
    third-party inspection report. Empty rows are left out."""

    outcome = forms.ChoiceField(
        label=_("Outcome"),
        choices=Acceptance.Outcome.choices,
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
    )
    remarks = _area(_("Remarks (required when passed with remarks)"), required=False)
    reasons = _area(_("Reasons for failing (required when failed)"), required=False)
    inspection_report = _pdf(_("Third-party inspection report (PDF, optional)"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        small = {"class": "form-control form-control-sm"}
        for i in range(TEAM_ROWS):
            self.fields[f"team_name_{i}"] = forms.CharField(
                label=_("Name"), required=False, max_length=100, widget=forms.TextInput(attrs=small)
            )
            self.fields[f"team_role_{i}"] = forms.CharField(
                label=_("Role"), required=False, max_length=100, widget=forms.TextInput(attrs=small)
            )
        for category in CATEGORIES:
            for i in range(CHECK_ROWS):
                prefix = f"check_{category}_{i}"
                self.fields[f"{prefix}_requirement"] = forms.CharField(
                    label=_("Requirement"),
                    required=False,
                    max_length=500,
                    widget=forms.TextInput(attrs=small),
                )
                self.fields[f"{prefix}_result"] = forms.ChoiceField(
                    label=_("Result"),
                    required=False,
                    choices=[("pass", _("pass")), ("fail", _("fail"))],
                    initial="pass",
                    widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
                )
                self.fields[f"{prefix}_remark"] = forms.CharField(
                    label=_("Remark"), required=False, max_length=2000, widget=forms.TextInput(attrs=small)
                )

    def team_rows(self) -> list[dict]:
        return [{"name": self[f"team_name_{i}"], "role": self[f"team_role_{i}"]} for i in range(TEAM_ROWS)]

    def check_groups(self) -> list[dict]:
        return [
            {
                "category": category,
                "label": CATEGORY_LABELS[category],
                "rows": [
                    {
                        "requirement": self[f"check_{category}_{i}_requirement"],
                        "result": self[f"check_{category}_{i}_result"],
                        "remark": self[f"check_{category}_{i}_remark"],
                    }
                    for i in range(CHECK_ROWS)
                ],
            }
            for category in CATEGORIES
        ]

    def team(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {"name": data[f"team_name_{i}"], "role": data[f"team_role_{i}"]}
            for i in range(TEAM_ROWS)
            if data.get(f"team_name_{i}") or data.get(f"team_role_{i}")
        ]

    def checks(self) -> list[dict]:
        data = self.cleaned_data
        rows = []
        for category in CATEGORIES:
            for i in range(CHECK_ROWS):
                prefix = f"check_{category}_{i}"
                if data.get(f"{prefix}_requirement"):
                    rows.append(
                        {
                            "category": category,
                            "requirement": data[f"{prefix}_requirement"],
                            "passed": data.get(f"{prefix}_result") != "fail",
                            "remark": data.get(f"{prefix}_remark", ""),
                        }
                    )
        return rows


class PaymentApplicationForm(forms.Form):
    milestone = forms.TypedChoiceField(
        label=_("Accepted milestone"),
        coerce=int,
        choices=(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    amount = _money(_("Amount applied for (CNY)"))
    invoice_number = forms.CharField(
        label=_("Invoice number"), max_length=40, widget=forms.TextInput(attrs={"class": "form-control"})
    )
    note = _area(_("Note (optional)"), rows=2, required=False)

    def __init__(self, *args, milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].choices = [(m.pk, f"{m.number}. {m.title}") for m in milestones]


class RejectPaymentForm(forms.Form):
    reason = _area(_("Reason for rejecting (the supplier reads it)"), rows=2)


class RecordPaymentForm(forms.Form):
    paid_amount = _money(_("Amount paid (CNY)"))
    paid_on = forms.DateField(
        label=_("Paid on"), widget=forms.DateInput(attrs={"class": "form-control", "type": "date"})
    )
    reference = forms.CharField(
        label=_("Bank reference"), max_length=60, widget=forms.TextInput(attrs={"class": "form-control"})
    )


class BreachForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("Kind of breach"),
        choices=[
            (value, label)
            for value, label in Breach.Kind.choices
            if value in (Breach.Kind.LATE_DELIVERY, Breach.Kind.REFUSAL_TO_SIGN, Breach.Kind.TERMINATION)
        ],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    milestone = forms.TypedChoiceField(
        label=_("Milestone (late delivery)"),
        coerce=int,
        required=False,
        empty_value=None,
        choices=(),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    description = _area(_("What happened (published)"), rows=3)
    evidence = _pdf(_("Evidence (PDF)"))

    def __init__(self, *args, milestones=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].choices = [
            ("", "—"),
            *((m.pk, f"{m.number}. {m.title}") for m in milestones),
        ]
