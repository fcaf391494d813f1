"""Procurement is read-only in the admin: it changes only through procurement.services."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import ApprovalDecision, Entrustment, Lot, Notice, Project, RegulatorApproval, TenderDocument


class LotInline(ReadOnlyInline):
    model = Lot
    fields = ["number", "title_zh", "budget", "sme_reserved", "status", "bond_amount"]


class ApprovalInline(ReadOnlyInline):
    model = ApprovalDecision
    fields = ["round", "level", "approver", "decision", "comment", "created_at"]


class RegulatorApprovalInline(ReadOnlyInline):
    model = RegulatorApproval
    fields = ["subject", "status", "decided_by", "decided_at", "comment"]


class TenderDocumentInline(ReadOnlyInline):
    model = TenderDocument
    fields = ["version", "status", "sha256", "published_at", "prepared_by"]


@admin.register(Project)
class ProjectAdmin(ReadOnlyAdmin):
    list_display = ["reference", "title_zh", "purchaser", "category", "method", "budget", "status"]
    list_filter = ["status", "category", "method"]
    list_select_related = ["purchaser"]
    search_fields = ["reference", "title_zh", "title_en", "purchaser__name_zh"]
    inlines = [LotInline, ApprovalInline, RegulatorApprovalInline, TenderDocumentInline]


@admin.register(Entrustment)
class EntrustmentAdmin(ReadOnlyAdmin):
    list_display = ["agreement_number", "project", "agency", "signed_on", "sha256"]
    list_select_related = ["project", "agency"]
    search_fields = ["agreement_number", "project__reference", "agency__name_zh"]


@admin.register(Notice)
class NoticeAdmin(ReadOnlyAdmin):
    list_display = ["title_zh", "kind", "region_code", "published_at"]
    list_filter = ["kind", "category", "method"]
    search_fields = ["title_zh", "title_en", "project__reference"]
    list_select_related = ["project"]
