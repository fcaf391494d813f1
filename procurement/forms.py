"""The project pages' forms: edge validation only; the services decide."""

import datetime

from django import forms
from django.utils.translation import gettext_lazy as _

from .models import (
    METHODS_AFTER_FAILURE,
    Category,
    FundingSource,
    Method,
    Notice,
    QualificationKind,
    TenderDocument,
)

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


# --- Entrustment, the regulator's decision, cancellation ----------------------------------------


class EntrustForm(forms.Form):
    """The purchaser entrusts its approved project: an agency, or its own procurement office."""

    agency = forms.TypedChoiceField(label=_("Entrust to"), coerce=int, widget=forms.Select(attrs=_SELECT))
    scope = forms.CharField(
        label=_("Scope of the entrustment"),
        # The agreement is a Chinese document (procurement.pdf): its usual scope, to edit.
        initial="编制采购文件，发布采购公告、更正公告和结果公告，组织开标和评标（评审），"
        "答复询问和质疑，协助采购人签订合同。",
        max_length=4000,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 3}),
        help_text=_(
            "What the agency does for you, e.g. prepares the documents, publishes the notices, "
            "runs opening and evaluation."
        ),
    )
    fee = forms.DecimalField(
        label=_("Agency fee (CNY, optional)"),
        required=False,
        min_value=0,
        max_digits=18,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**_TEXT, "step": "0.01", "min": "0"}),
    )

    def __init__(self, *args, project, agencies, **kwargs):
        super().__init__(*args, **kwargs)
        own = (
            project.purchaser_id,
            _("Our own procurement office (%(name)s)") % {"name": project.purchaser.name},
        )
        self.fields["agency"].choices = [("", _("Choose…")), own] + [
            (agency.pk, agency.name) for agency in agencies
        ]


class ReasonForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (published in the termination notice)"),
        max_length=4000,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 2}),
    )


class MethodChangeForm(forms.Form):
    """Ask the regulator to procure a failed lot by another method."""

    method = forms.ChoiceField(
        label=_("Method requested"),
        choices=[(m.value, m.label) for m in METHODS_AFTER_FAILURE],
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    justification = forms.CharField(
        label=_("Justification (why the lot failed, which legal case allows the method)"),
        max_length=4000,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 3}),
    )


class RegulatorDecisionForm(forms.Form):
    comment = forms.CharField(
        label=_("Comment (needed to refuse)"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 2}),
    )


# --- The tender document builder -----------------------------------------------------------------

_DATE = forms.DateInput(format="%Y-%m-%d", attrs={**_TEXT, "type": "date"})
_DATETIME = forms.DateTimeInput(format="%Y-%m-%dT%H:%M", attrs={**_TEXT, "type": "datetime-local"})


def _lines(text: str) -> str:
    """A textarea's text with Unix line ends and no trailing blanks."""
    return "\n".join(
        line.rstrip() for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    ).strip()


