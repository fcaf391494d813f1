"""Bidding is read-only in the admin, and shows nothing sealed: no key, no sealed price or name.
A bid's price and its files' names appear only once the opening service has revealed them."""

from django.contrib import admin

from common.admin import ReadOnlyAdmin, ReadOnlyInline

from .models import Bid, BidFile, Bond, CollusionFlag, Opening


class BidFileInline(ReadOnlyInline):
    model = BidFile
    fields = ["document_key", "status", "size", "sha256", "hash_matches", "name"]


@admin.register(Bid)
class BidAdmin(ReadOnlyAdmin):
    list_display = ["public_id", "lot", "supplier", "status", "received_at", "audit_sequence"]
    list_filter = ["status"]
    fields = [
        "public_id",
        "lot",
        "supplier",
        "prepared_by",
        "status",
        "received_at",
        "sealed_price_sha256",
        "receipt_sha256",
        "audit_sequence",
        "replaces",
        "withdrawn_at",
        "price",
        "opened_at",
    ]
    inlines = [BidFileInline]
    list_select_related = ["lot__project", "supplier"]


@admin.register(Opening)
class OpeningAdmin(ReadOnlyAdmin):
    list_display = ["lot", "status", "automatic", "opened_at", "valid_bids", "failed"]
    fields = [
        "lot",
        "status",
        "first_officer",
        "second_officer",
        "automatic",
        "opened_at",
        "valid_bids",
        "failed",
        "sha256",
        "notice",
    ]


@admin.register(CollusionFlag)
class CollusionFlagAdmin(ReadOnlyAdmin):
    list_display = ["lot", "kind", "created_at"]
    fields = ["lot", "kind", "suppliers", "evidence"]


@admin.register(Bond)
class BondAdmin(ReadOnlyAdmin):
    list_display = ["lot", "supplier", "status", "amount", "form", "refund_due_on"]
    list_filter = ["status", "form"]
    exclude = ["document"]
