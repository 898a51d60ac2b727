"""Rations on the dashboard: the chance of running out of food and water, the latest plan."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _

from haven.core import computed
from haven.core.dashboard import Panel
from haven.core.errors import HavenError
from haven.rations import services
from haven.rations.charts import risk_by
from haven.rations.choices import CRITICAL_NEEDS, need_label
from haven.rations.computed import RUNWAY_RISK, runway_state

DASHBOARD_SCENARIOS = 1000
DASHBOARD_DAYS = 14


def runway_risk() -> dict[str, Any]:
    """P(run out within 7 and 14 days) of food and water as the worker last computed it
    (never on the request path), with its age; and the latest plan."""
    result = computed.latest(RUNWAY_RISK, runway_state())
    return {
        # Stored as computed; each need named in the reader's language.
        "rows": [row | {"label": need_label(row["need"])} for row in result.value or []],
        "ready": result.ready,
        "current": result.current,
        "as_of": result.age_text,
        "plan": services.latest_plan(),
    }


def risk_rows() -> list[dict[str, Any]]:
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
                    "label": str(label),
                    "within_7": risk_by(forecast, 7),
                    "within_14": risk_by(forecast, 14),
                }
            )
    return rows


def panels(request: HttpRequest) -> list[Panel]:
    if not request.user.has_perm("rations.view_forecast"):
        return []
    return [Panel(_("Running out"), "rations/panel_runway.html", runway_risk(), order=30)]
