from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from haven.alerts.services import unacknowledged


def alert_banner(request: HttpRequest) -> dict[str, Any]:
    """The active alerts the signed-in user has not acknowledged: a banner on every page
    (alerts/_banner.html, included by base.html). Read only when a page draws it."""
    user = getattr(request, "user", None)
    return {"unacknowledged_alerts": SimpleLazyObject(lambda: list(unacknowledged(user)))}
