from __future__ import annotations

from typing import Any

from django.contrib import admin

from haven.audit.models import AuditEvent


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """The audit log is append-only: it is read here, never added to, changed or deleted."""

    list_display = ["seq", "at", "kind", "action", "username", "channel", "record_count"]
    list_filter = ["kind", "group", "channel"]
    search_fields = ["action", "username", "records"]
    ordering = ["-seq"]

    def has_add_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: Any, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: Any, obj: Any = None) -> bool:
        return False
