from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from haven.sitrep.models import SitrepNote


@admin.register(SitrepNote)
class SitrepNoteAdmin(admin.ModelAdmin[SitrepNote]):
    list_display = ["written_at", "written_by", "text"]
    readonly_fields = ["text", "written_at", "written_by"]

    # Append-only: a note is replaced by a newer one, never edited.
    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
