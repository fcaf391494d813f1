"""Forms of the evaluation pages: input is checked here for shape; the rules are the services'."""

from django import forms
from django.utils.translation import gettext_lazy as _

PASS, FAIL = "pass", "fail"


def qualification_entries(data, bids, items) -> list[dict]:
    """The marks posted on the qualification sheet: mark-<bid>-<item> = pass|fail and
    reason-<bid>-<item>; unmarked cells are left out."""
    entries = []
    for bid in bids:
        for index in range(len(items)):
            value = data.get(f"mark-{bid.pk}-{index}")
            if value not in (PASS, FAIL):
                continue
            entries.append(
                {
                    "bid_id": bid.pk,
                    "item": index,
                    "passed": value == PASS,
                    "reason": (data.get(f"reason-{bid.pk}-{index}") or "").strip(),
                }
            )
    return entries


def score_entries(data, criteria) -> list[dict]:
    """points-<criterion>, comment-<criterion> and reason-<criterion> for one bid; blank points are
    left out."""
    entries = []
    for index in range(len(criteria)):
        points = (data.get(f"points-{index}") or "").strip()
        if not points:
            continue
        entries.append(
            {
                "criterion": index,
                "points": points,
                "comment": data.get(f"comment-{index}", ""),
                "deviation_reason": data.get(f"reason-{index}", ""),
            }
        )
    return entries


class ExplanationForm(forms.Form):
    explanation = forms.CharField(
        label=_("Your explanation of the price"), widget=forms.Textarea(attrs={"rows": 8}), min_length=10
    )
    file = forms.FileField(label=_("Supporting document (PDF, optional)"), required=False)

    def clean_file(self):
        upload = self.cleaned_data.get("file")
        if upload is None:
            return None
        if upload.size > 20 * 1024 * 1024:
            raise forms.ValidationError(_("The document is larger than 20 MB."))
        head = upload.read(5)
        upload.seek(0)
        if head != b"%PDF-":
            raise forms.ValidationError(_("The document must be a PDF."))
        return upload


class DecisionForm(forms.Form):
    accepted = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("Accept the explanation")), ("0", _("Reject the explanation"))],
        coerce=lambda v: v == "1",
    )
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), required=False)
