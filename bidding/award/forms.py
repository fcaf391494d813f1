"""The award page's confirm form: edge validation only; bidding.award.services decides (and
checks again: the candidate, every candidate above it passed over with a ground and a reason)."""

from django import forms
from django.utils.translation import gettext_lazy as _

GROUND_CHOICES = [
    ("", _("Not passed over")),
    ("withdrawn", _("Withdrew")),
    ("disqualified", _("Disqualified")),
]


class ConfirmAwardForm(forms.Form):
    """One radio per candidate (the one confirmed) and, per candidate, an optional pass-over row:
    its ground and the reason."""

    def __init__(self, *args, candidates: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        self.candidate_ids = [row["bid"].pk for row in candidates]
        self.fields["bid"] = forms.TypedChoiceField(
            label=_("Candidate confirmed"),
            coerce=int,
            choices=[(row["bid"].pk, row["supplier"].name) for row in candidates],
            widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        )
        if candidates and not self.is_bound:
            self.initial["bid"] = candidates[0]["bid"].pk
        for bid_id in self.candidate_ids:
            self.fields[f"ground_{bid_id}"] = forms.ChoiceField(
                label=_("Passed over because the candidate"),
                choices=GROUND_CHOICES,
                required=False,
                widget=forms.Select(attrs={"class": "form-select form-select-sm"}),
            )
            self.fields[f"reason_{bid_id}"] = forms.CharField(
                label=_("Reason (recorded and published)"),
                required=False,
                max_length=4000,
                widget=forms.Textarea(attrs={"class": "form-control form-control-sm", "rows": 2}),
            )

    def rows(self, candidates: list[dict]) -> list[dict]:
        """The candidates with their pass-over fields, for the template."""
        return [
            {**row, "ground": self[f"ground_{row['bid'].pk}"], "reason": self[f"reason_{row['bid'].pk}"]}
            for row in candidates
        ]

    def passed_over(self) -> list[dict]:
        data = self.cleaned_data
        return [
            {"bid": bid_id, "ground": data[f"ground_{bid_id}"], "reason": data[f"reason_{bid_id}"]}
            for bid_id in self.candidate_ids
            if data.get(f"ground_{bid_id}")
        ]
