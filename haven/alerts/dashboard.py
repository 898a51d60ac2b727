"""Alerts panel on the dashboard: the alerts in force, most urgent first, and their count
among the key figures. The banner atop the page reads the same list (one query)."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from haven.alerts import services
from haven.core.dashboard import KeyFigure, Panel

PRIORITY_RANK = {"urgent": 0, "high": 1, "medium": 2, "low": 3}


def panels(request: HttpRequest) -> list[Panel]:
    if not request.user.has_perm("alerts.view_alert"):
        return []
    active = sorted(
        services.active_for(request),
        key=lambda alert: (
            PRIORITY_RANK.get(str(alert.priority), 9),
            -(alert.sent.timestamp() if alert.sent else 0),
        ),
    )
    figure = KeyFigure(
        _("alerts in force"), len(active), reverse("alerts:list"), "bad" if active else "", 5
    )
    return [
        Panel(
            _("Alerts in force"),
            "alerts/panel.html",
            {"alerts": active[:5], "more": max(len(active) - 5, 0)},
            order=5 if active else 90,
            figures=[figure],
        )
    ]
