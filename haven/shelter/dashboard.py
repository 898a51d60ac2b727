"""Shelter panel on the dashboard: sheltered vs unsheltered tonight, and the shortfall."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from haven.core.dashboard import KeyFigure, Panel
from haven.core.templatetags.quantities import grouped
from haven.shelter import services


def tonight() -> dict[str, Any]:
    board = services.board()
    unsheltered_percent = 100 - board.sheltered_percent if board.in_camp else 0
    return {
        "in_camp": board.in_camp,
        "occupied": board.occupied,
        "unsheltered": board.unsheltered,
        "sheltered_percent": board.sheltered_percent,
        "unsheltered_percent": unsheltered_percent,
        "places_short": board.places_short,
        "shortfall_m2": board.shortfall.covered_area_m2,
        "tents": board.shortfall.tents,
        "tent_name": board.tent_type.name,
        "uncounted": board.uncounted,
    }


def panels(request: HttpRequest) -> list[Panel]:
    if not request.user.has_perm("shelter.view_shelter"):
        return []
    data = tonight()
    figure = KeyFigure(
        _("without shelter"),
        grouped(data["unsheltered"]),
        reverse("shelter:board"),
        "bad" if data["unsheltered"] else "",
        50,
    )
    return [Panel(_("Shelter tonight"), "shelter/panel.html", data, order=30, figures=[figure])]
