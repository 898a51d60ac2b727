from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from haven.alerts.services import active_for


def alert_banner(request: HttpRequest) -> dict[str, Any]:
    """The active alerts the signed-in user has not acknowledged: a banner on every page
    (alerts/_banner.html, included by base.html). Read only when a page draws it."""

    def mine() -> list[Any]:
        if not getattr(getattr(request, "user", None), "is_authenticated", False):
            return []
        return [alert for alert in active_for(request) if not getattr(alert, "acknowledged", False)]

    return {"unacknowledged_alerts": SimpleLazyObject(mine)}
