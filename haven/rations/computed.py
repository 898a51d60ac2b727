"""The rations computations the worker keeps current: the dashboard's chance of running out,
the runway forecast's fan charts (the forecast page and a plan's preview), and the forecast
page's what-ifs (`ON_REQUEST`, computed once a page asks for them)."""

from __future__ import annotations

import dataclasses
import hashlib
from typing import Any

from django.conf import settings
from django.db.models import Max
from django.utils import timezone

from haven.core.computed import Computation, OnRequest
from haven.core.errors import HavenError
from haven.people import aggregates

RUNWAY_RISK = "rations.runway_risk"
FORECAST = "rations.forecast"
WHAT_IF = "rations.what_if"


def runway_state() -> str:
    """What the forecast is made from, cheaply: the last ledger entry and mission, the
    people in camp by need class (a digest of the classes as the forecast reads them, from
    the request's one read of the headcount classes), and the day."""
    from haven.missions.models import Mission
    from haven.stock.models import LedgerEntry

    classes = aggregates.snapshot().in_camp
    people = hashlib.sha1(repr(classes).encode(), usedforsecurity=False).hexdigest()[:16]
    last_entry = LedgerEntry.objects.aggregate(last=Max("pk"))["last"]
    last_mission = Mission.objects.aggregate(last=Max("returned_at"))["last"]
    return ":".join([str(last_entry), str(last_mission), people, timezone.localdate().isoformat()])


def runway_risk_rows() -> list[dict[str, object]]:
    from haven.rations.dashboard import risk_rows

    return risk_rows()


def forecast_charts(params: dict[str, Any]) -> dict[str, Any]:
    """The fan charts of the runway forecast over `days` days, under the what-if the other
    parameters make (people leaving or arriving, a store lost, missions bringing nothing):
    {"charts": [...]} or {"error": "..."} (as JSON, for the page to draw)."""
    from haven.rations import charts, services
    from haven.stock.models import Store

    store = params.get("store_lost")
    try:
        scenario = services.make_scenario(
            name="what-if",
            people_leave=int(params.get("people_leave") or 0),
            people_arrive=int(params.get("people_arrive") or 0),
            store_lost=Store.objects.filter(pk=store).first() if store else None,
            missions_bring_nothing=bool(params.get("missions_bring_nothing")),
        )
        result = services.forecast(horizon_days=int(params["days"]), scenario=scenario)
    except HavenError as problem:
        return {"error": str(problem)}
    return {"charts": [dataclasses.asdict(chart) for chart in charts.fan_charts(result)]}


def standing_forecast() -> dict[str, Any]:
    return forecast_charts({"days": settings.HAVEN_FORECAST_HORIZON_DAYS})


COMPUTATIONS = [
    Computation(RUNWAY_RISK, runway_state, runway_risk_rows),
    Computation(FORECAST, runway_state, standing_forecast),
]
ON_REQUEST = [OnRequest(WHAT_IF, runway_state, forecast_charts)]
