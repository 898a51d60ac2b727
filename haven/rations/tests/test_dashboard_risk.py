"""The dashboard's chance of running out: computed by the worker, shown with its age."""

from __future__ import annotations

from typing import Any

import pytest

from haven.core import computed
from haven.rations import dashboard
from haven.rations.computed import FORECAST, RUNWAY_RISK
from haven.rations.tests.conftest import Camp
from haven.stock import services as stock

pytestmark = pytest.mark.django_db


def test_the_page_never_computes_the_forecast(
    camp: Camp, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    def refuse() -> None:
        raise AssertionError("the request path computed the forecast")

    monkeypatch.setattr(dashboard, "risk_rows", refuse)
    page = client_as("commander").get("/").content.decode()
    assert "Being computed" in page


def test_the_worker_computes_once_per_state_and_the_page_shows_its_age(
    camp: Camp, client_as: Any, users: dict[str, Any]
) -> None:
    assert computed.run_once() == [RUNWAY_RISK, FORECAST]
    assert computed.run_once() == []  # same state: nothing to do
    page = client_as("commander").get("/").content.decode()
    assert "as of just now" in page
    assert "Food energy" in page or "Food" in page
    assert "a newer forecast is being computed" not in page

    stock.issue(
        by=users["clerk"], item="drinking-water", store=camp.store, quantity=5, purpose="other"
    )
    page = client_as("commander").get("/").content.decode()
    assert "a newer forecast is being computed" in page
    assert computed.run_once() == [RUNWAY_RISK, FORECAST]
    page = client_as("commander").get("/").content.decode()
    assert "a newer forecast is being computed" not in page
