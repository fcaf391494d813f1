"""The search's query string, validated: the page, its feed and its exports read the same form.

Bad input never reaches the database unchecked: every field is typed, choices are closed lists,
a long query is cut (and the page says so), a page size above the cap is lowered (and the page
says so), an altered cursor is a translated error.
"""

from __future__ import annotations

import datetime

from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounts.models import Organisation
from procurement.models import Category, Method, Notice

from . import cursor as cursors
from .selectors import NEWEST, RELEVANCE, Criteria, Position, organisations_named
from .tokenizer import query_tokens

ORDER_CHOICES = [(NEWEST, _("Newest first")), (RELEVANCE, _("Most relevant first"))]
_SELECT = {"class": "form-select"}
_TEXT = {"class": "form-control"}


ANY = _("Any")


def _blank(choices):
    return [("", ANY), *choices]


class SearchForm(forms.Form):
    q = forms.CharField(
        label=_("Search notices"),
        required=False,
        widget=forms.TextInput(
            attrs={**_TEXT, "type": "search", "autocomplete": "off", "enterkeyhint": "search"}
        ),
        help_text=_("Chinese words of two or more characters, English words, project numbers."),
    )
    kind = forms.ChoiceField(label=_("Kind of notice"), required=False, choices=_blank(Notice.Kind.choices))
    category = forms.ChoiceField(label=_("Category"), required=False, choices=_blank(Category.choices))
    method = forms.ChoiceField(label=_("Procurement method"), required=False, choices=_blank(Method.choices))
    region = forms.RegexField(
        label=_("Region code"),
        required=False,
        regex=r"^[0-9]{6}$",
        error_messages={"invalid": _("An administrative region code has six digits, e.g. 330400.")},
        widget=forms.TextInput(attrs={**_TEXT, "inputmode": "numeric", "maxlength": "6"}),
    )
    purchaser = forms.CharField(
        label=_("Purchaser"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={**_TEXT, "maxlength": "100"}),
    )
    supplier = forms.CharField(
        label=_("Supplier (winner or contract party)"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={**_TEXT, "maxlength": "100"}),
    )
    published_from = forms.DateField(
        label=_("Published from"), required=False, widget=forms.DateInput(attrs={**_TEXT, "type": "date"})
    )
    published_to = forms.DateField(
        label=_("Published until"), required=False, widget=forms.DateInput(attrs={**_TEXT, "type": "date"})
    )
    amount_min = forms.DecimalField(
        label=_("Amount from (CNY)"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**_TEXT, "min": "0", "step": "any"}),
    )
    amount_max = forms.DecimalField(
        label=_("Amount up to (CNY)"),
        required=False,
        min_value=0,
        max_digits=16,
        decimal_places=2,
        widget=forms.NumberInput(attrs={**_TEXT, "min": "0", "step": "any"}),
    )
    order = forms.ChoiceField(label=_("Order"), required=False, choices=ORDER_CHOICES)
    size = forms.IntegerField(
        label=_("Results per page"), required=False, min_value=1, widget=forms.HiddenInput
    )
    cursor = forms.CharField(required=False, max_length=500, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("kind", "category", "method", "order"):
            self.fields[name].widget.attrs.update(_SELECT)
        # What the page tells the reader about its input (shown above the results).
        self.notes: list[str] = []

    def clean_q(self) -> str:
        value = self.cleaned_data["q"]
        limit = settings.SEARCH_MAX_QUERY_LENGTH
        if len(value) > limit:
            note = _("Your search was longer than %(limit)d characters: only its start was used.")
            self.notes.append(note % {"limit": limit})
            value = value[:limit].strip()
        return value

    def clean_size(self) -> int:
        value = self.cleaned_data["size"]
        if value is None:
            return settings.SEARCH_PAGE_SIZE
        if value > settings.SEARCH_MAX_PAGE_SIZE:
            self.notes.append(
                _("At most %(limit)d results are shown per page.") % {"limit": settings.SEARCH_MAX_PAGE_SIZE}
            )
            return settings.SEARCH_MAX_PAGE_SIZE
        return value

    def clean_order(self) -> str:
        return self.cleaned_data["order"] or NEWEST

    def clean(self):
        data = super().clean()
        start, end = data.get("published_from"), data.get("published_to")
        if start and end and start > end:
            self.add_error("published_to", _("The end date is before the start date."))
        low, high = data.get("amount_min"), data.get("amount_max")
        if low is not None and high is not None and low > high:
            self.add_error("amount_max", _("The highest amount is below the lowest."))
        if data.get("cursor") and "order" in data:
            try:
                data["position"] = cursors.load(data["cursor"], self._effective_order(data))
            except cursors.InvalidCursor:
                self.add_error(
                    "cursor", _("This page link is broken or was altered. Start again from the first page.")
                )
        q = data.get("q") or ""
        data["tokens"] = query_tokens(q)
        if q and not data["tokens"]:
            self.notes.append(
                _(
                    "Your search has no letters, digits or Chinese characters to look for: "
                    "all notices are shown."
                )
            )
        return data

    @staticmethod
    def _effective_order(data) -> str:
        return RELEVANCE if data.get("order") == RELEVANCE and query_tokens(data.get("q") or "") else NEWEST

    @property
    def position(self) -> Position | None:
        return self.cleaned_data.get("position")

    def criteria(self) -> Criteria:
        """The validated criteria (an unbound form: every notice, newest first)."""
        data = self.cleaned_data if self.is_bound else {}
        return Criteria(
            tokens=data.get("tokens", []),
            kind=data.get("kind", ""),
            category=data.get("category", ""),
            method=data.get("method", ""),
            region=data.get("region", ""),
            purchaser_ids=_named(data.get("purchaser"), Organisation.Kind.PURCHASER),
            supplier_ids=_named(data.get("supplier"), Organisation.Kind.SUPPLIER),
            published_from=_start_of(data.get("published_from")),
            published_before=_start_of_next(data.get("published_to")),
            amount_min=data.get("amount_min"),
            amount_max=data.get("amount_max"),
            order=self._effective_order(data) if data else NEWEST,
        )

    def page_size(self) -> int:
        if self.is_bound:
            return self.cleaned_data.get("size") or settings.SEARCH_PAGE_SIZE
        return settings.SEARCH_PAGE_SIZE


def _named(text: str | None, kind: str) -> list[int] | None:
    return organisations_named(text, kind) if text else None


def _start_of(day: datetime.date | None) -> datetime.datetime | None:
    """Midnight at the start of `day` in the current time zone (None for none)."""
    if day is None:
        return None
    return datetime.datetime.combine(day, datetime.time(), timezone.get_current_timezone())


def _start_of_next(day: datetime.date | None) -> datetime.datetime | None:
    if day is None or day == datetime.date.max:
        return None
    return _start_of(day + datetime.timedelta(days=1))
