from __future__ import annotations

from django.contrib import admin

from haven.core.policy_admin import PolicyAdmin
from haven.health.models import (
    DeathRecord,
    Injury,
    OutcomeRecord,
    StartingPopulation,
    Treatment,
    TriageRecord,
)


class AppendOnly(PolicyAdmin):
    """Health records are corrected by new entries through the services, never edited here."""

    raw_id_fields = ["person"]

    def has_change_permission(self, request: object, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: object, obj: object = None) -> bool:
        return False


@admin.register(TriageRecord)
class TriageRecordAdmin(AppendOnly):
    list_display = ["person", "category", "algorithm", "triaged_at", "is_current"]
    list_filter = ["category", "is_current"]


@admin.register(DeathRecord)
class DeathRecordAdmin(AppendOnly):
    list_display = ["person", "died_at", "cause", "disposition", "confirmed_at"]
    list_filter = ["cause", "disposition"]


admin.site.register(Injury, AppendOnly)
admin.site.register(Treatment, AppendOnly)
admin.site.register(OutcomeRecord, AppendOnly)
admin.site.register(StartingPopulation)
