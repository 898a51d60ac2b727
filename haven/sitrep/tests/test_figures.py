"""The SITREP's figures on a small camp with known answers."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from haven.people import services as people
from haven.people.choices import Status
from haven.sitrep import services
from haven.sitrep.indicators import SECTIONS, indicators
from haven.sitrep.tests.conftest import END, START, at
from haven.stock import services as stock

ALL = frozenset(SECTIONS)


def report() -> Any:
    return services.sitrep(period="24h", end=END)


def test_population_and_its_change(camp: dict[str, Any]) -> None:
    p = report().people
    assert (p.in_camp_start, p.in_camp_end) == (12, 9)
    assert p.by_status_end == {
        **{status: 0 for status in Status.values},
        "present": 9,
        "missing": 1,
        "deceased": 2,
        "departed": 1,
    }
    assert (p.arrivals, p.departures, p.deaths, p.missing, p.found) == (1, 1, 2, 1, 0)
    assert p.children == 1 and p.deaths_under_five == 1


def test_crude_and_under_five_mortality_against_the_emergency_thresholds(
    camp: dict[str, Any],
) -> None:
    p = report().people
    # 2 deaths ÷ (mid-period 10.5 people × 1 day) × 10,000
    assert p.cmr == pytest.approx(2 / 10.5 * 10_000)
    # 1 death under five ÷ (mid-period (2 + 1) / 2 children × 1 day) × 10,000
    assert p.u5mr == pytest.approx(1 / 1.5 * 10_000)
    assert p.cmr_emergency and p.u5mr_emergency


def test_no_deaths_no_emergency(camp: dict[str, Any]) -> None:
    quiet = services.sitrep(period="24h", end=START - timedelta(days=3))
    assert quiet.people.deaths == 0 and quiet.people.cmr == 0.0
    assert not quiet.people.cmr_emergency


def test_water_and_food_issued_per_person_a_day_against_sphere(camp: dict[str, Any]) -> None:
    s = report().supplies
    assert s.litres_issued == pytest.approx(157.5)
    assert s.litres_per_person_day == pytest.approx(15.0)
    assert s.kcal_per_person_day == pytest.approx(2100.0)
    assert (s.water_standard, s.kcal_standard) == (15.0, 2100.0)
    assert not s.water_below and not s.kcal_below


def test_covered_space_and_people_without_shelter(camp: dict[str, Any]) -> None:
    sh = report().shelter
    assert sh.covered_per_person == pytest.approx(35 / 9)
    assert sh.without_shelter == 9
    assert not sh.below


def test_a_past_period_does_not_change_when_later_events_are_added(
    camp: dict[str, Any], users: dict[str, Any]
) -> None:
    before = indicators(report(), ALL)
    clerk = users["clerk"]
    # Everything after the end: a death, an arrival, an issue, a destroyed tent, a return.
    people.change_status(by=clerk, person=camp["adults"][3], status=Status.DECEASED)
    people.register_person(by=clerk, full_name="Later arrival")
    people.change_status(by=clerk, person=camp["adults"][2], status=Status.PRESENT)
    stock.issue(by=None, item=camp["water"], store=camp["store"], quantity=500, purpose="other")
    from haven.shelter import services as shelter

    shelter.destroy_shelter(by=None, shelter=camp["tent"])
    after = indicators(report(), ALL)
    assert after == before
    # …while the SITREP of now sees them.
    now = services.sitrep(period="24h")
    assert now.people.deaths == 1 and now.shelter.covered_m2 == 0


def test_the_30_day_series_ends_with_the_periods_figures(camp: dict[str, Any]) -> None:
    series = report().series
    assert len(series) == 30
    assert series[-1].population == 9
    assert sum(point.deaths for point in series) == 2


def test_a_backdated_event_inside_the_period_is_counted(
    camp: dict[str, Any], users: dict[str, Any]
) -> None:
    people.change_status(
        by=users["clerk"], person=camp["adults"][4], status=Status.DECEASED, occurred_at=at(20)
    )
    assert report().people.deaths == 3
