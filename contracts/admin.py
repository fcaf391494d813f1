"""Contracts are read-only in the admin: every change goes through contracts.services (and the
sub-packages' services). Signing certificates show their certificate, never their key."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Contract, Signature, SigningCertificate, SupplementaryAgreement


class SignatureInline(ReadOnlyInline):
    model = Signature
    fields = [
        "party",
        "supplement",
        "organisation",
        "signer",
        "signed_at",
        "certificate_serial",
        "pdf_sha256",
    ]


@admin.register(Contract)
class ContractAdmin(ReadOnlyAdmin):
    list_display = ["reference", "purchaser", "supplier", "amount", "status", "signing_due", "signed_at"]
    list_filter = ["status"]
    search_fields = ["reference", "title_zh", "title_en"]
    list_select_related = ["purchaser", "supplier"]
    exclude = ["pdf"]
    inlines = [SignatureInline]


@admin.register(SupplementaryAgreement)
class SupplementaryAgreementAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "amount", "status", "due_date", "signed_at"]
    list_filter = ["status"]
    list_select_related = ["contract"]
    exclude = ["pdf"]


@admin.register(SigningCertificate)
class SigningCertificateAdmin(ReadOnlyAdmin):
    list_display = ["subject", "organisation", "serial", "not_before", "not_after", "revoked_at"]
    list_select_related = ["organisation"]
    fields = ["organisation", "serial", "subject", "not_before", "not_after", "revoked_at", "certificate_pem"]
