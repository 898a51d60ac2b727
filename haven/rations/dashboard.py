"""Rations on the dashboard: the chance of running out of food and water, the latest plan."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db.models import Max
from django.http import HttpRequest
from django.utils import timezone

from haven.core.dashboard import Panel
from haven.core.errors import HavenError
from haven.rations import services
from haven.rations.charts import risk_by
from haven.rations.choices import CRITICAL_NEEDS

DASHBOARD_SCENARIOS = 1000
DASHBOARD_DAYS = 14


def runway_risk() -> dict[str, Any]:
    """P(run out within 7 and 14 days) of food and water, and the latest plan.

    The forecast changes only when the ledger or the headcount does, so it is kept until
    either moves (or for ten minutes) instead of being drawn again on every page view.
    """
    from haven.people import aggregates
    from haven.stock.models import LedgerEntry

    key = "rations-runway-risk:{}:{}:{}".format(
        LedgerEntry.objects.aggregate(last=Max("pk"))["last"],
        aggregates.in_camp_totals()[0],
        timezone.localdate().isoformat(),
    )
    rows = cache.get(key)
    if rows is None:
        rows = _risk_rows()
        cache.set(key, rows, timeout=600)
    return {"rows": rows, "plan": services.latest_plan()}


def _risk_rows() -> list[dict[str, Any]]:
    rows = []
    try:
        result = services.forecast(horizon_days=DASHBOARD_DAYS, scenarios=DASHBOARD_SCENARIOS)
    except HavenError:
        result = None
    if result is not None:
        for need, label in CRITICAL_NEEDS.items():
            try:
                forecast = result.for_need(need)
            except KeyError:
                continue
            rows.append(
                {
                    "need": need,
                    "label": label,
                    "within_7": risk_by(forecast, 7),
                    "within_14": risk_by(forecast, 14),
                }
            )
    return rows


def panels(request: HttpRequest) -> list[Panel]:
    if not request.user.has_perm("rations.view_forecast"):
        return []
    return [Panel("Running out", "rations/panel_runway.html", runway_risk(), order=30)]
