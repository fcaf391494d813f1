"""The dashboards' filters: a year (or a date range) and a region."""

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from accounts.policies import jurisdiction_prefix, region_covers

from .metrics import Scope

ALL_YEARS = "all"
YEARS_OFFERED = 10  # this year and the nine before it; older periods by date range
EARLIEST = datetime.date(2000, 1, 1)


def _year_choices() -> list[tuple[str, str]]:
    this_year = timezone.localdate().year
    return [(ALL_YEARS, _("All years"))] + [
        (str(y), str(y)) for y in range(this_year, this_year - YEARS_OFFERED, -1)
    ]


class DashboardFilterForm(forms.Form):
    """Year (this year unless said), or a date range from/to (both days included), and a region
    code (its province, city or county). A regulator's form knows its jurisdiction: an empty
    region is the jurisdiction, a region outside it is refused."""

    year = forms.ChoiceField(label=_("Year"), required=False, choices=_year_choices)
    start = forms.DateField(
        label=pgettext_lazy("dashboard filter", "From"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    end = forms.DateField(
        label=pgettext_lazy("dashboard filter", "To"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    region = forms.RegexField(
        label=_("Region code"),
        required=False,
        regex=r"^[0-9]{6}$",
        error_messages={"invalid": _("An administrative region code has six digits, e.g. 330400.")},
    )

    def __init__(self, *args, jurisdiction: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.jurisdiction = jurisdiction
        self.fields["year"].widget.attrs["class"] = "form-select form-select-sm"
        for name in ("start", "end"):
            self.fields[name].widget.attrs["class"] = "form-control form-control-sm"
        self.fields["region"].widget.attrs.update(
            {"class": "form-control form-control-sm", "inputmode": "numeric", "autocomplete": "off"}
        )

    def clean_start(self):
        return self._in_range(self.cleaned_data.get("start"))

    def clean_end(self):
        return self._in_range(self.cleaned_data.get("end"))

    def _in_range(self, day):
        if day is not None and not (EARLIEST <= day <= datetime.date(timezone.localdate().year + 1, 12, 31)):
            raise forms.ValidationError(_("Choose a date from 2000 to next year."), code="date_range")
        return day

    def clean_region(self):
        region = self.cleaned_data.get("region") or ""
        if self.jurisdiction and region and not region_covers(self.jurisdiction, region):
            raise forms.ValidationError(
                _("This region is outside your jurisdiction (%(code)s)."),
                code="outside_jurisdiction",
                params={"code": self.jurisdiction},
            )
        return region

    def clean(self):
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end and start > end:
            self.add_error(
                "end", forms.ValidationError(_("The end is before the start."), code="end_before_start")
            )
        return data

    # --- What the valid form asks for ----------------------------------------------------------

    def period(self) -> tuple[datetime.date | None, datetime.date | None]:
        """(first day, last day) included, None for open; a date range wins over the year."""
        data = self.cleaned_data
        if data.get("start") or data.get("end"):
            return data.get("start"), data.get("end")
        year = data.get("year") or str(timezone.localdate().year)
        if year == ALL_YEARS:
            return None, None
        return datetime.date(int(year), 1, 1), datetime.date(int(year), 12, 31)

    def scope(self, *, public: bool) -> Scope:
        first, last = self.period()
        region = self.cleaned_data.get("region") or self.jurisdiction
        return Scope(
            start=_midnight(first) if first else None,
            end=_midnight(last + datetime.timedelta(days=1)) if last else None,
            region=jurisdiction_prefix(region) if region else "",
            public=public,
        )


def _midnight(day: datetime.date) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
