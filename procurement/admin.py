"""Projects are read-only in the admin: they change only through procurement.services."""

from django.contrib import admin

from .models import ApprovalDecision, Lot, Project


class ReadOnlyAdmin(admin.ModelAdmin):
    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class LotInline(admin.TabularInline):
    model = Lot
    extra = 0
    fields = ["number", "title_zh", "budget", "sme_reserved"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ApprovalInline(LotInline):
    model = ApprovalDecision
    fields = ["round", "level", "approver", "decision", "comment", "created_at"]


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title_zh", "purchaser", "category", "method", "budget", "status"]
    list_filter = ["status", "category", "method"]
    list_select_related = ["purchaser"]
    search_fields = ["reference", "title_zh", "title_en", "purchaser__name_zh"]
    inlines = [LotInline, ApprovalInline]
