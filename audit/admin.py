"""Read-only: the chain is written by services only, and the database refuses changes anyway."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin import ReadOnlyAdmin

from .actions import action_label
from .models import AuditCheckpoint, AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(ReadOnlyAdmin):
    list_display = [
        "sequence",
        "occurred_at",
        "action_display",
        "actor_label",
        "organisation",
        "object_type",
        "object_id",
    ]
    list_select_related = ["organisation"]
    search_fields = ["=sequence", "action", "object_type", "=object_id", "actor_label", "hash"]
    show_full_result_count = False  # a count(*) over millions of rows on every page is slow

    @admin.display(description=_("action"), ordering="action")
    def action_display(self, event: AuditEvent) -> str:
        # The list shows the translated label; search and the detail page keep the dotted name.
        return action_label(event.action)


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(ReadOnlyAdmin):
    list_display = ["sequence", "signed_at", "head_hash", "key_fingerprint", "recorded_by"]
    list_select_related = ["recorded_by"]
