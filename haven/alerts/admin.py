from __future__ import annotations

from django.contrib import admin

from haven.alerts.models import Acknowledgement, Alert, AlertEvent


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Alerts change only through the services (two-person rule, history); the admin reads."""

    def has_add_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Alert)
class AlertAdmin(ReadOnlyAdmin):
    list_display = ["pk", "headline", "status", "msg_type", "stage", "sent", "expires"]
    list_filter = ["stage", "status", "msg_type"]
    search_fields = ["headline", "identifier"]
    exclude = ["circle", "polygon"]  # coordinates: the location policy, not the admin


@admin.register(AlertEvent)
class AlertEventAdmin(ReadOnlyAdmin):
    list_display = ["alert", "step", "at", "by"]


@admin.register(Acknowledgement)
class AcknowledgementAdmin(ReadOnlyAdmin):
    list_display = ["alert", "user", "at"]
