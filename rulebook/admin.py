"""The rulebook in the admin: a regulator or operator corrects a number without a code change.

A row already in force (effective_from <= today) shows its key, value, unit and effective date
read-only and cannot be deleted: a corrected number is a new row with a later effective date, so
what was decided under the old value stays explainable. The checks live in rulebook.services.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.exceptions import DomainError

from . import services
from .models import CalendarOverride, Rule


def _as_validation_error(error: DomainError) -> ValidationError:
    return ValidationError(str(error.message), code=error.code)


class RuleAdminForm(forms.ModelForm):
    class Meta:
        model = Rule
        fields = [
            "key",
            "name_zh",
            "name_en",
            "value",
            "unit",
            "effective_from",
            "legal_basis_zh",
            "legal_basis_en",
            "note",
        ]

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            # The instance gets the new values only after clean(): check a copy carrying them.
            # A read-only field is absent from cleaned_data and keeps the stored value.
            fields = services.RULE_FROZEN_FIELDS
            twin = Rule(pk=self.instance.pk, **{f: cleaned.get(f, getattr(self.instance, f)) for f in fields})
            try:
                services.check_rule_change(twin, today=timezone.localdate())
            except DomainError as error:
                raise _as_validation_error(error) from None
        return cleaned


class InForceListFilter(admin.SimpleListFilter):
    title = _("status")
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [("in_force", _("Taken effect")), ("scheduled", _("Scheduled"))]

    def queryset(self, request, queryset):
        today = timezone.localdate()
        if self.value() == "in_force":
            return queryset.filter(effective_from__lte=today)
        if self.value() == "scheduled":
            return queryset.filter(effective_from__gt=today)
        return queryset


@admin.register(Rule)
class RuleAdmin(admin.ModelAdmin):
    form = RuleAdminForm
    list_display = ["key", "name_zh", "name_en", "value", "unit", "effective_from"]
    list_filter = [InForceListFilter, "unit", "effective_from"]
    search_fields = ["key", "name_zh", "name_en", "legal_basis_zh", "legal_basis_en", "note"]
    ordering = ["key", "-effective_from"]
    date_hierarchy = "effective_from"
    fieldsets = [
        (None, {"fields": ["key", "name_zh", "name_en"]}),
        (_("Value"), {"fields": ["value", "unit", "effective_from"]}),
        (_("Legal basis"), {"fields": ["legal_basis_zh", "legal_basis_en", "note"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_in_force_on(timezone.localdate()):
            return list(services.RULE_FROZEN_FIELDS)
        return []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_in_force_on(timezone.localdate()):
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        # Bulk deletion would bypass the per-row check above.
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class CalendarOverrideAdminForm(forms.ModelForm):
    class Meta:
        model = CalendarOverride
        fields = ["date", "is_working_day", "reason_zh", "reason_en"]

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            fields = services.OVERRIDE_FROZEN_FIELDS
            twin = CalendarOverride(
                pk=self.instance.pk, **{f: cleaned.get(f, getattr(self.instance, f)) for f in fields}
            )
            try:
                services.check_override_change(twin, today=timezone.localdate())
            except DomainError as error:
                raise _as_validation_error(error) from None
        return cleaned


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(admin.ModelAdmin):
    form = CalendarOverrideAdminForm
    list_display = ["date", "is_working_day", "reason_zh", "reason_en"]
    list_filter = ["is_working_day", "date"]
    search_fields = ["reason_zh", "reason_en"]
    date_hierarchy = "date"
    ordering = ["-date"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.date <= timezone.localdate():
            return list(services.OVERRIDE_FROZEN_FIELDS)
        return []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.date <= timezone.localdate():
            return False
        return super().has_delete_permission(request, obj)

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions
