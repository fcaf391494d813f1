"""The expert pool is read-only in the admin: it changes only through experts.services."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Declaration, ExpertProfile, Unavailability


class DeclarationInline(ReadOnlyInline):
    model = Declaration
    fields = [
        "kind",
        "organisation_name",
        "organisation_uscc",
        "relative_name",
        "relationship",
        "started_on",
        "ended_on",
    ]


class UnavailabilityInline(ReadOnlyInline):
    model = Unavailability
    fields = ["starts_on", "ends_on", "reason"]


@admin.register(ExpertProfile)
class ExpertProfileAdmin(ReadOnlyAdmin):
    list_display = [
        "name_zh",
        "name_en",
        "status",
        "region_code",
        "professional_title",
        "declared_at",
        "created_at",
    ]
    list_filter = ["status"]
    search_fields = ["name_zh", "name_en", "employer_name", "employer_uscc", "user__username", "region_code"]
    list_select_related = ["user"]
    inlines = [DeclarationInline, UnavailabilityInline]


@admin.register(Declaration)
class DeclarationAdmin(ReadOnlyAdmin):
    list_display = ["expert", "kind", "organisation_name", "organisation_uscc", "started_on", "ended_on"]
    list_filter = ["kind"]
    search_fields = ["organisation_name", "organisation_uscc", "expert__name_zh"]
    list_select_related = ["expert"]


@admin.register(Unavailability)
class UnavailabilityAdmin(ReadOnlyAdmin):
    list_display = ["expert", "starts_on", "ends_on", "reason"]
    list_select_related = ["expert"]
