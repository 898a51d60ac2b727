"""The access policy in the admin: a model admin that shows, lists and searches only the
fields the signed-in user may see of the record (haven/core/policy.py)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from haven.core import policy


class PolicyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Fields of a group the user may not see leave the form, the list and the search."""

    def _hidden(self, request: HttpRequest, obj: Any = None) -> set[str]:
        label = policy.model_label(self.model)
        declared = policy.fields_of(label, policy.ALL_GROUPS)
        visible = policy.fields_of(label, policy.visible_groups(request.user, obj, label))
        if obj is None:
            visible = policy.fields_of(label, policy.role_groups(request.user))
        return declared - visible

    def get_exclude(self, request: HttpRequest, obj: Any = None) -> Any:
        return [*(super().get_exclude(request, obj) or ()), *sorted(self._hidden(request, obj))]

    def get_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        hidden = self._hidden(request, obj)
        return [field for field in super().get_fields(request, obj) if field not in hidden]

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> Any:
        hidden = self._hidden(request, obj)
        return [f for f in super().get_readonly_fields(request, obj) if f not in hidden]

    def get_list_display(self, request: HttpRequest) -> Any:
        hidden = self._hidden(request)
        return [f for f in super().get_list_display(request) if f not in hidden]

    def get_list_filter(self, request: HttpRequest) -> Any:
        hidden = self._hidden(request)
        return [f for f in super().get_list_filter(request) if f not in hidden]

    def get_search_fields(self, request: HttpRequest) -> Any:
        hidden = self._hidden(request)
        return [f for f in super().get_search_fields(request) if f.lstrip("=^@") not in hidden]
