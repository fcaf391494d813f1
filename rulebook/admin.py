"""The rulebook in the admin: a regulator or operator corrects a number without a code change.

A row already in force (effective_from <= today) shows its key, value, unit and effective date
read-only and cannot be deleted: a corrected number is a new row for the same key with a later
effective date (tomorrow or later), so what was decided under the old value stays explainable.
Its names, legal basis and note can still be corrected. Calendar overrides for days up to today
are frozen the same way. The checks and the audited writes live in rulebook.services.
"""

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.exceptions import DomainError

from . import services
from .models import CalendarOverride, Rule


def _stored(model, pk):
    return model.objects.filter(pk=pk).first() if pk else None


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
            # The instance receives the new values only after clean(): check a copy that has them.
            # A read-only field is absent from cleaned_data and keeps its stored value.
            stored = _stored(Rule, self.instance.pk)
            values = {f: cleaned.get(f, getattr(self.instance, f)) for f in services.RULE_FROZEN_FIELDS}
            candidate = Rule(pk=self.instance.pk, **values)
            try:
                services.check_rule_change(candidate, stored, today=timezone.localdate())
            except DomainError as error:
                raise ValidationError(str(error.message), code=error.code) from None
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


class ServiceBackedAdmin(admin.ModelAdmin):
    """Saves and deletes go through the app's services; bulk deletion (which would not) is off."""

    actions = None


@admin.register(Rule)
class RuleAdmin(ServiceBackedAdmin):
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

    def save_model(self, request, obj, form, change):
        services.save_rule(obj, actor=request.user)

    def delete_model(self, request, obj):
        services.delete_rule(obj, actor=request.user)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.is_in_force_on(timezone.localdate()):
            return list(services.RULE_FROZEN_FIELDS)
        return []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.is_in_force_on(timezone.localdate()):
            return False
        return super().has_delete_permission(request, obj)


class CalendarOverrideAdminForm(forms.ModelForm):
    class Meta:
        model = CalendarOverride
        fields = ["date", "is_working_day", "reason_zh", "reason_en"]

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            stored = _stored(CalendarOverride, self.instance.pk)
            values = {f: cleaned.get(f, getattr(self.instance, f)) for f in services.OVERRIDE_FROZEN_FIELDS}
            candidate = CalendarOverride(pk=self.instance.pk, **values)
            try:
                services.check_override_change(candidate, stored, today=timezone.localdate())
            except DomainError as error:
                raise ValidationError(str(error.message), code=error.code) from None
        return cleaned


@admin.register(CalendarOverride)
class CalendarOverrideAdmin(ServiceBackedAdmin):
    form = CalendarOverrideAdminForm
    list_display = ["date", "is_working_day", "reason_zh", "reason_en"]
    list_filter = ["is_working_day", "date"]
    search_fields = ["reason_zh", "reason_en"]
    date_hierarchy = "date"
    ordering = ["-date"]

    def save_model(self, request, obj, form, change):
        services.save_calendar_override(obj, actor=request.user)

    def delete_model(self, request, obj):
        services.delete_calendar_override(obj, actor=request.user)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.date <= timezone.localdate():
            return list(services.OVERRIDE_FROZEN_FIELDS)
        return []

    def has_delete_permission(self, request, obj=None):
        if obj is not None and obj.date <= timezone.localdate():
            return False
        return super().has_delete_permission(request, obj)
