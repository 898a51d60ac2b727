from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from haven.core.navigation import active_item, visible_navigation


def _role_label(request: HttpRequest) -> str:
    """The signed-in user's role in the reader's language (the group is named in English)."""
    from haven.accounts.choices import Role

    if not request.user.is_authenticated:
        return ""
    group = request.user.groups.first()
    if group is None:
        return ""
    return str(Role(group.name).label) if group.name in Role.values else group.name


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu entries the signed-in user's role may open, and the camp's name."""
    items = visible_navigation(request.user) if request.user.is_authenticated else []
    return {
        "user_role": _role_label(request),
        # Each language named in itself, for the switch in the menu.
        "interface_languages": settings.LANGUAGES,
        "navigation": items,
        "active_navigation": active_item(items, request.path),
        "camp_name": settings.HAVEN_CAMP_NAME,
    }
