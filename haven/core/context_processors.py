from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from haven.core import policy
from haven.core.navigation import active_item, visible_navigation


def _role_label(request: HttpRequest) -> str:
    """The signed-in user's role in the reader's language (the group is named in English)."""
    from haven.accounts.choices import Role

    # The policy has read the role once for this request already: no query of its own.
    role = policy.role_of(request.user)
    if not role:
        return ""
    return str(Role(role).label) if role in Role.values else role


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
