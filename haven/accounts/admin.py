from __future__ import annotations

from django.contrib import admin

from haven.accounts.models import ApiToken


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin[ApiToken]):
    list_display = ["user", "name", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["key_hash"]
