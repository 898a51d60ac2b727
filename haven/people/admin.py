from __future__ import annotations

from django.contrib import admin

from haven.core.policy_admin import PolicyAdmin
from haven.people.models import Household, Muster, Person, Skill, StatusEvent, Team


@admin.register(Person)
class PersonAdmin(PolicyAdmin):
    list_display = ["full_name", "record_id", "sex", "date_of_birth", "status", "household"]
    list_filter = ["status", "sex"]
    search_fields = ["full_name", "alternate_names", "record_id"]
    raw_id_fields = ["household", "team", "user"]
    readonly_fields = ["status", "status_changed_at"]


@admin.register(StatusEvent)
class StatusEventAdmin(PolicyAdmin):
    list_display = ["person", "previous_status", "status", "occurred_at", "recorded_by"]
    raw_id_fields = ["person"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


admin.site.register(Household)
admin.site.register(Team)
admin.site.register(Skill)
admin.site.register(Muster)