class TenderDocumentForm(forms.Form):
    """One draft version of the tender documents. The sections, the lots' requirements and bonds
    are fields made per project (`section_<key>`, `lot_<number>`, `bond_<number>`); the criteria
    are a formset of their own. The service checks every rule again and names the field it breaks."""

    qualification_items = forms.CharField(
        label=_("Qualification requirements (pass/fail), one per line"),
        widget=forms.Textarea(attrs={**_TEXT, "rows": 8}),
    )
    required_qualifications = forms.MultipleChoiceField(
        label=_("Licences and certificates every bidder must hold"),
        choices=QualificationKind.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    opens_automatically = forms.BooleanField(
        label=_("Open the bids automatically at the deadline (no opening officers)"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )
    evaluation_method = forms.ChoiceField(
        label=_("Evaluation method"),
        choices=TenderDocument.EvaluationMethod.choices,
        widget=forms.Select(attrs=_SELECT),
    )
    price_weight = forms.DecimalField(
        label=_("Price weight (points)"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**_TEXT, "step": "0.01", "min": "0", "max": "100"}),
    )
    documents_from = forms.DateField(label=_("Documents obtainable from"), widget=_DATE)
    documents_until = forms.DateField(label=_("Documents obtainable until"), widget=_DATE)
    clarification_until = forms.DateField(label=_("Questions accepted until"), widget=_DATE)
    bid_deadline = forms.DateTimeField(label=_("Bid deadline and opening time"), widget=_DATETIME)
    opening_place = forms.CharField(
        label=_("Place of bid opening"), max_length=200, widget=forms.TextInput(attrs=_TEXT)
    )

    def __init__(
        self,
        *args,
        document: TenderDocument,
        lots,
        section_titles: dict[str, str],
        amendment: bool | None = None,
        **kwargs,
    ):
        """amendment: the draft amends the published documents (a later version that is not the
        documents of a re-tender); by default, any later version."""
        kwargs.setdefault("initial", self.initial_of(document))
        super().__init__(*args, **kwargs)
        self.document = document
        self.amendment = document.version > 1 if amendment is None else amendment
        # Cancelled and failed lots are history: their requirements and bonds stay as published.
        self.lots = [lot for lot in lots if lot.status not in (lot.Status.CANCELLED, lot.Status.FAILED)]
        self.section_keys = list(section_titles)
        for key, title in section_titles.items():
            self.fields[f"section_{key}"] = forms.CharField(
                label=title, widget=forms.Textarea(attrs={**_TEXT, "rows": 10})
            )
        for lot in self.lots:
            self.fields[f"lot_{lot.number}"] = forms.CharField(
                label=_("Lot %(number)s: %(title)s") % {"number": lot.number, "title": lot.title},
                widget=forms.Textarea(attrs={**_TEXT, "rows": 8}),
            )
            self.fields[f"bond_{lot.number}"] = forms.DecimalField(
                label=_("Lot %(number)s bid bond (CNY)") % {"number": lot.number},
                min_value=0,
                max_digits=18,
                decimal_places=2,
                widget=forms.NumberInput(attrs={**_TEXT, "step": "0.01", "min": "0"}),
            )
        if self.amendment:
            self.fields["amendment_reason"] = forms.CharField(
                label=_("What the amendment changes and why"),
                widget=forms.Textarea(attrs={**_TEXT, "rows": 3}),
            )
            self.fields["affects_bids"] = forms.BooleanField(
                label=_("The change may affect the preparation of bids"),
                required=False,
                widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
            )

    @staticmethod
    def initial_of(document: TenderDocument) -> dict:
        initial = {
            "qualification_items": "\n".join(document.qualification_items or []),
            "required_qualifications": list(document.required_qualifications or []),
            "opens_automatically": document.opens_automatically,
            "evaluation_method": document.evaluation_method,
            "price_weight": document.price_weight,
            "documents_from": document.documents_from,
            "documents_until": document.documents_until,
            "clarification_until": document.clarification_until,
            "bid_deadline": document.bid_deadline,
            "opening_place": document.opening_place,
            "amendment_reason": document.amendment_reason,
            "affects_bids": document.affects_bids,
        }
        initial |= {f"section_{key}": text for key, text in (document.sections or {}).items()}
        initial |= {f"lot_{number}": text for number, text in (document.lot_requirements or {}).items()}
        initial |= {f"bond_{number}": amount for number, amount in (document.bonds or {}).items()}
        return initial

    def mark_invalid(self) -> None:
        """Bootstrap's red border on every field that has a message."""
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()

    def section_fields(self):
        return [self[f"section_{key}"] for key in self.section_keys]

    def lot_rows(self):
        """(lot, requirements field, bond field) per lot still in the procurement."""
        return [(lot, self[f"lot_{lot.number}"], self[f"bond_{lot.number}"]) for lot in self.lots]

    def changes(self, criteria: list[dict]) -> dict:
        """The service's keyword arguments from the cleaned data (call after is_valid())."""
        data = self.cleaned_data
        comprehensive = data["evaluation_method"] == TenderDocument.EvaluationMethod.COMPREHENSIVE
        document = self.document
        changes = {
            "sections": {key: _lines(data[f"section_{key}"]) for key in self.section_keys},
            "qualification_items": [
                line.strip() for line in _lines(data["qualification_items"]).split("\n") if line.strip()
            ],
            "required_qualifications": list(data["required_qualifications"]),
            "opens_automatically": data["opens_automatically"],
            "lot_requirements": dict(document.lot_requirements or {})
            | {str(lot.number): _lines(data[f"lot_{lot.number}"]) for lot in self.lots},
            "evaluation_method": data["evaluation_method"],
            # The lowest-price method has no weight and no criteria: what is typed there is ignored.
            "price_weight": data["price_weight"] if comprehensive else None,
            "criteria": criteria if comprehensive else [],
            "bonds": dict(document.bonds or {})
            | {str(lot.number): f"{data[f'bond_{lot.number}']:.2f}" for lot in self.lots},
            "documents_from": data["documents_from"],
            "documents_until": data["documents_until"],
            "clarification_until": data["clarification_until"],
            "bid_deadline": data["bid_deadline"],
            "opening_place": data["opening_place"].strip(),
        }
        if self.amendment:
            changes["amendment_reason"] = data["amendment_reason"].strip()
            changes["affects_bids"] = data["affects_bids"]
        return changes


class CriterionForm(forms.Form):
    """One non-price criterion of comprehensive scoring; a row left empty is no criterion."""

    name_zh = forms.CharField(
        label=_("Criterion (Chinese)"), required=False, max_length=200, widget=forms.TextInput(attrs=_TEXT)
    )
    name_en = forms.CharField(
        label=_("Criterion (English)"), required=False, max_length=200, widget=forms.TextInput(attrs=_TEXT)
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[("technical", _("Technical")), ("commercial", _("Commercial"))],
        initial="technical",
        widget=forms.Select(attrs=_SELECT),
    )
    points = forms.DecimalField(
        label=_("Points"),
        required=False,
        min_value=0,
        max_value=100,
        max_digits=5,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**_TEXT, "step": "0.01", "min": "0", "max": "100"}),
    )

    def is_blank(self) -> bool:
        data = self.cleaned_data
        return not (data.get("name_zh") or data.get("name_en") or data.get("points") is not None)

    def clean(self):
        data = super().clean()
        if not self.is_blank() and (not (data.get("name_zh") or "").strip() or data.get("points") is None):
            raise forms.ValidationError(
                _("A criterion needs a Chinese name and its points (or leave the whole row empty)."),
                code="incomplete",
            )
        return data


class BaseCriterionFormSet(forms.BaseFormSet):
    def criteria(self) -> list[dict]:
        return [
            {
                "name_zh": form.cleaned_data["name_zh"].strip(),
                "name_en": form.cleaned_data["name_en"].strip(),
                "kind": form.cleaned_data["kind"],
                "points": f"{form.cleaned_data['points']:.2f}",
            }
            for form in self.forms
            if form.cleaned_data and not form.is_blank()
        ]


CriterionFormSet = forms.formset_factory(
    CriterionForm, formset=BaseCriterionFormSet, extra=3, max_num=30, validate_max=True
)


class PublishForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish at (leave empty to publish now)"), required=False, widget=_DATETIME
    )


class ClarificationForm(forms.Form):
    body_zh = forms.CharField(
        label=_("Clarification (Chinese)"),
        max_length=20000,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 4}),
    )
    body_en = forms.CharField(
        label=_("Clarification (English, optional)"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={**_TEXT, "rows": 4}),
    )
