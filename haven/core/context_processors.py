from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from haven.core import policy
from haven.core.navigation import active_item, visible_navigation


def navigation(request: HttpRequest) -> dict[str, Any]:
    """The menu entries the signed-in user's role may open, their role, and the camp's name."""
    items = visible_navigation(request.user) if request.user.is_authenticated else []
    return {
        "navigation": items,
        "active_navigation": active_item(items, request.path),
        "camp_name": settings.HAVEN_CAMP_NAME,
        # Read once per request by the policy already: no query of its own on every page.
        "role": policy.role_of(request.user),
    }
