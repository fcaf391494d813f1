"""The numbers that law and policy set, as dated data, and the working-day calendar's overrides.

A rule is a series of rows sharing one key; each row has a value and the date from which it is in
force. It is read *as of a date* (rulebook.selectors.rule), so adding a row with a later
effective date never changes what was decided under the earlier one. A row already in force is
frozen (rulebook.services.check_rule_change); a correction is a new row.
"""

import datetime
from decimal import Decimal

from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Floor
from django.utils.translation import gettext_lazy as _

from common.i18n import in_english
from common.models import TimeStampedModel

RULE_KEY_PATTERN = r"^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$"

validate_rule_key = RegexValidator(
    RULE_KEY_PATTERN,
    _("Use lower-case letters, digits and underscores in dot-separated parts, e.g. public_tender.min_days."),
    code="invalid_key",
)


# Units whose values are whole numbers (checked by the database); Rule.Unit values.
WHOLE_NUMBER_UNITS = ("days", "working_days", "count", "years")


class Rule(TimeStampedModel):
    class Unit(models.TextChoices):
        DAYS = "days", _("days")
        WORKING_DAYS = "working_days", _("working days")
        PERCENT = "percent", _("percent")
        AMOUNT_CNY = "amount_cny", _("amount (CNY)")
        COUNT = "count", _("count")
        YEARS = "years", _("years")
        POINTS = "points", _("credit points")

    key = models.CharField(
        _("key"),
        max_length=100,
        validators=[validate_rule_key],
        help_text=_("Stable identifier read by the code, e.g. public_tender.min_days_notice_to_deadline."),
    )
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    name_en = models.CharField(_("name (English)"), max_length=200)
    value = models.DecimalField(
        _("value"),
        max_digits=18,
        decimal_places=4,
        help_text=_("A percentage is given in percent: 2 means 2 %, not 0.02."),
    )
    unit = models.CharField(_("unit"), max_length=16, choices=Unit.choices)
    legal_basis_zh = models.TextField(_("legal basis (Chinese)"))
    legal_basis_en = models.TextField(_("legal basis (English)"))
    effective_from = models.DateField(
        _("effective from"),
        help_text=_(
            "The first day on which this value applies. A value already in force is never edited: "
            "add a new version with a later date."
        ),
    )
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["key", "-effective_from"]
        constraints = [
            # Also the index behind every lookup (key = ? AND effective_from <= ? ORDER BY ... DESC).
            models.UniqueConstraint(
                fields=["key", "effective_from"],
                name="rule_key_effective_from_unique",
                violation_error_code="duplicate_rule_version",
                violation_error_message=_("This rule already has a version taking effect on that date."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="rule_value_non_negative",
                violation_error_code="negative_value",
                violation_error_message=_("A rule's value cannot be negative."),
            ),
            models.CheckConstraint(
                condition=Q(key__regex=RULE_KEY_PATTERN),
                name="rule_key_format",
                violation_error_code="invalid_key",
                violation_error_message=_("The key has an invalid format."),
            ),
            models.CheckConstraint(
                condition=~Q(unit="percent") | Q(value__lte=100),
                name="rule_percent_at_most_100",
                violation_error_code="percent_over_100",
                violation_error_message=_("A percentage cannot exceed 100."),
            ),
            models.CheckConstraint(
                condition=~Q(unit__in=WHOLE_NUMBER_UNITS) | Q(value=Floor("value")),
                name="rule_whole_number_units",
                violation_error_code="not_whole_number",
                violation_error_message=_("Days, working days, counts and years must be whole numbers."),
            ),
            models.CheckConstraint(
                condition=~Q(legal_basis_zh="") & ~Q(legal_basis_en=""),
                name="rule_legal_basis_present",
                violation_error_code="legal_basis_missing",
                violation_error_message=_("Every rule states its legal basis in Chinese and English."),
            ),
        ]

    def __str__(self) -> str:
        value = f"{Decimal(self.value).normalize():f}"
        return f"{self.key} = {value} {self.get_unit_display()} ({self.effective_from})"

    @property
    def name(self) -> str:
        """The name in the active language."""
        return self.name_en if in_english() else self.name_zh

    @property
    def legal_basis(self) -> str:
        """The legal basis in the active language."""
        return self.legal_basis_en if in_english() else self.legal_basis_zh

    def is_in_force_on(self, day: datetime.date) -> bool:
        """True once the row has taken effect; a row in force on `today` is frozen."""
        return self.effective_from <= day


class CalendarOverride(TimeStampedModel):
    """An administrator's statement that a day is (or is not) a working day.

    It wins over chinesecalendar's data, and is the only source for years that data does not cover:
    the official arrangement (国务院办公厅关于部分节假日安排的通知) is entered here day by day.
    """

    date = models.DateField(_("date"))
    is_working_day = models.BooleanField(_("working day"))
    reason_zh = models.CharField(_("reason (Chinese)"), max_length=200)
    reason_en = models.CharField(_("reason (English)"), max_length=200)

    class Meta:
        verbose_name = _("calendar override")
        verbose_name_plural = _("calendar overrides")
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(
                fields=["date"],
                name="calendar_override_date_unique",
                violation_error_code="duplicate_calendar_override",
                violation_error_message=_("This date already has a calendar entry."),
            ),
        ]

    def __str__(self) -> str:
        kind = _("working day") if self.is_working_day else _("day off")
        return f"{self.date}: {kind}"

    @property
    def reason(self) -> str:
        """The reason in the active language."""
        return self.reason_en if in_english() else self.reason_zh
