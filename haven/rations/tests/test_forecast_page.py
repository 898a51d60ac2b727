"""The forecast page and a plan's preview show fan charts the worker computed: a what-if is
asked for by the page, computed once per state (single-flight) and shown with its age; the
request path never runs the Monte Carlo."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from haven.core import computed
from haven.core.models import ComputedResult
from haven.rations import services
from haven.rations.computed import FORECAST, RUNWAY_RISK, WHAT_IF
from haven.rations.tests.conftest import Camp
from haven.stock import services as stock

pytestmark = pytest.mark.django_db

WHAT_IF_PAGE = "/rations/forecast/?people_arrive=20"
# Another horizon than the standing forecast's: the page asks for that one as well.
LONGER_PAGE = "/rations/forecast/?people_arrive=20&horizon_days=21"


@pytest.fixture
def no_forecast_on_request(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(**kwargs: Any) -> None:
        raise AssertionError("the request path computed a forecast")

    monkeypatch.setattr(services, "forecast", refuse)


def _asked() -> list[ComputedResult]:
    return list(ComputedResult.objects.filter(name__startswith=f"{WHAT_IF}#"))


def test_the_pages_never_compute_a_forecast(
    camp: Camp, client_as: Any, no_forecast_on_request: None
) -> None:
    client = client_as("quartermaster")
    page = client.get(WHAT_IF_PAGE).content.decode()
    assert "The forecast is being computed" in page
    assert 'hx-trigger="load delay:3s"' in page  # it comes by itself
    plan = services.preview_plan(by=None, store=camp.store, horizon_days=7)
    preview = client.get(f"/rations/plans/{plan.pk}/").content.decode()
    assert "The forecast is being computed" in preview


def test_the_worker_computes_an_asked_what_if_once_and_the_page_shows_it(
    camp: Camp, client_as: Any, users: dict[str, Any]
) -> None:
    client = client_as("quartermaster")
    client.get(WHAT_IF_PAGE)
    client_as("commander").get(WHAT_IF_PAGE)  # the same what-if: one row, computed once
    assert len(_asked()) == 1
    done = computed.run_once()
    assert sorted(done) == sorted([RUNWAY_RISK, FORECAST, WHAT_IF])
    assert computed.run_once() == []  # the same state: nothing to do
    page = client.get(WHAT_IF_PAGE).content.decode()
    assert "What if" in page and "As things stand" in page
    assert "as of just now" in page and page.count('class="fan-chart"') >= 4
    assert "being computed" not in page and "hx-trigger" not in page

    stock.issue(
        by=users["clerk"], item="drinking-water", store=camp.store, quantity=5, purpose="other"
    )
    stale = client.get(WHAT_IF_PAGE).content.decode()
    assert "a newer forecast is being computed" in stale and "hx-trigger" in stale
    assert sorted(computed.run_once()) == sorted([RUNWAY_RISK, FORECAST, WHAT_IF])


def test_another_horizon_is_asked_for_with_the_what_if(camp: Camp, client_as: Any) -> None:
    client = client_as("quartermaster")
    client.get(LONGER_PAGE)
    assert len(_asked()) == 2
    assert computed.run_once().count(WHAT_IF) == 2
    page = client.get(LONGER_PAGE).content.decode()
    assert "21 days" in page and "being computed" not in page


def test_what_ifs_nobody_asks_for_are_left_then_forgotten(camp: Camp, client_as: Any) -> None:
    client_as("quartermaster").get(WHAT_IF_PAGE)
    [row] = _asked()
    ComputedResult.objects.filter(pk=row.pk).update(
        asked_at=timezone.now() - computed.ASK_KEEP - timedelta(minutes=1)
    )
    assert WHAT_IF not in computed.run_once()
    ComputedResult.objects.filter(pk=row.pk).update(
        asked_at=timezone.now() - computed.ASK_FORGET - timedelta(minutes=1)
    )
    computed.run_once()
    assert _asked() == []


def test_a_what_if_that_cannot_be_forecast_says_why(
    camp: Camp, client_as: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from haven.core.errors import HavenError

    def refuse(**kwargs: Any) -> None:
        raise HavenError("no item holds kcal, litres or doses: nothing to forecast")

    client_as("quartermaster").get(WHAT_IF_PAGE)
    monkeypatch.setattr(services, "forecast", refuse)
    computed.run_once()
    page = client_as("quartermaster").get(WHAT_IF_PAGE).content.decode()
    assert "nothing to forecast" in page and "hx-trigger" not in page
