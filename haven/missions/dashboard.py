"""Mission panel: overdue runs in red, then who is out and when they are due."""

from __future__ import annotations

from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from haven.core.dashboard import KeyFigure, Panel
from haven.missions import services
from haven.missions.choices import MissionStatus


def panels(request: HttpRequest) -> list[Panel]:
    if not request.user.has_perm("missions.view_mission"):
        return []
    now = timezone.now()
    out = list(
        services.visible_missions(request.user)
        .filter(status=MissionStatus.OUT)
        .order_by("expected_return_at")
        .prefetch_related("members")
    )
    overdue = [m for m in out if m.is_overdue(now)]
    context = {
        "overdue": overdue,
        "out": [m for m in out if not m.is_overdue(now)],
        "planned": services.visible_missions(request.user)
        .filter(status=MissionStatus.PLANNED)
        .count(),
        "now": now,
    }
    title = _("Missions overdue: %(count)s") % {"count": len(overdue)} if overdue else _("Missions")
    figure = KeyFigure(
        _("missions overdue"), len(overdue), reverse("missions:board"), "bad" if overdue else "", 60
    )
    return [
        Panel(title, "missions/panel.html", context, order=15 if overdue else 40, figures=[figure])
    ]
