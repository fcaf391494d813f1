"""The credit rule catalogue is edited here (through an audited service); records, events, bans,
appeals and imports are read-only: they change only through the credit services."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin

from . import services
from .models import BlacklistEntry, CreditAppeal, CreditEvent, CreditImport, CreditRecord, CreditRule


@admin.register(CreditRule)
class CreditRuleAdmin(admin.ModelAdmin):
    actions = None
    list_display = [
        "code",
        "party_kind",
        "name_zh",
        "points",
        "counts_for_days",
        "decay",
        "ban_years",
        "is_active",
    ]
    list_filter = ["party_kind", "severity", "decay", "is_active"]
    search_fields = ["code", "name_zh", "name_en"]

    def save_model(self, request, obj, form, change):
        services.save_credit_rule(obj, actor=request.user)

    def has_delete_permission(self, request, obj=None):
        return False  # events point at their rule; a rule is retired by clearing "in use"


@admin.register(CreditRecord)
class CreditRecordAdmin(ReadOnlyAdmin):
    list_display = ["pk", "kind", "organisation", "person", "region_code", "score", "stars", "is_red_listed"]
    list_filter = ["kind", "stars", "is_red_listed"]
    list_select_related = ["organisation", "person"]
    search_fields = [
        "organisation__name_zh",
        "organisation__name_en",
        "organisation__uscc",
        "person__username",
    ]


@admin.register(CreditEvent)
class CreditEventAdmin(ReadOnlyAdmin):
    list_display = ["pk", "record", "rule", "points", "source", "status", "occurred_on", "counts_until"]
    list_filter = ["source", "status", "rule__party_kind"]
    list_select_related = ["record__organisation", "record__person", "rule"]
    search_fields = ["rule__code", "external_reference", "record__organisation__name_zh"]


@admin.register(BlacklistEntry)
class BlacklistEntryAdmin(ReadOnlyAdmin):
    list_display = ["pk", "record", "starts_on", "ends_on", "status"]
    list_filter = ["status"]
    list_select_related = ["record__organisation", "record__person"]


@admin.register(CreditAppeal)
class CreditAppealAdmin(ReadOnlyAdmin):
    list_display = ["pk", "event", "appellant", "status", "decided_at"]
    list_filter = ["status"]
    list_select_related = ["event__rule", "appellant"]


@admin.register(CreditImport)
class CreditImportAdmin(ReadOnlyAdmin):
    list_display = [
        "pk",
        "source_name",
        "file_name",
        "origin",
        "recorded_count",
        "unmatched_count",
        "created_at",
    ]
    list_filter = ["origin", "format"]
