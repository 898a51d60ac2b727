"""Stock panels: food and water runway against the standards, medical runway, low stock."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from haven.core.dashboard import KeyFigure, Panel
from haven.planning.runway import RunwayStatus
from haven.stock import services
from haven.stock.runway import camp_runway, need_bars


def panels(request: HttpRequest) -> list[Panel]:
    if not request.user.has_perm("stock.view_item"):
        return []
    runway = camp_runway()
    bars = need_bars(runway)
    basic = [row for row in bars if row["need"] in ("kcal", "litres")]
    medical = [row for row in bars if str(row["need"]).startswith("medical:")]
    short = [
        row
        for row in runway.items
        if row.status != RunwayStatus.OK and (row.on_hand > 0 or row.runway.recent_rate > 0)
    ]
    short.sort(key=lambda row: (row.status != RunwayStatus.CRITICAL, row.days_of_supply))
    tones = {RunwayStatus.CRITICAL.value: "bad", RunwayStatus.LOW.value: "warn"}
    days_of = {"kcal": _("days of food"), "litres": _("days of water")}
    figures = [
        KeyFigure(
            days_of[str(row["need"])],
            str(row["days_text"]),
            reverse("stock:index"),
            tones.get(str(row["status"]), ""),
            40 + index,
        )
        for index, row in enumerate(basic)
    ]
    return [
        Panel(
            _("Supply runway"),
            "stock/panel_runway.html",
            {
                "basic": basic,
                "medical": medical,
                "headcount": runway.headcount,
                "kcal_standard": settings.HAVEN_STANDARD_KCAL_PER_PERSON_DAY,
                "water_standard": settings.HAVEN_STANDARD_WATER_L_PER_PERSON_DAY,
                "min_days": settings.HAVEN_RUNWAY_MIN_DAYS,
                "reorder_days": settings.HAVEN_RUNWAY_REORDER_DAYS,
            },
            order=20,
            wide=True,
            figures=figures,
        ),
        Panel(
            _("Low stock"),
            "stock/panel_low.html",
            {
                "rows": short[:10],
                "expired": services.expired_balances().count(),
                "to_correct": [row.item for row in runway.items if row.item.problems],
            },
            order=21,
        ),
    ]
