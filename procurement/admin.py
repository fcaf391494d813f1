"""Projects are read-only in the admin: they change only through procurement.services."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import ApprovalDecision, Lot, Project


class LotInline(ReadOnlyInline):
    model = Lot
    fields = ["number", "title_zh", "budget", "sme_reserved"]


class ApprovalInline(ReadOnlyInline):
    model = ApprovalDecision
    fields = ["round", "level", "approver", "decision", "comment", "created_at"]


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title_zh", "purchaser", "category", "method", "budget", "status"]
    list_filter = ["status", "category", "method"]
    list_select_related = ["purchaser"]
    search_fields = ["reference", "title_zh", "title_en", "purchaser__name_zh"]
    inlines = [LotInline, ApprovalInline]
