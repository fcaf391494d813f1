"""Supplier registrations are read-only in the admin: they change only through suppliers.services."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import DocumentDownload, Qualification, SupplierProfile


class QualificationInline(ReadOnlyInline):
    model = Qualification
    fields = ["kind", "number", "issued_on", "expires_on", "status", "warned_on", "sha256"]


@admin.register(SupplierProfile)
class SupplierProfileAdmin(ReadOnlyAdmin):
    list_display = ["organisation", "status", "enterprise_size", "special_status", "created_at"]
    list_filter = ["status", "enterprise_size", "special_status"]
    search_fields = ["organisation__name_zh", "organisation__name_en", "organisation__uscc"]
    list_select_related = ["organisation"]
    inlines = [QualificationInline]


@admin.register(Qualification)
class QualificationAdmin(ReadOnlyAdmin):
    list_display = ["supplier", "kind", "number", "expires_on", "status"]
    list_filter = ["status", "kind"]
    list_select_related = ["supplier__organisation"]


@admin.register(DocumentDownload)
class DocumentDownloadAdmin(ReadOnlyAdmin):
    list_display = ["supplier", "tender_document", "user", "ip_address", "created_at"]
    list_select_related = ["supplier", "tender_document__project", "user"]
