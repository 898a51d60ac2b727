from __future__ import annotations

from django.contrib import admin

from haven.shelter.models import ConditionChange, Shelter, ShelterPlan, Stay, TentType


class AppendOnly(admin.ModelAdmin):  # type: ignore[type-arg]
    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(Shelter)
class ShelterAdmin(admin.ModelAdmin[Shelter]):
    list_display = ["name", "kind", "covered_area_m2", "beds", "condition", "zone", "use"]
    list_filter = ["kind", "condition", "use", "zone"]
    search_fields = ["name", "zone"]
    readonly_fields = ["condition"]


@admin.register(Stay)
class StayAdmin(AppendOnly):
    list_display = ["person", "shelter", "started_at", "ended_at", "end"]
    raw_id_fields = ["person", "shelter", "plan"]


@admin.register(ConditionChange)
class ConditionChangeAdmin(AppendOnly):
    list_display = ["shelter", "previous_condition", "condition", "occurred_at", "recorded_by"]


@admin.register(ShelterPlan)
class ShelterPlanAdmin(AppendOnly):
    list_display = ["id", "created_at", "method", "objective", "sheltered_after", "applied_at"]


admin.site.register(TentType)
