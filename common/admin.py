"""Admin base classes shared by the apps: facts that change only through services are read-only."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    """Operators may read the rows; adding, changing and deleting go through audited services only."""

    actions = None

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
